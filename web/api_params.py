"""The arguments of ``/api/search``, checked before anything is searched.

The search page forgives a hand-edited URL (:mod:`web.params` ignores what it cannot read). A program should
not be forgiven silently: ``year_from=2O20`` or ``area=hearing`` searched as if they were absent gives it
plausible, wrong answers. So the API answers a value it cannot use with 400 and a message naming the
parameter (:class:`web.api_errors.BadParameter`), and does no search.

Limits here are the ones the search applies anyway (20 values of a facet, 200 characters each, 100 hits a
page), so one request cannot ask for unbounded work. Parameters the API does not know are ignored, as the
page ignores them: the page's parameters grow with features, and the API reads the same ones.
"""

from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict

from search import SORTS
from web.api_errors import BadParameter
from web.hub import Hub
from web.known_values import KNOWN_LANGS, KNOWN_TYPES, unknown_values
from web.params import LIST_PARAMS, MAX_PER_PAGE, YEAR_PARAM

MAX_VALUES = 20
MAX_VALUE_CHARS = 200
YEARS = (1000, 9999)
MAX_PAGE = 100_000
FACET_NAMES = {"area": "strength area", "type": "document type", "lang": "language"}


def _shown(value: str) -> str:
    """A value quoted in a message, cut short."""
    return repr(value if len(value) <= 60 else value[:57] + "...")


def _integer(args: MultiDict, name: str, low: int, high: int, what: str) -> int | None:
    value = args.get(name)
    if value is None:
        return None
    if not re.fullmatch(r"[0-9]{1,9}", value) or not low <= int(value) <= high:
        raise BadParameter(name, f"{name} must be {what} from {low} to {high}, not {_shown(value)}.")
    return int(value)


def check_search_args(args: MultiDict, hub: Hub, levels: tuple[str, ...]) -> None:
    """Raise :class:`BadParameter` for the first argument of ``args`` that ``/api/search`` cannot use;
    ``levels`` are the visitor's (a type or language only hidden documents carry is unknown to them)."""
    for name in LIST_PARAMS:
        values = args.getlist(name)
        if len(values) > MAX_VALUES:
            raise BadParameter(name, f"At most {MAX_VALUES} {name} values, not {len(values)}.")
        for value in values:
            if not value:
                raise BadParameter(name, f"{name} must not be empty; leave it out to not filter by it.")
            if len(value) > MAX_VALUE_CHARS:
                raise BadParameter(name, f"A {name} value has at most {MAX_VALUE_CHARS} characters.")
    chosen = args.getlist(YEAR_PARAM)
    if len(chosen) > MAX_VALUES:
        raise BadParameter(YEAR_PARAM, f"At most {MAX_VALUES} year values, not {len(chosen)}.")
    for value in chosen:
        _integer(MultiDict([(YEAR_PARAM, value)]), YEAR_PARAM, *YEARS, "a year")
    year_from = _integer(args, "year_from", *YEARS, "a year")
    year_to = _integer(args, "year_to", *YEARS, "a year")
    if year_from is not None and year_to is not None and year_from > year_to:
        raise BadParameter("year_from", f"year_from ({year_from}) is after year_to ({year_to}).")
    _integer(args, "page", 1, MAX_PAGE, "a page number")
    _integer(args, "per_page", 1, MAX_PER_PAGE, "a number of hits")
    sort = args.get("sort")
    if sort is not None and sort not in SORTS:
        raise BadParameter("sort", f"sort must be one of {', '.join(SORTS)}, not {_shown(sort)}.")
    crosslang = args.get("crosslang")
    if crosslang is not None and crosslang not in ("0", "1"):
        raise BadParameter("crosslang", f"crosslang must be 0 or 1, not {_shown(crosslang)}.")
    unknown = unknown_values(hub, {name: args.getlist(name) for name in LIST_PARAMS}, levels)
    if unknown:
        name, value = unknown[0]
        raise BadParameter(name, f"Unknown {FACET_NAMES[name]} {_shown(value)}; {_known(hub, name)}.")


def _known(hub: Hub, name: str) -> str:
    if name == "area":
        return "the strength areas are " + ", ".join(hub.taxonomy.ids)
    if name == "lang":
        return "the languages searched apart are " + ", ".join(KNOWN_LANGS) + " (others are searched as en)"
    return "known types are " + ", ".join(KNOWN_TYPES) + ", and any other that the type facet lists"
