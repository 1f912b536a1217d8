"""Home, search and area pages."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from search import QueryTooExpensive, SearchRequest
from web.access import visible_levels
from web.facets_view import build_chips
from web.hub import get_hub
from web.i18n import facet_title, value_label
from web.messages import notice
from web.params import link, pagination, without
from web.results import SearchPage, run_search, search_from_args

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    hub = get_hub()
    result, recent = run_search(hub, SearchRequest(visibility=visible_levels(), sort="newest", per_page=6))
    counts = {c.value: c.count for c in result.facets.get("area", [])}
    return render_template("home.html", counts=counts, total=result.total, recent=recent)


@bp.get("/search")
def search_page():
    hub = get_hub()
    view = search_from_args(hub, request.args, visible_levels())
    return render_template("search.html", **search_context(view))


def search_context(view: SearchPage) -> dict[str, object]:
    """What search.html shows for one search (its own function so a test can render a given notice)."""
    pairs = view.pairs
    sort_links = {
        s: link("/search", without(pairs, "sort") + ([("sort", s)] if s != "relevance" else []))
        for s in ("relevance", "newest", "oldest")
    }
    return {
        "req": view.request,
        "result": view.result,
        "hits": view.hits,
        "facets": view.facets,
        "chips": build_chips("/search", pairs, view.request, facet_title, value_label),
        "sort_links": sort_links,
        "pages": pagination("/search", pairs, view.result.page, view.result.pages),
        "suggestion": view.suggestion,
        # web.results adds the cross-language expansion (None or .also/.off_url); absent until it lands.
        "crosslang": view.crosslang,
    }


@bp.errorhandler(QueryTooExpensive)
def too_expensive(error: QueryTooExpensive):
    # The search was stopped at its time budget, or found no slot (search.limits); the page says why and what to
    # try, in the interface language.
    return render_template("error.html", code=503, message=notice(error)), 503


@bp.get("/areas/<area_id>")
def area_page(area_id: str):
    hub = get_hub()
    area = hub.taxonomy.get(area_id)
    if area is None:
        abort(404)
    result, newest = run_search(
        hub, SearchRequest(filters={"area": [area.id]}, visibility=visible_levels(), sort="newest", per_page=8)
    )
    orgs = [c for c in result.facets.get("org", [])][:8]
    years = sorted(result.facets.get("year", []), key=lambda c: c.value)
    return render_template(
        "area.html",
        area=area,
        total=result.total,
        newest=newest,
        orgs=orgs,
        years=years,
        search_url=link("/search", [("area", area.id)]),
    )
