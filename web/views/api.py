"""The JSON API: the same searches and documents as the pages, as data.

Described by ``/api/openapi.json`` (:mod:`web.apispec`; a new route here needs its description there, which
``tests/test_api_spec.py`` checks). Errors are :mod:`web.api_errors`'s JSON body, raised as HTTP exceptions
and answered by the app's error handlers; messages stay English.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request, url_for

from ingest.structure import from_json
from search import QueryTooExpensive
from web.access import visible_levels
from web.api_errors import BadParameter, error_response
from web.api_params import check_search_args
from web.apispec import describe
from web.hub import get_hub
from web.results import search_from_args
from web.suggestions import completions
from web.views.documents import visible_document
from web.works_view import work_listing

bp = Blueprint("api", __name__)


@bp.get("/api/search")
def api_search():
    hub = get_hub()
    levels = visible_levels()
    check_search_args(request.args, hub, levels)
    view = search_from_args(hub, request.args, levels, path=url_for("api.api_search"))
    return jsonify(
        total=view.result.total,
        page=view.result.page,
        pages=view.result.pages,
        per_page=view.request.per_page,
        relaxed=view.result.relaxed,
        hits=[
            h.as_json(url_for("documents.document_page", doc_id=h.doc.id), url_for("api.api_document", doc_id=h.doc.id))
            for h in view.hits
        ],
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
    crosslang = request.args.get("crosslang", "1")
    if crosslang not in ("0", "1"):
        raise BadParameter("crosslang", "crosslang must be 0 or 1.")
    q = (request.args.get("q") or "")[: get_hub().settings.search.limits.max_suggest_chars]
    return jsonify(q=q, completions=completions(get_hub(), q, visible_levels(), crosslang == "1"))


@bp.get("/api/documents/<doc_id>")
def api_document(doc_id: str):
    doc = visible_document(doc_id)
    return jsonify(
        work=_work_json(doc),
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
        outline=_outline(doc),
    )


def _outline(doc) -> list[dict[str, object]]:
    """The text's headings in reading order, each with its level as the source has it (1 is the top)."""
    structure = from_json(doc.structure)
    if structure is None:
        return []
    return [{"level": b.level, "text": b.text} for b in structure.blocks if b.kind == "heading"]


def _work_json(doc) -> dict[str, object] | None:
    """The document's work as the visitor may see it (web.works_view), or None when it stands alone."""
    work = work_listing(doc)
    if work is None:
        return None
    return {
        "current": work.current.id,
        "versions": [
            {
                "number": v.number,
                "formats": [
                    {"id": d.id, "format": d.format, "url": url_for("api.api_document", doc_id=d.id)} for d in v.docs
                ],
            }
            for v in work.versions
        ],
    }


@bp.get("/api/openapi.json")
def openapi():
    # Built once per app: it depends only on the code and the taxonomy, which a running app does not change.
    spec = current_app.extensions.get("skh_openapi")
    if spec is None:
        spec = current_app.extensions["skh_openapi"] = describe(get_hub().taxonomy)
    return jsonify(spec)


@bp.errorhandler(QueryTooExpensive)
def api_too_expensive(error: QueryTooExpensive):
    # The search was stopped at its time budget or found no slot (search.limits): say so, as data, with the
    # search's own code (query_too_expensive, search_busy), not as a server error.
    return error_response(503, str(error), getattr(error, "code", None))


@bp.get("/healthz")
def healthz():
    # Says only whether the index opens: counts would reveal hidden documents.
    get_hub().pool.get()
    return jsonify(status="ok")
