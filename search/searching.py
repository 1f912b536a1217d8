"""A full search: query, filters, access rules, facet counts, one page of hits.

Access rules are applied here, once, as a mask over every document number:
hits, totals and every facet count are computed from the same masked match
set, so nothing the user may not see can leak through a count.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
from whoosh import query as wq

from search import limits
from search.admission import expensive_slot
from search.analysis import LANGUAGES, language_analyzer
from search.compounds import Splitter
from search.crosslang import Expander, tables_for
from search.engine.fallbacks import fell_back
from search.engine.reading.searcher import Snapshot
from search.engine.scoring.evaluator import FALLBACK_PATH, Unsupported, top_k
from search.facets import FacetCount, disjunctive_counts
from search.language_share import ranked_with_share
from search.limits import expansion_cap, expansion_share, time_budget
from search.query import DEFAULT_BOOSTS, ParsedQuery, parse_query

SORTS = ("relevance", "newest", "oldest")
T = TypeVar("T")
FILTER_FIELDS = ("area", "type", "org", "lang", "author_name")
"""Fields a request may filter on (``author_name``: the author pages, with a person's spellings)."""


@dataclass
class SearchRequest:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    year_from: int | None = None
    year_to: int | None = None
    years: tuple[int, ...] = ()  # chosen years, OR-ed with each other and with the year_from..year_to range
    visibility: tuple[str, ...] = ("public",)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10
    crosslang: bool = True  # glossary terms also search their equivalents in the other language
    glossary: str | None = None  # the glossary file (SKH_GLOSSARY); None: search.glossary.DEFAULT_GLOSSARY


@dataclass
class Hit:
    id: str
    score: float
    docnum: int


@dataclass
class SearchResult:
    total: int
    page: int
    pages: int
    hits: list[Hit]
    facets: dict[str, list[FacetCount]]
    parsed: ParsedQuery
    relaxed: bool = False  # all-words found nothing; any-word results shown
    terms: dict[str, set[str]] = field(default_factory=dict)  # lang -> stemmed terms for snippets
    notes: tuple[str, ...] = ()  # what the query limits changed (search.limits.Notice), to show with the results
    expansion: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (lang, glossary terms) the search added


def _matched(snapshot: Snapshot, q: wq.Query) -> tuple[np.ndarray, np.ndarray | None]:
    """Mask of the documents ``q`` matches (deleted ones excluded) and Whoosh's score for each.

    Scores come from the array evaluator (:mod:`search.engine.scoring.evaluator`), which gives
    Whoosh's own BM25F scores; a weighting or query it does not model is scored by
    Whoosh's matchers instead (logged once per reason). Browsing (``Every``) has no scores.
    """
    columns = snapshot.columns
    if isinstance(q, wq.Every):
        return columns.live, None
    scorer = snapshot.scorer
    try:
        mask, scores = scorer.evaluate(q)
    except Unsupported as why:
        fell_back(FALLBACK_PATH, f"the whole query scored by Whoosh's matchers: {why}")
        mask, scores = scorer.evaluate_by_whoosh(q)
    return mask & columns.live, scores


def _year_mask(
    snapshot: Snapshot, year_from: int | None, year_to: int | None, chosen: tuple[int, ...] = ()
) -> np.ndarray | None:
    """The documents of the chosen years or of the range: one selection, OR within the year facet as within any
    other, so the year counts (which ignore their own selection) say truly what each further year would add."""
    if year_from is None and year_to is None and not chosen:
        return None
    ranged = year_from is not None or year_to is not None
    lo, hi = year_from or 0, year_to or 9999
    wanted = {str(y) for y in chosen}
    years = sorted(
        y
        for y in snapshot.columns.postings.get("year", {})
        if y.isdigit() and (y in wanted or (ranged and lo <= int(y) <= hi))
    )
    return snapshot.columns.mask_for("year", years)


def query_terms(snapshot: Snapshot, q: wq.Query, expansions: int = 50) -> dict[str, set[str]]:
    """Stemmed terms per language, for highlighting (prefix/fuzzy expanded).

    Negated parts are skipped: "-noise" must not mark "noise".
    """
    expander = snapshot.scorer.expander
    pairs: set[tuple[str, str]] = set()
    for leaf in _positive_leaves(q):
        if isinstance(leaf, wq.MultiTerm):
            for n, btext in enumerate(expander.expand(leaf)):
                if n >= expansions:
                    break
                pairs.add((leaf.field(), btext.decode("utf-8") if isinstance(btext, bytes) else btext))
        else:
            pairs.update((f, t.decode("utf-8") if isinstance(t, bytes) else t) for f, t in leaf.iter_all_terms())
    terms: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}
    for fieldname, text in pairs:
        part, _, lang = fieldname.rpartition("_")
        if part in ("title", "abstract", "body") and lang in terms:
            terms[lang].add(text)
        elif fieldname == "words":  # unstemmed: stem it for each language
            for code in LANGUAGES:
                terms[code].update(t.text for t in language_analyzer(code)(text))
    return {lang: found for lang, found in terms.items() if found}


def _positive_leaves(q: wq.Query):
    if isinstance(q, wq.Not):
        return
    if isinstance(q, wq.AndNot):
        yield from _positive_leaves(q.a)
        return
    if q.is_leaf():
        yield q
        return
    for child in q.children():
        yield from _positive_leaves(child)


def search(snapshot: Snapshot, request: SearchRequest) -> SearchResult:
    """Run ``request`` against ``snapshot``; never raises on user input but :class:`search.limits.QueryTooExpensive`.

    A search past its time budget (:data:`search.limits.LIMITS`) stops where it
    is and raises; nothing of it runs on, and nothing of it is remembered.

    Results are remembered per index generation (see :class:`Snapshot`), so
    the same request again (a reload, paging back, the JSON twin of a page)
    costs nothing; a commit starts a new generation and so a fresh cache.
    """
    key = (
        request.q,
        tuple(sorted((k, tuple(v)) for k, v in request.filters.items() if v)),
        request.year_from,
        request.year_to,
        tuple(sorted(set(request.years))),
        tuple(request.visibility),
        request.sort,
        request.page,
        request.per_page,
        request.crosslang,
        request.glossary,
    )
    found = snapshot.results.get(key)
    if found is None:
        # The generation's columns and scorer serve every request after this one: built outside its budget.
        _ = snapshot.columns, snapshot.scorer
        with time_budget():
            found = _search(snapshot, request)
        snapshot.results.put(key, found)
    return found


def _expansion_notes(snapshot: Snapshot, q: wq.Query) -> tuple[str, ...]:
    expander = snapshot.scorer.expander
    for leaf in _positive_leaves(q):
        if isinstance(leaf, wq.MultiTerm) and type(leaf) is not wq.Variations and expander.capped(leaf):
            cap = expansion_cap(expander.max_expansions)
            return (limits.notice("expansion_capped", words=cap),)
    return ()


def _multiterms(q: wq.Query) -> list[wq.MultiTerm]:
    """Prefix, wildcard, fuzzy and range terms in ``q`` (each field's copy counted), year ranges left out:
    the terms whose expansion can make a search expensive."""
    if q.is_leaf():
        expanding = isinstance(q, wq.MultiTerm) and type(q) is not wq.Variations and q.field() != "year"
        return [q] if expanding else []
    return [leaf for child in q.children() for leaf in _multiterms(child)]


def _is_expensive(snapshot: Snapshot, leaves: list[wq.MultiTerm]) -> bool:
    """True when the query's expanding terms stand for more than
    :attr:`~search.limits.Limits.cheap_expansions` index words together, or when one is a wildcard with no
    leading letters (finding its words reads the whole lexicon). ``loud*`` or ``reverberaton~`` stand for a
    few words and run like any search; ``s* t* c* p*`` waits for a slot (:mod:`search.admission`)."""
    if any(type(leaf) is wq.Wildcard and not leaf.text[:1].isalnum() for leaf in leaves):
        return True
    expander = snapshot.scorer.expander
    return sum(len(expander.expand(leaf)) for leaf in leaves) > limits.LIMITS.cheap_expansions


def _expander(request: SearchRequest) -> Expander | None:
    """The cross-language rewrite of this search (:mod:`search.crosslang`), or None when it is off or there
    is no glossary."""
    if not request.crosslang or not request.q.strip():
        return None
    tables = tables_for(request.glossary)
    return None if tables.empty else Expander(tables, DEFAULT_BOOSTS)


def _splitter(expander: Expander | None) -> Splitter:
    """The Danish compound split of this search (:mod:`search.compounds`): on whether or not the cross-language
    expansion is, as it is Danish matching; a compound the glossary names whole keeps its parts out of it."""
    if expander is None:
        return Splitter(DEFAULT_BOOSTS)
    return Splitter(DEFAULT_BOOSTS, expander.names_whole, expander.part_queries)


@dataclass
class Matches:
    """Every document a request matches, for what is computed over all of them rather than one page of hits
    (facet counts here; the experts ranking, :mod:`search.experts`). Visibility is applied in every mask."""

    parsed: ParsedQuery
    matched: np.ndarray  # the query's matches the visitor may see, before the request's filters
    selections: dict[str, np.ndarray]  # one mask per filtered field
    final: np.ndarray  # matched and every selection: what the request finds
    scores: np.ndarray | None  # the query's score per document (None when browsing)
    relaxed: bool
    expansion: tuple[tuple[str, tuple[str, ...]], ...]


def match(snapshot: Snapshot, request: SearchRequest) -> Matches:
    """All matches of ``request`` (its page, sort and cache aside), under the same time budget, limits and
    admission as :func:`search`; raises :class:`search.limits.QueryTooExpensive` as it does."""
    _ = snapshot.columns, snapshot.scorer  # built outside the budget, as in search()
    with time_budget():
        return _run(snapshot, request, lambda found: found)


def _search(snapshot: Snapshot, request: SearchRequest) -> SearchResult:
    return _run(snapshot, request, lambda found: _result(snapshot, request, found))


def _run(snapshot: Snapshot, request: SearchRequest, finish: Callable[[Matches], T]) -> T:
    expander = _expander(request)
    splitter = _splitter(expander)
    plugins = (expander, splitter) if expander else (splitter,)
    parsed = parse_query(request.q, snapshot.searcher.schema, plugins=plugins)
    expansion = expander.expansion if expander else ()
    leaves = _multiterms(parsed.query)
    # Each word once per field it searches; a phrase counts its words.
    clauses = sum(len(getattr(leaf, "words", ())) or 1 for leaf in parsed.query.leaves())
    with expansion_share(len(leaves)):
        if clauses <= limits.LIMITS.cheap_clauses and not _is_expensive(snapshot, leaves):
            return finish(_match(snapshot, request, parsed, expansion, plugins))
        with time_budget(limits.LIMITS.budget_ms), expensive_slot(snapshot.folder.parent):
            return finish(_match(snapshot, request, parsed, expansion, plugins))


def _match(
    snapshot: Snapshot,
    request: SearchRequest,
    parsed: ParsedQuery,
    expansion: tuple[tuple[str, tuple[str, ...]], ...],
    plugins: tuple[Expander | Splitter, ...],
) -> Matches:
    schema = snapshot.searcher.schema
    columns = snapshot.columns
    allowed = columns.mask_for("visibility", list(request.visibility))

    selections: dict[str, np.ndarray] = {}
    for name in FILTER_FIELDS:
        values = [v for v in request.filters.get(name, []) if v]
        if values:
            selections[name] = columns.mask_for(name, values)
    year = _year_mask(snapshot, request.year_from, request.year_to, tuple(request.years))
    if year is not None:
        selections["year"] = year

    matched, scores = _matched(snapshot, parsed.query)
    matched = matched & allowed
    final = matched.copy()
    for mask in selections.values():
        final &= mask
    relaxed = False
    if not final.any() and not parsed.is_empty and not parsed.plain:
        loose = parse_query(request.q, schema, conjunctive=False, plugins=plugins)
        loose_expansion = plugins[0].expansion if isinstance(plugins[0], Expander) else ()
        loose_matched, loose_scores = _matched(snapshot, loose.query)
        loose_matched = loose_matched & allowed
        loose_final = loose_matched.copy()
        for mask in selections.values():
            loose_final &= mask
        if loose_final.any():
            parsed, matched, final, scores, relaxed = loose, loose_matched, loose_final, loose_scores, True
            expansion = loose_expansion
    return Matches(parsed, matched, selections, final, scores, relaxed, expansion)


def _result(snapshot: Snapshot, request: SearchRequest, found: Matches) -> SearchResult:
    parsed, final, scores = found.parsed, found.final, found.scores
    facets = disjunctive_counts(snapshot.columns, found.matched, found.selections)
    total = int(np.count_nonzero(final))
    per_page = max(1, min(request.per_page, 100))
    pages = max(1, math.ceil(total / per_page))
    page = max(1, min(request.page, pages))
    shared = bool(found.expansion)  # searched in both languages: each gets its share of the first page
    hits = _page_of_hits(snapshot, parsed, final, scores, request.sort, page, per_page, shared) if total else []
    return SearchResult(
        total=total,
        page=page,
        pages=pages,
        hits=hits,
        facets=facets,
        parsed=parsed,
        relaxed=found.relaxed,
        terms=query_terms(snapshot, parsed.query) if not parsed.is_empty else {},
        notes=notes_of(snapshot, parsed),
        expansion=found.expansion,
    )


def notes_of(snapshot: Snapshot, parsed: ParsedQuery) -> tuple[str, ...]:
    """What the query limits changed in ``parsed`` (:class:`search.limits.Notice`), to show with its results."""
    return parsed.notes + _expansion_notes(snapshot, parsed.query)


def _page_of_hits(
    snapshot: Snapshot,
    parsed: ParsedQuery,
    final: np.ndarray,
    scores: np.ndarray | None,
    sort: str,
    page: int,
    per_page: int,
    shared: bool = False,
) -> list[Hit]:
    """One page, in Whoosh's order: score then document number, or date then document number; ``shared``:
    with each language's share of the first places (:mod:`search.language_share`)."""
    docnums = np.flatnonzero(final)
    limit = page * per_page
    sort = sort if sort in SORTS else "relevance"
    if sort == "relevance" and (parsed.is_empty or scores is None):
        sort = "newest"  # browsing has no relevance; newest first is what people expect
    if sort == "relevance" and shared:
        languages = {lang: snapshot.columns.mask_for("lang", [lang]) for lang in LANGUAGES}
        ranked = ranked_with_share(docnums, scores, languages, limit)
    elif sort == "relevance":
        ranked = docnums[top_k(docnums, scores[docnums], limit)]
    else:
        ranked = snapshot.sort_keys.by_date(docnums, newest=(sort == "newest"), limit=limit)
    searcher = snapshot.searcher
    out = []
    for docnum in ranked[(page - 1) * per_page : limit].tolist():
        score = float(scores[docnum]) if sort == "relevance" else 0.0
        out.append(Hit(id=searcher.stored_fields(docnum)["id"], score=score, docnum=docnum))
    return out
