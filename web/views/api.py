"""The JSON API: the same searches and documents as the pages, as data."""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from web.access import visible_levels
from web.app import get_hub
from web.facets_view import build_facets
from web.params import parse_args, state_pairs
from web.results import run_search
from web.suggestions import completions, suggestion
from web.views.documents import visible_document

bp = Blueprint("api", __name__)


@bp.get("/api/search")
def api_search():
    hub = get_hub()
    search_request = parse_args(request.args, visible_levels())
    result, hits = run_search(hub, search_request)
    pairs = state_pairs(request.args)
    facets = build_facets("/search", pairs, search_request, result, hub.taxonomy)
    return jsonify(
        total=result.total,
        page=result.page,
        pages=result.pages,
        relaxed=result.relaxed,
        hits=[h.as_json(url_for("documents.document_page", doc_id=h.doc.id)) for h in hits],
        facets={f.name: [v.as_json() for v in f.values] for f in facets},
        suggestion=suggestion(hub, search_request, result, pairs),
    )


@bp.get("/api/suggest")
def api_suggest():
    # Completions for the search box: the query with its last word completed
    # ("term") and matching document titles ("title"), only from visible documents.
    q = (request.args.get("q") or "")[:200]
    return jsonify(q=q, completions=completions(get_hub(), q, visible_levels()))


@bp.get("/api/documents/<doc_id>")
def api_document(doc_id: str):
    doc = visible_document(doc_id)
    return jsonify(
        id=doc.id,
        title=doc.title,
        authors=doc.authors,
        org=doc.org,
        date=doc.date,
        year=doc.year,
        type=doc.type,
        lang=doc.lang,
        areas=doc.areas,
        areas_auto=doc.areas_auto,
        area_evidence=doc.area_evidence,
        abstract=doc.abstract,
        doi=doc.doi,
        url=url_for("documents.document_page", doc_id=doc.id),
        original_url=url_for("documents.original", doc_id=doc.id),
        format=doc.format,
    )


@bp.errorhandler(404)
def api_not_found(_error):
    return jsonify(error="not found"), 404


@bp.get("/healthz")
def healthz():
    # Says only whether the index opens: counts would reveal hidden documents.
    get_hub().pool.get()
    return jsonify(status="ok")
