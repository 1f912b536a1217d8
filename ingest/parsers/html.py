"""HTML pages: the main content as text, metadata from the tags sites really use.

Scholarly pages carry Highwire ``citation_*`` tags, repositories Dublin Core
``DC.*``, news and blogs OpenGraph; many carry JSON-LD. Within a page the most
specific scheme wins: citation > Dublin Core > JSON-LD > OpenGraph > plain
``<title>``/``<h1>``.
"""

from __future__ import annotations

import json
import re

from bs4 import BeautifulSoup

from ingest.model import Parsed
from ingest.parsers.html_blocks import HtmlText, read_blocks
from ingest.parsers.text import decode, split_list

_DROP = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "svg", "iframe")
_BLOCKS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "blockquote", "pre", "dd", "dt", "figcaption")

# (metadata field, tag names in order of preference)
_TAGS: list[tuple[str, tuple[str, ...]]] = [
    ("title", ("citation_title", "dc.title", "og:title")),
    ("authors", ("citation_author", "dc.creator", "author", "article:author")),
    (
        "date",
        (
            "citation_publication_date",
            "citation_date",
            "dc.date",
            "dc.date.issued",
            "article:published_time",
            "date",
            "pubdate",
        ),
    ),
    (
        "org",
        (
            "citation_publisher",
            "citation_technical_report_institution",
            "citation_dissertation_institution",
            "dc.publisher",
            "og:site_name",
        ),
    ),
    ("type", ("skh.type", "dc.type")),
    ("lang", ("citation_language", "dc.language", "og:locale")),
    ("abstract", ("citation_abstract", "dc.description", "og:description", "description")),
    ("doi", ("citation_doi", "dc.identifier.doi")),
    ("url", ("citation_public_url", "citation_abstract_html_url", "og:url", "dc.identifier")),
    ("areas", ("skh.areas",)),
    ("visibility", ("skh.visibility",)),
]


def _meta_values(soup: BeautifulSoup) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for tag in soup.find_all("meta"):
        name = (tag.get("name") or tag.get("property") or "").strip().lower()
        content = (tag.get("content") or "").strip()
        if name and content:
            values.setdefault(name, []).append(content)
    return values


def _json_ld(soup: BeautifulSoup) -> dict[str, object]:
    found: dict[str, object] = {}
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except (ValueError, TypeError):
            continue
        items = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
        for item in items:
            if not isinstance(item, dict):
                continue
            if item.get("headline") or item.get("name"):
                found.setdefault("title", item.get("headline") or item.get("name"))
            authors = item.get("author")
            if authors:
                authors = authors if isinstance(authors, list) else [authors]
                names = [a.get("name") if isinstance(a, dict) else str(a) for a in authors]
                found.setdefault("authors", [n for n in names if n])
            if item.get("datePublished"):
                found.setdefault("date", str(item["datePublished"]))
            publisher = item.get("publisher")
            if isinstance(publisher, dict) and publisher.get("name"):
                found.setdefault("org", publisher["name"])
            if item.get("description"):
                found.setdefault("abstract", item["description"])
            if item.get("inLanguage"):
                found.setdefault("lang", str(item["inLanguage"]))
    return found


def parse_html(data: bytes) -> Parsed:
    soup = BeautifulSoup(decode(data), "html.parser")
    meta = _meta_values(soup)
    metadata: dict[str, object] = {}
    weak = ("og:", "article:", "description")
    for strong in (True, False):
        if not strong:
            for name, value in _json_ld(soup).items():
                metadata.setdefault(name, value)
        for name, keys in _TAGS:
            for key in keys:
                if key in meta and key.startswith(weak) != strong and name not in metadata:
                    metadata[name] = meta[key] if name == "authors" else meta[key][0]
                    if key == "author":  # one tag for all: "A, B and C"
                        metadata[name] = [n for value in meta[key] for n in split_list(value)]
    if "lang" not in metadata and soup.html and soup.html.get("lang"):
        metadata["lang"] = soup.html["lang"]
    if "title" not in metadata and soup.title and soup.title.string:
        metadata["title"] = " ".join(soup.title.string.split())
    if isinstance(metadata.get("areas"), str):
        metadata["areas"] = [a.strip() for a in re.split(r"[,;]", metadata["areas"]) if a.strip()]

    for tag in soup.find_all(_DROP):
        tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    root = soup.find("main") or soup.find("article") or soup.body or soup
    found = read_blocks(root, _BLOCKS, _BLOCKS)
    if not found.paragraphs:
        text = " ".join(root.get_text(" ").split())
        found = HtmlText([text], [], []) if text else found
    if "title" not in metadata and found.headings:
        metadata["title"] = found.headings[0]
    body = "\n\n".join(found.paragraphs)
    return Parsed(format="html", body=body, metadata=metadata, headings=found.headings, blocks=found.blocks)
