"""Who knows about a topic: ``/experts`` (a page) and ``/api/experts`` (the same as data)."""

from __future__ import annotations

import re

from flask import Blueprint, jsonify, render_template, request

from search import QueryTooExpensive
from web.access import visible_levels
from web.api_errors import BadParameter, error_response
from web.api_params import check_search_args
from web.experts_view import LIMIT, MAX_LIMIT, experts_page
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
    - ``area``, ``type``, ``org``, ``lang``, ``year`` (each may repeat), ``year_from``, ``year_to``: filters;
    - ``crosslang``: ``0`` searches the typed words only, without the glossary's other language;
    - ``limit``: organisations and people returned, each, 1–50 (default 10).

    Described by ``web/apispec/experts.py`` (``/api/openapi.json``). A parameter it cannot use answers 400
    naming it, as ``/api/search`` does.

    Response 200::

        {"q": str, "total": int,          # documents the query matches (the visitor's only)
         "relaxed": bool,                 # all words found nothing: any word was used
         "notices": [str], "expansion": {lang: [term]},
         "organisations": [Expert], "authors": [Expert]}   # best first

    where ``Expert`` is ``{"name", "slug", "url" (its page), "score" (the ranking's evidence, see
    docs/ranking.md), "matching" (its documents the query matches), "documents" (all its visible
    documents), "evidence": [{"id", "title", "url", "evidence" (score / best score, 0-1]}]}`` with its up to
    three best matching documents. 503 with the API's error body when the query is too expensive or the
    service busy.
    Only documents the caller may see are ranked, counted or named.
    """
    levels = visible_levels()
    hub = get_hub()
    check_search_args(request.args, hub, levels)  # refused as /api/search refuses them (400, naming it)
    limit = request.args.get("limit")
    if limit is not None and not (re.fullmatch(r"[0-9]{1,3}", limit) and 1 <= int(limit) <= MAX_LIMIT):
        raise BadParameter("limit", f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    view = experts_page(hub, request.args, levels, limit=int(limit) if limit else LIMIT)
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
    if request.path.startswith("/api/"):  # the API's one error body, with the search's own code
        return error_response(503, str(error), getattr(error, "code", None))
    return render_template("error.html", code=503, message=notice(error)), 503
