"""Whoosh's BM25F scores for every match of a query at once, with numpy: the one query evaluator.

Whoosh scores a query by stepping a tree of matchers through the matching
documents one at a time in Python; with tens of thousands of matches that is
the whole cost of a search. Here the same tree is evaluated as array
operations over the whole index: a leaf's (a word's, a phrase's, an
expansion's) matches and scores over all segments are computed segment by
segment (:mod:`search.engine.scoring.leaves`), cached per generation as one
array pair, and each node combines its children's whole-index arrays
(:mod:`search.engine.scoring.combine`). The result is the score Whoosh would
give each document, so the ranking is Whoosh's ranking (every match scored),
only computed faster.

Two node kinds depend on the segment and are evaluated segment by segment,
then placed into the whole-index arrays: a coordinated ``Or`` (Whoosh counts
the term matchers it builds per segment) and a node this evaluator does not
model (spans, anything new), which Whoosh's own matcher scores for that node
alone. A weighting model other than plain BM25F, or a query past Whoosh's own
limits, sends the whole query to Whoosh (:class:`Unsupported`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from whoosh import query as wq
from whoosh import scoring
from whoosh.searching import Searcher

from search.engine import budget, guard
from search.engine.fallbacks import fell_back
from search.engine.reading.segments import Segment, SegmentStore
from search.engine.scoring import combine
from search.engine.scoring.bm25f import FieldsTerm, PhraseTerms
from search.engine.scoring.combine import Part, Unsupported
from search.engine.scoring.leaves import FALLBACK_PATH, MAX_EXPANSIONS, Leaves

__all__ = ["FALLBACK_PATH", "Scorer", "Unsupported", "top_k"]

_LEAVES = (wq.Term, FieldsTerm, PhraseTerms, wq.Phrase)
"""Nodes whose matches and scores are fixed for a generation (prefix, wildcard and fuzzy terms too)."""


def _is_leaf(q: wq.Query) -> bool:
    kind = type(q)
    return kind in _LEAVES or (isinstance(q, wq.MultiTerm) and kind is not wq.Variations)


class Scorer:
    """Scores queries against one searcher (one index generation)."""

    def __init__(self, searcher: Searcher, store: SegmentStore | None = None):
        store = store or SegmentStore()
        self.searcher = searcher
        self.weighting = searcher.weighting
        self.leaves = Leaves(searcher, store)
        self.segments = [Segment(n, s, off, store) for n, (s, off) in enumerate(searcher.leaf_searchers())]
        self.cache = self.leaves.cache
        self.expander = self.leaves.expander
        self.doc_count_all = searcher.doc_count_all()

    @property
    def supported(self) -> bool:
        return type(self.weighting) is scoring.BM25F and not getattr(self.weighting, "use_final", False)

    def evaluate(self, q: wq.Query, scored: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
        """Global match mask and (if ``scored``) Whoosh's score of every document.

        Deleted documents may still be set; the caller masks with live documents.
        """
        if not guard.fast_paths_allowed():
            raise Unsupported("an untested Whoosh is installed (see search.engine.guard)")
        if scored and not self.supported:
            raise Unsupported(type(self.weighting).__name__)
        part = self._node(q, scored)
        return part.mask, (np.where(part.mask, part.score, 0.0) if scored else None)

    def _node(self, q: wq.Query, scored: bool) -> Part:
        """``q`` over the whole index: one dispatch over node kinds, their arithmetic in :mod:`.combine`."""
        budget.check()  # between nodes: a search past its time budget stops here
        size = self.doc_count_all
        kind = type(q)
        if _is_leaf(q):
            return combine.from_arrays(size, *self._leaf(q), scored)
        if kind in (wq.And, wq.Or):
            return self._compound(q, scored)
        if kind is wq.AndNot:
            return combine.and_not(self._node(q.a, scored), self._node(q.b, False))
        if kind is wq.Require:
            return combine.require(self._node(q.a, scored), self._node(q.b, False))
        if kind is wq.AndMaybe:
            return combine.and_maybe(self._node(q.a, scored), self._node(q.b, scored), scored)
        if kind is wq.Not:
            return combine.negate(self._node(q.query, False), size, scored)
        if kind is wq.Every and q.fieldname in (None, "", "*"):
            return combine.everything(size, q.boost, scored)
        if q is wq.NullQuery:
            return combine.empty(size, scored)
        fell_back(FALLBACK_PATH, f"{kind.__name__} node scored by Whoosh's matcher")
        return self._by_segment(q, scored, self.leaves.by_whoosh)

    def _compound(self, q: wq.And | wq.Or, scored: bool) -> Part:
        subs = q.subqueries
        if not subs:
            return combine.empty(self.doc_count_all, scored)
        if len(subs) == 1:  # Whoosh uses the lone child as it is, without the boost
            return self._node(subs[0], scored)
        if type(q) is wq.And:
            return combine.conjunction([self._node(s, scored) for s in subs], q.boost, self.doc_count_all, scored)
        if len(subs) >= MAX_EXPANSIONS:
            raise Unsupported("too many clauses")
        if q.scale and scored:
            return self._by_segment(q, scored, self._coordinated)
        union = combine.Union(self.doc_count_all, scored)
        for sub in subs:
            budget.check()
            if _is_leaf(sub):
                union.add_arrays(*self._leaf(sub))
            else:
                union.add(self._node(sub, scored))
        return union.result(q.boost)

    def _coordinated(self, q: wq.Or, seg: Segment, scored: bool) -> Part:
        parts = [self.leaves.leaf(s, seg, counted=True) for s in q.subqueries]
        return combine.coordinated(parts, q.scale, q.boost, seg.size)

    def _leaf(self, q: wq.Query) -> tuple[np.ndarray, np.ndarray]:
        """Global document numbers and scores of a leaf (boost applied), cached per generation."""
        if type(q) is FieldsTerm:
            key = ("global", *q.key())
        elif type(q) is PhraseTerms:
            key = ("global", "phrase terms", *q.key())
        else:  # Whoosh's queries compare and hash by their content
            key = ("global", type(q).__name__, q)
        found = self.cache.get(key)
        if found is None:
            ids, scores = [], []
            for seg in self.segments:
                part = self.leaves.leaf(q, seg)
                local = np.flatnonzero(part.mask)
                ids.append(local.astype(np.int32) + np.int32(seg.offset))
                scores.append(part.score[local])
            found = (np.concatenate(ids), np.concatenate(scores))
            self.cache.put(key, found)
        return found

    def _by_segment(self, q: wq.Query, scored: bool, each: Callable[[wq.Query, Segment, bool], Part]) -> Part:
        """A node whose result depends on the segment: ``each`` computes it per segment, placed globally."""
        part = combine.empty(self.doc_count_all, scored)
        for seg in self.segments:
            local = each(q, seg, scored)
            end = seg.offset + seg.size
            part.mask[seg.offset : end] = local.mask
            if scored:
                part.score[seg.offset : end] = np.where(local.mask, local.score, 0.0)
        return part

    def evaluate_by_whoosh(self, q: wq.Query) -> tuple[np.ndarray, np.ndarray]:
        """The same as :meth:`evaluate`, computed by Whoosh's matchers (the slow, general way)."""
        part = self._by_segment(q, True, self.leaves.by_whoosh)
        mask, score = part.mask, part.score
        if getattr(self.weighting, "use_final", False):
            for docnum in np.flatnonzero(mask).tolist():
                score[docnum] = self.weighting.final(self.searcher, docnum, float(score[docnum]))
        return mask, score


def top_k(docnums: np.ndarray, scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` best, by score descending then document number ascending.

    That is Whoosh's own order (its collector keeps the lower number on a tie),
    so pages match what Whoosh would show.
    """
    n = docnums.size
    if n > k:
        threshold = np.partition(scores, n - k)[n - k]
        above = np.flatnonzero(scores > threshold)
        ties = np.flatnonzero(scores == threshold)[: k - above.size]
        chosen = np.concatenate([above, ties])
    else:
        chosen = np.arange(n)
    order = np.lexsort((docnums[chosen], -scores[chosen]))
    return chosen[order]
