"""What a results page offers when the words find nothing (issue #18): no page should end in "0 results".

In order: a misspelling whose correction finds documents shows those at once (with a link back to the words
as typed, ``correct=0``, which never corrects again); a search narrowed by filters says what removing each
filter would find; anything else offers the strength areas and browsing. Every count is searched with the
visitor's own visibility levels, so no count reveals a document they may not see.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, urlsplit

from werkzeug.datastructures import MultiDict

from search import QueryTooExpensive, search
from web.facets_view import Chip
from web.hub import Hub
from web.params import link, parse_args, without
from web.results import SearchPage, search_from_args

MAX_FILTER_COUNTS = 8
"""At most this many "without this filter" counts (one search each) per page; a URL may carry 80 filters."""


@dataclass(frozen=True)
class Correction:
    """The page shows the results for ``corrected``; ``original_url`` searches the words as typed."""

    corrected: str
    original: str
    original_url: str


def corrected_search(
    hub: Hub, args: MultiDict, levels: tuple[str, ...], view: SearchPage
) -> tuple[SearchPage, Correction | None]:
    """The corrected search's page in place of ``view`` when ``view`` found nothing, did-you-mean has a
    correction and it finds something; else ``view`` unchanged. Call it inside the page's time budget."""
    if view.result.total or view.suggestion is None or args.get("correct") == "0":
        return view, None
    fixed = MultiDict([(n, v) for n, v in args.items(multi=True) if n != "q"] + [("q", view.suggestion["text"])])
    corrected = search_from_args(hub, fixed, levels)
    if not corrected.result.total:
        return view, None
    original = view.request.q
    back = link("/search", [("q", original)] + without(without(view.pairs, "q"), "correct") + [("correct", "0")])
    corrected.suggestion = None  # the correction is the page now; no second "did you mean"
    return corrected, Correction(corrected.request.q, original, back)


@dataclass(frozen=True)
class Relaxation:
    """One active filter, and how many documents the same search finds without it."""

    chip: Chip
    total: int


def without_each_filter(hub: Hub, chips: list[Chip], levels: tuple[str, ...]) -> list[Relaxation]:
    """For an empty page with filters: each filter (chip) with the total its removal brings, largest first,
    dropping those that still find nothing. Past the time budget the counts found so far are shown."""
    found = []
    limits = hub.settings.search.limits
    for chip in chips[:MAX_FILTER_COUNTS]:
        args = MultiDict(parse_qsl(urlsplit(chip.remove_url).query))
        request = replace(parse_args(args, levels, limits, glossary=hub.settings.search.glossary), per_page=1)
        try:
            total = search(hub.pool.get(), request).total
        except QueryTooExpensive:
            break
        if total:
            found.append(Relaxation(chip, total))
    return sorted(found, key=lambda r: -r.total)
