"""Facets ready to render: every value carries its label, count, selected flag
and the URL that toggles it (after Datasette's facets), so templates and the
JSON API only display data.

A value's ``label`` here is English, for the language-neutral JSON API (and for callers with no app, such
as the benches). The pages name facets and values in the interface language through :mod:`web.i18n`
(``facet_title``, ``value_label``), which holds the translated names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ingest.taxonomy import Taxonomy
from search import SearchRequest, SearchResult
from web.params import YEAR_PARAM, link, toggled, without

FACETS = ("area", "type", "year", "org", "lang")
LANGUAGE_NAMES = {  # English, for the API's labels; the pages' are web.i18n.LANGUAGE_NAMES
    "da": "Danish",
    "en": "English",
    "de": "German",
    "sv": "Swedish",
    "no": "Norwegian",
    "nl": "Dutch",
    "fr": "French",
}
FACET_LIMIT = {"org": 100, "year": 50}
"""Values listed at most (a page lists them behind "more", so the bound is on the page's size, not its view)."""
FACET_TOP = 5
"""Values a facet shows before its "more" (the rest, and any chosen value, are listed too; see ``Facet``)."""
FILTER_BOX_FROM = 8
"""A facet with more values than this gets a box that narrows its list as one types (web/static/facets.js)."""


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    toggle_url: str

    def as_json(self) -> dict[str, object]:
        return {
            "value": self.value,
            "label": self.label,
            "count": self.count,
            "selected": self.selected,
            "toggle_url": self.toggle_url,
        }


@dataclass
class Facet:
    name: str  # a page titles it with web.i18n.facet_title
    values: list[FacetValue]

    @property
    def top(self) -> list[FacetValue]:
        """The values shown at once: the first ``FACET_TOP``, and every chosen one (so it can be unchosen)."""
        return [v for n, v in enumerate(self.values) if n < FACET_TOP or v.selected]

    @property
    def more(self) -> list[FacetValue]:
        """The values behind "more" (a ``<details>``: no script needed to see them)."""
        return [v for n, v in enumerate(self.values) if n >= FACET_TOP and not v.selected]

    @property
    def long(self) -> bool:
        return len(self.values) > FILTER_BOX_FROM


@dataclass
class Chip:
    label: str
    remove_url: str


def value_label(name: str, value: str, taxonomy: Taxonomy) -> str:
    if name == "area":
        return taxonomy.label(value)
    if name == "type":
        return value.replace("-", " ").capitalize()
    if name == "lang":
        return LANGUAGE_NAMES.get(value, value)
    return value


def _without_year(pairs: list[tuple[str, str]], value: str) -> list[tuple[str, str]]:
    """``pairs`` without the chosen year ``value``, however the URL spelled it (``year=02019`` too)."""
    return [(n, v) for n, v in pairs if not (n == YEAR_PARAM and v.strip().lstrip("0") == value)]


def build_facets(
    path: str, pairs: list[tuple[str, str]], request: SearchRequest, result: SearchResult, taxonomy: Taxonomy
) -> list[Facet]:
    facets = []
    for name in FACETS:
        counts = {c.value: c.count for c in result.facets.get(name, [])}
        if name == "year":
            chosen = {str(y) for y in request.years}
        else:
            chosen = set(request.filters.get(name, []))
        for value in chosen:
            counts.setdefault(value, 0)  # a selected value stays visible to be removed
        if name == "year":
            ordered = sorted(counts, key=lambda v: v, reverse=True)
        elif name == "area":
            order = {a: i for i, a in enumerate(taxonomy.ids)}
            ordered = sorted(counts, key=lambda v: order.get(v, 99))
        else:
            ordered = sorted(counts, key=lambda v: (-counts[v], v))
        limit = FACET_LIMIT.get(name)
        if limit:
            ordered = [v for v in ordered[:limit]] + [v for v in ordered[limit:] if v in chosen]
        values = []
        for value in ordered:
            selected = value in chosen
            if name == "year":
                target = _without_year(pairs, value) if selected else pairs + [(YEAR_PARAM, value)]
            else:
                target = toggled(pairs, name, value)
            values.append(
                FacetValue(value, value_label(name, value, taxonomy), counts[value], selected, link(path, target))
            )
        facets.append(Facet(name, values))
    return facets


def build_chips(
    path: str,
    pairs: list[tuple[str, str]],
    request: SearchRequest,
    title: Callable[[str], str],
    label: Callable[[str, str], str],
) -> list[Chip]:
    """The active filters as removable chips; ``title`` and ``label`` name facets and values in the page's
    language (:mod:`web.i18n`)."""
    chips = []
    for name in ("area", "type", "org", "lang"):
        for value in request.filters.get(name, []):
            chips.append(Chip(f"{title(name)}: {label(name, value)}", link(path, without(pairs, name, value))))
    for year in request.years:
        chips.append(Chip(f"{title('year')}: {year}", link(path, _without_year(pairs, str(year)))))
    if request.year_from is not None or request.year_to is not None:
        lo, hi = request.year_from, request.year_to
        years = str(lo) if lo == hi else f"{lo or '…'}–{hi or '…'}"
        chips.append(Chip(f"{title('year')}: {years}", link(path, without(without(pairs, "year_from"), "year_to"))))
    return chips
