"""The JSON API: the same searches and documents as the pages, as data."""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from search import QueryTooExpensive
from web.access import visible_levels
from web.hub import get_hub
from web.results import search_from_args
from web.suggestions import completions
from web.views.documents import visible_document

bp = Blueprint("api", __name__)


@bp.get("/api/search")
def api_search():
    view = search_from_args(get_hub(), request.args, visible_levels())
    return jsonify(
        total=view.result.total,
        page=view.result.page,
        pages=view.result.pages,
        relaxed=view.result.relaxed,
        hits=[h.as_json(url_for("documents.document_page", doc_id=h.doc.id)) for h in view.hits],
        facets={f.name: [v.as_json() for v in f.values] for f in view.facets},
        suggestion=view.suggestion,
        notices=list(view.result.notes),
        expansion={lang: list(terms) for lang, terms in view.result.expansion},
    )


@bp.get("/api/suggest")
def api_suggest():
    # Completions for the search box: the query with its last word completed
    # ("term") and matching document titles ("title"), also in the other language
    # unless crosslang=0 (as for /api/search), only from visible documents.
    q = (request.args.get("q") or "")[: get_hub().settings.search.limits.max_suggest_chars]
    crosslang = request.args.get("crosslang") != "0"
    return jsonify(q=q, completions=completions(get_hub(), q, visible_levels(), crosslang))


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


@bp.errorhandler(QueryTooExpensive)
def api_too_expensive(error: QueryTooExpensive):
    # The search was stopped at its time budget (search.limits): say so, as data, not as a server error.
    return jsonify(error=str(error)), 503


@bp.errorhandler(404)
def api_not_found(_error):
    return jsonify(error="not found"), 404


@bp.get("/healthz")
def healthz():
    # Says only whether the index opens: counts would reveal hidden documents.
    get_hub().pool.get()
    return jsonify(status="ok")
