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
from web.params import link, toggled, without

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
FACET_LIMIT = {"org": 12, "year": 20}


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


def _year_selection(request: SearchRequest) -> str | None:
    if request.year_from is not None and request.year_from == request.year_to:
        return str(request.year_from)
    return None


def build_facets(
    path: str, pairs: list[tuple[str, str]], request: SearchRequest, result: SearchResult, taxonomy: Taxonomy
) -> list[Facet]:
    facets = []
    for name in FACETS:
        counts = {c.value: c.count for c in result.facets.get(name, [])}
        if name == "year":
            chosen = {_year_selection(request)} - {None}
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
                base = without(without(pairs, "year_from"), "year_to")
                target = base if selected else base + [("year_from", value), ("year_to", value)]
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
    if request.year_from is not None or request.year_to is not None:
        lo, hi = request.year_from, request.year_to
        years = str(lo) if lo == hi else f"{lo or '…'}–{hi or '…'}"
        chips.append(Chip(f"{title('year')}: {years}", link(path, without(without(pairs, "year_from"), "year_to"))))
    return chips
