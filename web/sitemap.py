"""Sitemaps (sitemaps.org 0.9): the public pages and documents search engines may list.

A sitemap file holds at most 50,000 addresses; this service writes at most :data:`URLS_PER_FILE` a file, so
one answer costs a bounded read of the catalog's visibility index. Up to that many public documents,
``/sitemap.xml`` is the one file; beyond, it is an index of numbered files.
"""

from __future__ import annotations

from lxml import etree

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
URLS_PER_FILE = 10_000


def _xml(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def urlset(entries: list[tuple[str, str]]) -> bytes:
    """A ``<urlset>`` of (absolute address, last modified as a W3C date or "") pairs."""
    root = etree.Element("urlset", nsmap={None: NAMESPACE})
    for loc, lastmod in entries:
        url = etree.SubElement(root, "url")
        etree.SubElement(url, "loc").text = loc
        if lastmod:
            etree.SubElement(url, "lastmod").text = lastmod
    return _xml(root)


def sitemap_index(locations: list[str]) -> bytes:
    """A ``<sitemapindex>`` of the absolute addresses of sitemap files."""
    root = etree.Element("sitemapindex", nsmap={None: NAMESPACE})
    for loc in locations:
        etree.SubElement(etree.SubElement(root, "sitemap"), "loc").text = loc
    return _xml(root)
