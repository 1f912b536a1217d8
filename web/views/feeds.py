"""Atom feeds: of any search, of each strength area, of each organisation. Public documents only.

A feed reader sends no session (and a shared feed address must not depend on who made it), so these views
search with the public level whatever the visitor's session is: a logged-in member's feed is everyone's.
Each feed holds the newest :data:`web.collect.FEED_ENTRIES` documents.
"""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, Response, abort, request, url_for
from flask_babel import gettext as _

from ingest.model import Document
from search import QueryTooExpensive, SearchRequest
from web.collect import FEED_ENTRIES, page_documents
from web.facets_view import build_chips
from web.feeds import SERVICE, FeedInfo, atom
from web.hub import get_hub
from web.i18n import area_label, current_language, facet_title, value_label
from web.messages import notice
from web.params import link, parse_args, state_pairs, without
from web.public_url import absolute, external

bp = Blueprint("feeds", __name__)

PUBLIC = ("public",)
MIMETYPE = "application/atom+xml"


def _doc_url(doc: Document) -> str:
    return external("documents.document_page", doc_id=doc.id)


def _feed(info: FeedInfo, search_request: SearchRequest) -> Response:
    newest = replace(search_request, visibility=PUBLIC, sort="newest", page=1, per_page=FEED_ENTRIES)
    _, docs = page_documents(get_hub(), newest)
    body = atom(info, docs, _doc_url, area_label)
    return Response(body, mimetype=MIMETYPE)


@bp.get("/feeds/search.atom")
def search_feed():
    """The newest public documents of the search that ``/search`` with the same parameters shows."""
    hub = get_hub()
    search_request = parse_args(request.args, PUBLIC, hub.settings.search.limits, glossary=hub.settings.search.glossary)
    pairs = without(state_pairs(request.args), "sort")
    described = [f"“{search_request.q}”"] if search_request.q.strip() else []
    described += [c.label for c in build_chips("/search", pairs, search_request, facet_title, value_label)]
    title = f"{SERVICE}: {', '.join(described)}" if described else _("%(service)s: newest documents", service=SERVICE)
    info = FeedInfo(
        key=link("/feeds/search.atom", pairs),
        title=title,
        self_url=absolute(link(url_for("feeds.search_feed"), pairs)),
        page_url=absolute(link(url_for("pages.search_page"), pairs + [("sort", "newest")])),
        language=current_language(),
    )
    return _feed(info, search_request)


@bp.get("/feeds/areas/<area_id>.atom")
def area_feed(area_id: str):
    area = get_hub().taxonomy.get(area_id)
    if area is None:
        abort(404)
    info = FeedInfo(
        key=f"/feeds/areas/{area.id}.atom",
        title=f"{SERVICE}: {area.label(current_language())}",
        self_url=external("feeds.area_feed", area_id=area.id),
        page_url=external("pages.area_page", area_id=area.id),
        language=current_language(),
    )
    return _feed(info, SearchRequest(filters={"area": [area.id]}))


@bp.get("/feeds/org.atom")
def org_feed():
    """The feed of one organisation, by its exact name (``?org=Hørecenter Syd``), as the org facet holds it.

    An organisation with no public document has an empty feed, the same as one that does not exist: neither
    answer says whether it has hidden documents.
    """
    name = (request.args.get("org") or "").strip()[:200]
    if not name:
        abort(404)
    pairs = [("org", name)]
    info = FeedInfo(
        key=link("/feeds/org.atom", pairs),
        title=f"{SERVICE}: {name}",
        self_url=absolute(link(url_for("feeds.org_feed"), pairs)),
        page_url=absolute(link(url_for("pages.search_page"), pairs + [("sort", "newest")])),
        language=current_language(),
    )
    return _feed(info, SearchRequest(filters={"org": [name]}))


@bp.errorhandler(QueryTooExpensive)
def too_expensive(error: QueryTooExpensive):
    # A feed reader shows no page: say why in a line of text, with the 503 it retries after.
    return Response(notice(error) + "\n", status=503, mimetype="text/plain", headers={"Retry-After": "60"})
