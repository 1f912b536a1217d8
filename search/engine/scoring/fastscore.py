"""Whoosh's BM25F scores for every match at once, with numpy.

Whoosh scores a query by stepping a tree of matchers through the matching
documents one at a time in Python; with tens of thousands of matches that is
the whole cost of a search. Here the same tree is evaluated as array
operations over posting lists, over the whole index at once: a word's (or a
phrase's, or an expansion's) matches and scores over all segments are cached
per generation as one array pair, and ``And``/``Or``/``Not`` combine
whole-index arrays. Nodes whose result depends on the segment are computed
segment by segment by :mod:`search.engine.scoring.segment_scoring`, which also computes each
leaf's per-segment arrays. The result is the score Whoosh would give each
document, so the ranking is Whoosh's ranking (every match scored), only
computed faster.

Correctness never depends on this path: a query part it does not model
(spans, anything new) is scored by Whoosh's own matcher for that part alone,
and a weighting model other than plain BM25F sends the whole query to Whoosh
(:class:`Unsupported`).
"""

from __future__ import annotations

import numpy as np
from whoosh import query as wq
from whoosh import scoring
from whoosh.searching import Searcher

from search import ranking
from search.engine import budget
from search.engine.reading.segments import SegmentStore
from search.engine.scoring.segment_scoring import MAX_EXPANSIONS, Part, SegmentScorer, Unsupported

__all__ = ["Scorer", "Unsupported", "top_k"]

_CACHED_LEAVES = (wq.Term, ranking.FieldsTerm, wq.Phrase)
"""Nodes whose matches and scores are fixed for a generation (prefix, wildcard and fuzzy terms too)."""


class Scorer:
    """Scores queries against one searcher (one index generation)."""

    def __init__(self, searcher: Searcher, store: SegmentStore | None = None):
        self.searcher = searcher
        self.weighting = searcher.weighting
        self.local = SegmentScorer(searcher, store or SegmentStore())
        self.segments = self.local.segments
        self.cache = self.local.cache
        self.expander = self.local.expander
        self.doc_count_all = searcher.doc_count_all()

    @property
    def supported(self) -> bool:
        return type(self.weighting) is scoring.BM25F and not getattr(self.weighting, "use_final", False)

    def evaluate(self, q: wq.Query, scored: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
        """Global match mask and (if ``scored``) Whoosh's score of every document.

        Deleted documents may still be set; the caller masks with live documents.
        """
        if scored and not self.supported:
            raise Unsupported(type(self.weighting).__name__)
        part = self._global(q, scored)
        return part.mask, (np.where(part.mask, part.score, 0.0) if scored else None)

    # -- the whole index at once ---------------------------------------------

    def _global(self, q: wq.Query, scored: bool) -> Part:
        """``q`` over all segments, as one array per index.

        A live index has many segments (one per commit until Whoosh merges
        them); stepping every node through each of them costs Python overhead
        per segment. Words and their combinations are the same in every
        segment, so they are evaluated once over global document numbers, and
        a word's scores over the whole index are cached per generation.
        Anything whose result depends on the segment (an expansion, a phrase,
        a coordinated ``Or``, a node Whoosh scores) is still evaluated segment
        by segment, exactly as before, and placed into the global arrays.
        """
        budget.check()  # between nodes: a search past its time budget stops here
        kind = type(q)
        if kind in _CACHED_LEAVES or (isinstance(q, wq.MultiTerm) and kind is not wq.Variations):
            ids, scores = self._global_leaf(q, scored)
            part = self._empty_global(scored)
            part.mask[ids] = True
            if scored:
                part.score[ids] = scores
            return part
        if kind in (wq.And, wq.Or) and q.subqueries:
            subs = q.subqueries
            if len(subs) == 1:  # Whoosh uses the lone child as it is, without the boost
                return self._global(subs[0], scored)
            scale = getattr(q, "scale", None) if kind is wq.Or else None
            if not (scale and scored) and len(subs) < MAX_EXPANSIONS:
                return self._global_compound(q, scored)
        elif kind is wq.AndNot:
            a = self._global(q.a, scored)
            b = self._global(q.b, False)
            return Part(a.mask & ~b.mask, a.score)
        elif kind is wq.Require:
            a = self._global(q.a, scored)
            b = self._global(q.b, False)
            return Part(a.mask & b.mask, a.score)
        elif kind is wq.AndMaybe:
            a = self._global(q.a, scored)
            b = self._global(q.b, scored)
            return Part(a.mask, a.score + np.where(b.mask, b.score, 0.0) if scored else None)
        elif kind is wq.Not:
            inner = self._global(q.query, False)
            return Part(~inner.mask, np.ones(self.doc_count_all) if scored else None)
        return self._by_segment(q, scored)

    def _empty_global(self, scored: bool) -> Part:
        n = self.doc_count_all
        return Part(np.zeros(n, dtype=bool), np.zeros(n) if scored else None)

    def _global_compound(self, q: wq.CompoundQuery, scored: bool) -> Part:
        """``And`` and an uncoordinated ``Or``: the same arithmetic as :meth:`_compound` and :meth:`_union`."""
        if type(q) is wq.Or:
            return self._global_union(q, scored)
        parts = [self._global(s, scored) for s in q.subqueries]
        combine = np.logical_and.reduce if type(q) is wq.And else np.logical_or.reduce
        mask = combine([p.mask for p in parts])
        score = None
        if scored:
            score = np.zeros(self.doc_count_all)
            for p in parts:
                score += np.where(p.mask, p.score, 0.0)
            if q.boost != 1.0:
                score = score * q.boost
        return Part(mask, score)

    def _global_union(self, q: wq.Or, scored: bool) -> Part:
        """An uncoordinated ``Or``: leaves are added straight into one pair of arrays (no array per child)."""
        part = self._empty_global(scored)
        mask, score = part.mask, part.score
        for sub in q.subqueries:
            budget.check()
            kind = type(sub)
            if kind in _CACHED_LEAVES or (isinstance(sub, wq.MultiTerm) and kind is not wq.Variations):
                ids, scores = self._global_leaf(sub, scored)
                mask[ids] = True
                if scored:
                    score[ids] += scores
            else:
                child = self._global(sub, scored)
                mask |= child.mask
                if scored:
                    score += np.where(child.mask, child.score, 0.0)
        if scored and q.boost != 1.0:
            part.score = score * q.boost
        return part

    def _global_leaf(self, q: wq.Query, scored: bool) -> tuple[np.ndarray, np.ndarray]:
        """Global document numbers and scores of a leaf (boost applied), cached per generation."""
        if type(q) is ranking.FieldsTerm:
            key = ("global", q.boost, tuple((t.fieldname, t.text, t.boost) for t in q.subqueries))
        else:  # Whoosh's queries compare and hash by their content
            key = ("global", type(q).__name__, q)
        found = self.cache.get(key)
        if found is None:
            ids, scores = [], []
            for seg in self.segments:
                part = self.local.node(q, seg, True)
                local = np.flatnonzero(part.mask)
                ids.append(local.astype(np.int32) + np.int32(seg.offset))
                scores.append(part.score[local])
            found = (np.concatenate(ids), np.concatenate(scores))
            self.cache.put(key, found)
        return found

    def _by_segment(self, q: wq.Query, scored: bool) -> Part:
        part = self._empty_global(scored)
        for seg in self.segments:
            local = self.local.node(q, seg, scored)
            end = seg.offset + seg.size
            part.mask[seg.offset : end] = local.mask
            if scored:
                part.score[seg.offset : end] = np.where(local.mask, local.score, 0.0)
        return part

    def evaluate_by_whoosh(self, q: wq.Query) -> tuple[np.ndarray, np.ndarray]:
        """The same as :meth:`evaluate`, computed by Whoosh's matchers (the slow, general way)."""
        mask = np.zeros(self.doc_count_all, dtype=bool)
        score = np.zeros(self.doc_count_all, dtype=np.float64)
        for seg in self.segments:
            budget.check()
            part = self.local.by_whoosh(q, seg, True)
            mask[seg.offset : seg.offset + seg.size] = part.mask
            score[seg.offset : seg.offset + seg.size] = part.score
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
