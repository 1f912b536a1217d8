"""Search state lives in the URL: parsing it, and building links that change it.

Every link on the search page (facet toggles, chips, sort, pages) is the
current URL with one change, so any search can be bookmarked and shared.
Malformed values are ignored rather than rejected here: a hand-edited URL still
searches. The JSON API refuses them first (:mod:`web.api_params`), so a program
learns of its mistake instead of reading a search it did not ask for.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote_plus

from werkzeug.datastructures import MultiDict

from search import SORTS, Limits, SearchRequest

LIST_PARAMS = ("area", "type", "org", "lang")
YEAR_PARAM = "year"
"""Chosen years (may repeat: OR-ed with each other and with the ``year_from``..``year_to`` range)."""
SCALAR_PARAMS = ("q", "year_from", "year_to", "sort", "crosslang", "per_page", "correct")
FILTER_PARAMS = (*LIST_PARAMS, YEAR_PARAM, "year_from", "year_to")
MAX_YEARS = 20
"""The parameters that narrow a search by facet or year ("Clear filters" removes them, keeping the words)."""
PER_PAGE = 10
MAX_PER_PAGE = 100
PER_PAGE_CHOICES = (10, 20, 50, 100)
"""The page sizes the search page offers; any size from 1 to ``MAX_PER_PAGE`` may be asked for."""


def _int(value: str | None, low: int, high: int) -> int | None:
    if value and re.fullmatch(r"\d{1,6}", value.strip()):
        number = int(value)
        if low <= number <= high:
            return number
    return None


def per_page(value: str | None) -> int:
    """The page size ``per_page`` asks for, clamped to 1..``MAX_PER_PAGE``; ``PER_PAGE`` when it is no number."""
    if value and re.fullmatch(r"\d{1,9}", value.strip()):
        return max(1, min(int(value), MAX_PER_PAGE))
    return PER_PAGE


def parse_args(
    args: MultiDict, visibility: tuple[str, ...], limits: Limits, glossary: str | None = None
) -> SearchRequest:
    """The search a page's or the API's arguments ask for; the query text is cut at ``limits.max_chars``
    (``SKH_QUERY_MAX_CHARS``), the one length the search itself searches. ``crosslang=0`` searches the
    typed words only, without their equivalents in the other language (``glossary``: ``SKH_GLOSSARY``)."""
    sort = args.get("sort", "relevance")
    return SearchRequest(
        q=(args.get("q") or "")[: limits.max_chars],
        filters={name: [v[:200] for v in args.getlist(name) if v][:20] for name in LIST_PARAMS},
        year_from=_int(args.get("year_from"), 1000, 9999),
        year_to=_int(args.get("year_to"), 1000, 9999),
        years=years(args),
        visibility=visibility,
        sort=sort if sort in SORTS else "relevance",
        page=_int(args.get("page"), 1, 100_000) or 1,
        per_page=per_page(args.get("per_page")),
        crosslang=args.get("crosslang", "1").strip() != "0",
        glossary=glossary,
    )


def years(args: MultiDict) -> tuple[int, ...]:
    """The chosen years (``year``, repeated), in order, once each, at most ``MAX_YEARS``; others ignored."""
    found = [_int(v, 1000, 9999) for v in args.getlist(YEAR_PARAM)[: MAX_YEARS * 2]]
    return tuple(dict.fromkeys(y for y in found if y is not None))[:MAX_YEARS]


def state_pairs(args: MultiDict) -> list[tuple[str, str]]:
    """The search-defining parameters in a stable order (page dropped)."""
    pairs = []
    for name in (*SCALAR_PARAMS, *LIST_PARAMS, YEAR_PARAM):
        for value in args.getlist(name):
            if value:
                pairs.append((name, value))
    return pairs


def link(path: str, pairs: list[tuple[str, str]]) -> str:
    """``path?`` plus ``pairs`` form-encoded, as ``urlencode`` would (a search page has dozens of links)."""
    if not pairs:
        return path
    return path + "?" + "&".join(f"{_quoted(n)}={_quoted(v)}" for n, v in pairs)


@lru_cache(maxsize=4096)
def _quoted(text: str) -> str:
    return quote_plus(text)


def without(pairs: list[tuple[str, str]], name: str, value: str | None = None) -> list[tuple[str, str]]:
    return [(n, v) for n, v in pairs if not (n == name and (value is None or v == value))]


def toggled(pairs: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    """Add ``name=value`` if absent, remove it if present."""
    if (name, value) in pairs:
        return without(pairs, name, value)
    return pairs + [(name, value)]


def pagination(path: str, pairs: list[tuple[str, str]], page: int, pages: int) -> dict[str, object]:
    """Links to the previous, next and nearby pages of ``path`` with ``pairs`` (page 1 has no ``page``)."""

    def url(n: int) -> str:
        return link(path, pairs + ([("page", str(n))] if n > 1 else []))

    window = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    return {
        "prev": url(page - 1) if page > 1 else None,
        "next": url(page + 1) if page < pages else None,
        "numbers": [(n, url(n), n == page) for n in window],
    }


def page_number(value: str | None) -> int:
    """A ``page`` argument as a number (1 for anything that is not one)."""
    return _int(value, 1, 100_000) or 1
