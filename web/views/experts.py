"""Who knows about a topic: ``/experts`` (a page) and ``/api/experts`` (the same as data)."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from search import QueryTooExpensive
from web.access import visible_levels
from web.experts_view import experts_page, limit_arg
from web.hub import get_hub
from web.messages import notice

bp = Blueprint("experts", __name__)


@bp.get("/experts")
def experts():
    view = experts_page(get_hub(), request.args, visible_levels())
    return render_template("experts.html", view=view)


@bp.get("/api/experts")
def api_experts():
    """Organisations and people ranked by the documents matching a query, as JSON.

    Parameters (query string), as ``/api/search``'s where they share a name:

    - ``q``: the query, in the search's query language (empty: no ranking, empty lists);
    - ``area``, ``type``, ``org``, ``lang`` (each may repeat), ``year_from``, ``year_to``: filters;
    - ``crosslang``: ``0`` searches the typed words only, without the glossary's other language;
    - ``limit``: organisations and people returned, each, 1–50 (default 10).

    Response 200::

        {"q": str, "total": int,          # documents the query matches (the visitor's only)
         "relaxed": bool,                 # all words found nothing: any word was used
         "notices": [str], "expansion": {lang: [term]},
         "organisations": [Expert], "authors": [Expert]}   # best first

    where ``Expert`` is ``{"name", "slug", "url" (its page), "score" (the ranking's evidence, see
    docs/ranking.md), "matching" (its documents the query matches), "documents" (all its visible
    documents), "evidence": [{"id", "title", "url", "evidence" (score / best score, 0-1]}]}`` with its up to
    three best matching documents. 503 ``{"error"}`` when the query is too expensive or the service busy.
    Only documents the caller may see are ranked, counted or named.
    """
    levels = visible_levels()
    view = experts_page(get_hub(), request.args, levels, limit=limit_arg(request.args.get("limit")))
    result = view.result
    return jsonify(
        q=view.request.q,
        total=result.total,
        relaxed=result.relaxed,
        notices=list(result.notes),
        expansion={lang: list(terms) for lang, terms in result.expansion},
        organisations=[x.as_json() for x in view.orgs],
        authors=[x.as_json() for x in view.authors],
    )


@bp.errorhandler(QueryTooExpensive)
def too_expensive(error: QueryTooExpensive):
    if request.path.startswith("/api/"):
        return jsonify(error=str(error)), 503
    return render_template("error.html", code=503, message=notice(error)), 503
