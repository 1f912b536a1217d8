"""From engine hits to what pages, the API and the command line show.

The engine returns document ids; titles, text and metadata come from the
catalog, and snippets are made here from the catalog's text. A hit whose
catalog row is gone (deleted between index and catalog reads) is skipped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from ingest.model import Document
from search import SearchRequest, SearchResult, Snippet, highlight, search, time_budget
from web.facets_view import Facet, build_facets
from web.hub import Hub
from web.params import link, parse_args, state_pairs, without
from web.suggestions import suggestion


@dataclass
class ShownHit:
    doc: Document
    snippet: str  # escaped, with <mark> around matches
    score: float | None = None  # the ranking score; None when the hits are ordered by date (browsing, sort)
    matched_in: tuple[str, ...] = ()  # where the query's words are: "text", else "title", "authors", "org"

    def as_json(self, url: str, api_url: str | None = None) -> dict[str, object]:
        """What a client needs to list the hit and cite it without fetching the document: ``url`` is its
        page, ``api_url`` (the API's) its metadata as JSON."""
        d = self.doc
        shown: dict[str, object] = {
            "id": d.id,
            "title": d.title,
            "authors": d.authors,
            "date": d.date,
            "year": d.year,
            "type": d.type,
            "lang": d.lang,
            "areas": d.areas,
            "org": d.org,
            "doi": d.doi,
            "score": self.score,
            "snippet": self.snippet,
            "matched_in": list(self.matched_in),
            "url": url,
        }
        if api_url is not None:
            shown["api_url"] = api_url
        return shown


def highlighted(doc: Document, result: SearchResult) -> Snippet:
    """``doc``'s snippet for this search as plain text with its matches' offsets (the command line's form)."""
    terms = result.terms.get(doc.lang if doc.lang in ("en", "da") else "en", set())
    if not terms:
        return highlight(doc.abstract or doc.body, set(), doc.lang)  # the start of the abstract, else of the text
    text = f"{doc.abstract}\n\n{doc.body}" if doc.abstract else doc.body
    return highlight(text, terms, doc.lang)


def snippet_for(doc: Document, result: SearchResult) -> str:
    """``doc``'s snippet for this search as pages show it: escaped, ``<mark>`` around matches."""
    return highlighted(doc, result).html()


METADATA_FIELDS = ("title", "authors", "org")


def matched_in(doc: Document, result: SearchResult, snippet: Snippet) -> tuple[str, ...]:
    """Where this search's words are in ``doc``: ``("text",)`` when its snippet marks any (the usual case, at no
    cost), else those of its title, authors and organisation that hold one.

    Why: a report found only through its organisation's name ("Aurora Hearing A/S" for "hearing") looks like a
    poor answer unless the hit says so (#18); the page then says "Matched in: organisation".
    """
    if snippet.matches:
        return ("text",)
    terms = result.terms.get(doc.lang if doc.lang in ("en", "da") else "en", set())
    if not terms:
        return ()
    texts = {"title": doc.title, "authors": "; ".join(doc.authors), "org": doc.org}
    return tuple(name for name in METADATA_FIELDS if texts[name] and highlight(texts[name], terms, doc.lang).matches)


def run_search(hub: Hub, request: SearchRequest) -> tuple[SearchResult, list[ShownHit]]:
    result = search(hub.pool.get(), request)
    docs = hub.catalog.get_many([h.id for h in result.hits])
    # Belt and braces: the index already filtered by visibility; the catalog row decides.
    visible = [(docs[h.id], h) for h in result.hits if h.id in docs and docs[h.id].visibility in request.visibility]
    ranked = request.sort == "relevance" and not result.parsed.is_empty
    shown = []
    for doc, hit in visible:
        snippet = highlighted(doc, result)
        where = matched_in(doc, result, snippet) if ranked else ()
        shown.append(ShownHit(doc, snippet.html(), _score(hit.score) if ranked else None, where))
    return result, shown


def _score(value: float) -> float | None:
    """A score as JSON can carry it: rounded, and None rather than NaN or infinity."""
    return round(value, 4) if math.isfinite(value) else None


@dataclass(frozen=True)
class CrossLanguage:
    """What the search page says about cross-language search: the terms it also searched, per language
    code, and the link to the same search without them."""

    also: list[tuple[str, list[str]]]
    off_url: str


def cross_language(result: SearchResult, pairs: list[tuple[str, str]], path: str = "/search") -> CrossLanguage | None:
    """None when nothing was added (no glossary term typed, or ``crosslang=0``)."""
    if not result.expansion:
        return None
    off = link(path, without(pairs, "crosslang") + [("crosslang", "0")])
    return CrossLanguage(also=[(lang, list(terms)) for lang, terms in result.expansion], off_url=off)


@dataclass
class SearchPage:
    """Everything the search page and ``/api/search`` show for one URL."""

    request: SearchRequest
    result: SearchResult
    hits: list[ShownHit]
    pairs: list[tuple[str, str]]
    facets: list[Facet]
    suggestion: dict[str, str] | None
    crosslang: CrossLanguage | None = None


def search_from_args(hub: Hub, args: MultiDict, visibility: tuple[str, ...], path: str = "/search") -> SearchPage:
    """The search ``args`` ask for, with every link (facet toggles, did-you-mean, crosslang off) to ``path``:
    the page's links lead to the page, the API's (``/api/search``) to the API."""
    glossary = hub.settings.search.glossary
    request = parse_args(args, visibility, hub.settings.search.limits, glossary=glossary)
    # One budget for the whole answer: the search and the did-you-mean search share it (nested budgets
    # keep the earlier deadline), so one request never costs two budgets.
    with time_budget():
        result, hits = run_search(hub, request)
        pairs = state_pairs(args)
        page = SearchPage(
            request=request,
            result=result,
            hits=hits,
            pairs=pairs,
            facets=build_facets(path, pairs, request, result, hub.taxonomy),
            suggestion=suggestion(hub, request, result, pairs, path),
            crosslang=cross_language(result, pairs, path),
        )
    return page
