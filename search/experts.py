"""Who knows about X: organisations and people ranked by the documents that match a query.

The query is matched exactly as a search matches it (:func:`search.searching.match`: the query language,
the cross-language expansion, compounds, the all-words-then-any-word fallback, the limits and the
visitor's visibility levels), so "who works on this?" always speaks of the documents the search page shows.
Each organisation and person is then scored by the evidence of their matching documents, in numpy over the
``(document, entity)`` pairs of :mod:`search.people` (no loop over documents in Python):

* a document's evidence is its query score over the best match's (``r = s / s_max``, 1 for the best), so a
  score means the same whatever the query's length or words;
* only the :data:`EVIDENCE_DOCS` best matches give evidence (as in expert-search voting models, whose votes
  come from the top of the document ranking); every match is still counted in ``matching``;
* an entity's score is the discounted sum of its documents' evidence, best first:
  ``sum(r_i / log2(i + 1))``. The best document counts fully, the second 0.63, the tenth 0.29: more evidence
  always helps, each further document a little less, so a long list of weak matches does not outrank a few
  strong ones. ``docs/ranking.md`` says why this form, and what was not measured.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from search.engine.reading.searcher import Snapshot
from search.engine.scoring.evaluator import top_k
from search.people import Entity, Roster, directory
from search.searching import SearchRequest, match, notes_of

EVIDENCE_DOCS = 1000
"""The best matches that give evidence (the voting models' cut-off of the document ranking)."""
LIMIT = 10
SHOWN = 3


@dataclass(frozen=True)
class Evidence:
    """One document that makes an entity's case: its id and evidence (its score over the best match's)."""

    doc_id: str
    evidence: float


@dataclass(frozen=True)
class Expert:
    entity: Entity
    score: float
    matching: int  # the entity's documents the query matches (all of them, not only the best)
    documents: tuple[Evidence, ...]  # its best matching documents, best first


@dataclass(frozen=True)
class Experts:
    total: int  # documents the query matches
    orgs: tuple[Expert, ...]
    authors: tuple[Expert, ...]
    relaxed: bool = False  # all words found nothing: ranked by the documents with any of them
    notes: tuple[str, ...] = ()  # what the query limits changed (search.limits.Notice)
    expansion: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (lang, glossary terms) the search added


def experts(snapshot: Snapshot, request: SearchRequest, limit: int = LIMIT, shown: int = SHOWN) -> Experts:
    """The ``limit`` best organisations and people for ``request`` (its query, filters and visibility), each
    with its ``shown`` best matching documents. Raises :class:`search.limits.QueryTooExpensive` as a search
    does. Remembered per generation with the search results."""
    key = (
        "experts",
        request.q,
        tuple(sorted((k, tuple(v)) for k, v in request.filters.items() if v)),
        request.year_from,
        request.year_to,
        tuple(sorted(set(request.years))),
        tuple(sorted(set(request.visibility))),
        request.crosslang,
        request.glossary,
        limit,
        shown,
    )
    found = snapshot.results.get(key)
    if found is None:
        found = _experts(snapshot, request, limit, shown)
        snapshot.results.put(key, found)
    return found


def _experts(snapshot: Snapshot, request: SearchRequest, limit: int, shown: int) -> Experts:
    people = directory(snapshot, request.visibility)  # built outside the search's time budget
    found = match(snapshot, request)
    notes = notes_of(snapshot, found.parsed)
    if found.parsed.is_empty:  # nothing asked: no ranking by sheer volume
        return Experts(0, (), (), notes=notes)
    final = found.final & people.visible
    docnums = np.flatnonzero(final)
    if not docnums.size:
        return Experts(0, (), (), found.relaxed, notes, found.expansion)
    scores = found.scores if found.scores is not None else final.astype(np.float64)
    best = docnums[top_k(docnums, scores[docnums], EVIDENCE_DOCS)]
    evidence = np.zeros(final.size)
    evidence[best] = scores[best] / scores[best[0]] if scores[best[0]] > 0 else 1.0
    rank = np.full(final.size, best.size, dtype=np.int64)
    rank[best] = np.arange(best.size)
    ids = snapshot.searcher.stored_fields
    ranked = {
        kind: tuple(_rank(people.rosters[kind], final, evidence, rank, limit, shown, ids)) for kind in ("org", "author")
    }
    return Experts(int(docnums.size), ranked["org"], ranked["author"], found.relaxed, notes, found.expansion)


def _rank(
    roster: Roster, final: np.ndarray, evidence: np.ndarray, rank: np.ndarray, limit: int, shown: int, ids
) -> list[Expert]:
    """The ``limit`` best entities of ``roster``: the discounted sum of their best documents' evidence."""
    entities = len(roster.entities)
    matching = np.bincount(roster.pair_entity[final[roster.pair_doc]], minlength=entities)
    giving = evidence[roster.pair_doc] > 0
    docs, owners = roster.pair_doc[giving], roster.pair_entity[giving]
    if not docs.size:
        return []
    order = np.lexsort((rank[docs], owners))  # by entity, and within one its documents best first
    docs, owners = docs[order], owners[order]
    starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
    position = np.arange(owners.size) - np.repeat(starts, np.diff(np.r_[starts, owners.size]))
    weights = evidence[docs] / np.log2(position + 2.0)
    score = np.bincount(owners, weights=weights, minlength=entities)
    candidates = np.flatnonzero(score)
    top = sorted(candidates.tolist(), key=lambda n: (-score[n], roster.entities[n].name.casefold()))[:limit]
    first = dict(zip(owners[starts].tolist(), starts.tolist(), strict=True))
    experts = []
    for number in top:
        begin = first[number]
        own = docs[begin : begin + shown][owners[begin : begin + shown] == number]
        documents = tuple(Evidence(ids(int(d))["id"], float(evidence[d])) for d in own)
        experts.append(Expert(roster.entities[number], float(score[number]), int(matching[number]), documents))
    return experts
