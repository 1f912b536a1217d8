"""Home, search and area pages."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from search.engine import SearchRequest
from web.access import visible_levels
from web.app import get_hub
from web.facets_view import build_chips, build_facets
from web.params import link, parse_args, state_pairs, without
from web.results import run_search
from web.suggestions import suggestion

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
    search_request = parse_args(request.args, visible_levels())
    result, hits = run_search(hub, search_request)
    pairs = state_pairs(request.args)
    facets = build_facets("/search", pairs, search_request, result, hub.taxonomy)
    chips = build_chips("/search", pairs, search_request, hub.taxonomy)
    sort_links = {
        s: link("/search", without(pairs, "sort") + ([("sort", s)] if s != "relevance" else []))
        for s in ("relevance", "newest", "oldest")
    }
    pages = _pagination(pairs, result.page, result.pages)
    return render_template(
        "search.html",
        req=search_request,
        result=result,
        hits=hits,
        facets=facets,
        chips=chips,
        sort_links=sort_links,
        pages=pages,
        suggestion=suggestion(hub, search_request, result, pairs),
    )


def _pagination(pairs, page: int, pages: int) -> dict[str, object]:
    def url(n: int) -> str:
        return link("/search", pairs + ([("page", str(n))] if n > 1 else []))

    window = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    return {
        "prev": url(page - 1) if page > 1 else None,
        "next": url(page + 1) if page < pages else None,
        "numbers": [(n, url(n), n == page) for n in window],
    }


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
