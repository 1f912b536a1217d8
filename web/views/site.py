"""What crawlers and browsers ask every site for: ``/sitemap.xml``, ``/robots.txt``, ``/favicon.ico``.

The sitemap lists public documents only, whoever asks: it is a public file search engines keep, so a staff
member's session must not put staff documents in it. A work is listed once, by the page its other formats and
versions name as canonical.
"""

from __future__ import annotations

import math

from flask import Blueprint, Response, abort, current_app, send_from_directory

from ingest import works
from web import sitemap
from web.hub import get_hub
from web.public_url import external

bp = Blueprint("site", __name__)

# Staff pages, the account pages, machine answers and crawler traps (every facet combination of /search is a
# page; the documents are in the sitemap instead). Patterns with * as RFC 9309 reads them.
DISALLOWED = (
    "/upload",
    "/admin/",
    "/set-password/",
    "/doc/*/edit",
    "/doc/*/delete",
    "/doc/*/history",
    "/trash",
    "/doc/*/cite.",
    "/search?",
    "/search/cite.",
    "/login",
    "/logout",
    "/language/",
    "/api/",
)


def _pages() -> list[tuple[str, str]]:
    """The main public pages: the front page and each strength area's page."""
    areas = get_hub().taxonomy.areas
    return [(external("pages.home"), "")] + [(external("pages.area_page", area_id=a.id), "") for a in areas]


def _documents(number: int) -> list[tuple[str, str]]:
    """The public documents of sitemap file ``number`` (from 1)."""
    catalog = get_hub().catalog
    rows = catalog.listing("public", (number - 1) * sitemap.URLS_PER_FILE, sitemap.URLS_PER_FILE)
    # Another format or an older version of a work is left out: its page names the work's page as canonical.
    elsewhere = works.listed_elsewhere(catalog.connection(), ("public",))
    return [
        (external("documents.document_page", doc_id=doc_id), updated[:10])
        for doc_id, updated in rows
        if doc_id not in elsewhere
    ]


def _files() -> int:
    return max(1, math.ceil(get_hub().catalog.count_at("public") / sitemap.URLS_PER_FILE))


def _xml(body: bytes) -> Response:
    return Response(body, mimetype="application/xml")


@bp.get("/sitemap.xml")
def sitemap_xml():
    files = _files()
    if files == 1:
        return _xml(sitemap.urlset(_pages() + _documents(1)))
    return _xml(sitemap.sitemap_index([external("site.sitemap_file", number=n) for n in range(1, files + 1)]))


@bp.get("/sitemaps/<int:number>.xml")
def sitemap_file(number: int):
    """File ``number`` of a sitemap index (the first also lists the main pages)."""
    if not 1 <= number <= _files():
        abort(404)
    return _xml(sitemap.urlset((_pages() if number == 1 else []) + _documents(number)))


@bp.get("/robots.txt")
def robots_txt():
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in DISALLOWED),
        "",
        f"Sitemap: {external('site.sitemap_xml')}",
    ]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


@bp.get("/favicon.ico")
def favicon():
    # Browsers and feed readers ask here whatever the page's <link rel="icon"> says; the SVG answers.
    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml", max_age=86400)
