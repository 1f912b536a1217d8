"""Home, search and area pages."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from search import QueryTooExpensive, SearchRequest, time_budget
from web.access import visible_levels
from web.charts import Chart, columns, year_items
from web.citations import FORMATS
from web.collect import EXPORT_LIMIT
from web.facets_view import build_chips
from web.hub import get_hub
from web.i18n import facet_title, value_label
from web.known_values import CHECKED, unknown_values
from web.messages import notice
from web.params import FILTER_PARAMS, PER_PAGE, PER_PAGE_CHOICES, link, pagination, without
from web.results import SearchPage, run_search, search_from_args
from web.ways_on import corrected_search, without_each_filter

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
    levels = visible_levels()
    # A filter value no document can carry (area=bogus, from a hand-edited or old link) is set aside with a
    # notice rather than searched as a "bogus" filter that can only find nothing (the API refuses it: 400).
    ignored = unknown_values(hub, {name: request.args.getlist(name) for name in CHECKED}, levels)
    args = request.args
    if ignored:
        args = MultiDict([(n, v) for n, v in request.args.items(multi=True) if (n, v) not in ignored])
    # One budget for the page: the search, its did-you-mean, a corrected search and the filter counts.
    with time_budget():
        view, correction = corrected_search(hub, args, levels, search_from_args(hub, args, levels))
        context = search_context(view, ignored)
        relaxations = []
        if not view.result.total and context["chips"]:
            relaxations = without_each_filter(hub, context["chips"], levels)
    return render_template("search.html", **context, correction=correction, relaxations=relaxations)


def search_context(view: SearchPage, ignored: list[tuple[str, str]] | None = None) -> dict[str, object]:
    """What search.html shows for one search (its own function so a test can render a given notice);
    ``ignored``: the ``(facet, value)`` filters set aside as unknown."""
    pairs = view.pairs
    sort_links = {
        s: link("/search", without(pairs, "sort") + ([("sort", s)] if s != "relevance" else []))
        for s in ("relevance", "newest", "oldest")
    }
    size_links = [
        (n, link("/search", without(pairs, "per_page") + ([("per_page", str(n))] if n != PER_PAGE else [])))
        for n in PER_PAGE_CHOICES
    ]
    chips = build_chips("/search", pairs, view.request, facet_title, value_label)
    return {
        "ignored": ignored or [],
        "size_links": size_links,
        "req": view.request,
        "result": view.result,
        "hits": view.hits,
        "facets": view.facets,
        "chips": chips,
        "active_filters": len(chips),
        # The filter form carries the rest of the search (words, sort, page size) so applying filters keeps it.
        "kept_state": [(n, v) for n, v in pairs if n not in FILTER_PARAMS],
        "year_chart": _year_chart(view),
        # "Clear filters" keeps the words, the sort and the page size; "New search" (a bare /search) drops all.
        "clear_filters_url": link("/search", [(n, v) for n, v in pairs if n not in FILTER_PARAMS]),
        "sort_links": sort_links,
        "pages": pagination("/search", pairs, view.result.page, view.result.pages),
        "suggestion": view.suggestion,
        # web.results adds the cross-language expansion (None or .also/.off_url); absent until it lands.
        "crosslang": view.crosslang,
        "feed_url": link("/feeds/search.atom", without(pairs, "sort")),
        "cite_links": _cite_links(pairs, view.result.page),
        "export_limit": EXPORT_LIMIT,
    }


def _year_chart(view: SearchPage) -> Chart | None:
    """The year facet's counts as a small histogram (web/charts.py), oldest year first; None for fewer than
    two years. Its name lists the counts, so the image says to a screen reader what it shows."""
    counts = {int(c.value): c.count for c in view.result.facets.get("year", []) if c.value.isdigit()}
    if len(counts) < 2:
        return None
    items = [(str(year), n, None) for year, n in year_items(counts)]
    listed = ", ".join(f"{label}: {n}" for label, n, _url in items if n)
    return columns("yearchart", _("Documents per year: %(counts)s", counts=listed), items, width=224, height=48)


def _cite_links(pairs: list[tuple[str, str]], page: int) -> dict[str, list[tuple[str, str]]]:
    """The result list's citation downloads (web/views/citations.py): this page, and all results up to the
    export limit, in each format."""
    here = pairs + ([("page", str(page))] if page > 1 else [])
    return {
        "page": [(f.name, link(f"/search/cite.{ext}", here)) for ext, f in FORMATS.items()],
        "all": [(f.name, link(f"/search/cite.{ext}", pairs + [("scope", "all")])) for ext, f in FORMATS.items()],
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
