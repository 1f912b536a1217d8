"""Whoosh's scores for one query node over one index segment, as arrays.

The per-segment half of :mod:`search.engine.scoring.fastscore`: a term's scores are BM25F
over its postings with Whoosh's idf, average field length, ``B`` and ``K1``
and its one-byte field lengths; a :class:`search.ranking.FieldsTerm` is one
true-BM25F term over a language's text parts, computed as its own matcher
computes it; ``And``/``Or`` add, boosts multiply, ``AndNot``/``Not`` mask, a
coordinated ``Or`` applies Whoosh's coordination formula, prefix, wildcard and
fuzzy terms expand per segment as Whoosh expands them, and a phrase decodes
positions only for the documents holding all its words. A node this does not
model is scored by Whoosh's own matcher for that node alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from search import ranking
from search.engine import budget
from search.engine.format.postings import LENGTH_OF_BYTE, phrase_documents, postings_arrays
from search.engine.reading.segments import Segment, SegmentStore, TermCache
from search.engine.scoring.expansion import Expander

MAX_EXPANSIONS = 1024  # Whoosh's Or.TOO_MANY_CLAUSES: past it, another matcher (modelled by fallback)
SMALL_SEGMENT = 5000  # Whoosh pre-loads an Or's matches (unscored when constant-score) at or below this

_NO_SCORES = np.zeros(0)


class Unsupported(Exception):
    """The query or weighting cannot be modelled; let Whoosh score it."""


@dataclass
class Part:
    """One query node's matches and scores over a segment (dense, segment-local) or the whole index."""

    mask: np.ndarray
    score: np.ndarray | None  # None when only the match set was asked for
    terms: np.ndarray | None = None  # matching term count per document (for coordination)
    terms_total: int = 0  # term matchers Whoosh would build in this segment (for coordination)


class SegmentScorer:
    """Scores query nodes segment by segment for one searcher (one index generation)."""

    def __init__(self, searcher: Searcher, store: SegmentStore):
        self.searcher = searcher
        self.weighting = searcher.weighting
        self.store = store  # reads of segments, kept across generations
        self.cache = TermCache(128 * 1024 * 1024)  # scores: they depend on the whole index, so per generation
        self.segments = [Segment(n, s, off, store) for n, (s, off) in enumerate(searcher.leaf_searchers())]
        self.expander = Expander(searcher.reader(), store=store)
        self._stats: dict[tuple, tuple] = {}

    def _empty(self, seg: Segment, scored: bool) -> Part:
        return Part(np.zeros(seg.size, dtype=bool), np.zeros(seg.size) if scored else None)

    def node(self, q: wq.Query, seg: Segment, scored: bool, coord: bool = False) -> Part:
        budget.check()  # between nodes: a search past its time budget stops here
        kind = type(q)
        if kind is wq.Term:
            return self._term(q.fieldname, q.text, q.boost, seg, scored, coord)
        if isinstance(q, wq.MultiTerm) and kind is not wq.Variations:
            return self._multiterm(q, seg, scored, coord)
        if coord:  # a coordinated Or is modelled over plain term leaves only
            raise Unsupported(f"{kind.__name__} inside a coordinated Or")
        if q is wq.NullQuery:
            return self._empty(seg, scored)
        if kind is ranking.FieldsTerm:
            return self._fields_term(q, seg, scored)
        if kind in (wq.And, wq.Or):
            return self._compound(q, seg, scored)
        if kind is wq.Every and q.fieldname in (None, "", "*"):
            return Part(np.ones(seg.size, dtype=bool), np.full(seg.size, float(q.boost)) if scored else None)
        if kind is wq.AndNot:
            a = self.node(q.a, seg, scored)
            b = self.node(q.b, seg, False)
            return Part(a.mask & ~b.mask, a.score)
        if kind is wq.Require:
            a = self.node(q.a, seg, scored)
            b = self.node(q.b, seg, False)
            return Part(a.mask & b.mask, a.score)
        if kind is wq.AndMaybe:
            a = self.node(q.a, seg, scored)
            b = self.node(q.b, seg, scored)
            score = a.score + np.where(b.mask, b.score, 0.0) if scored else None
            return Part(a.mask, score)
        if kind is wq.Not:
            inner = self.node(q.query, seg, False)
            return Part(~inner.mask, np.ones(seg.size) if scored else None)
        if kind is wq.Phrase and q.slop >= 1:
            return self._phrase(q, seg, scored)
        return self.by_whoosh(q, seg, scored)

    def _term(self, fieldname: str, text, boost: float, seg: Segment, scored: bool, coord: bool) -> Part:
        schema = self.searcher.schema
        part = self._empty(seg, scored)
        if coord:
            part.terms = np.zeros(seg.size, dtype=np.int32)
        if fieldname not in schema:
            return part
        try:
            btext = schema[fieldname].to_bytes(text)
        except ValueError:
            return part
        ids, scores = self._term_arrays(seg, fieldname, btext)
        part.mask[ids] = True
        if scored:
            part.score[ids] = scores * boost if boost != 1.0 else scores
        if coord:
            part.terms[ids] = 1
            part.terms_total = 1 if (fieldname, btext) in seg.reader else 0
        return part

    def _fields_term(self, q: ranking.FieldsTerm, seg: Segment, scored: bool) -> Part:
        """One word over a language's text parts, scored once by true BM25F (:mod:`search.ranking`).

        Same statistics (:func:`ranking.bm25f_stats`) and the same arithmetic,
        in the same order, as ``BM25FMatcher.score``, over whole posting arrays.
        """
        factor, parts = self._bm25f_stats(q)
        mask = np.zeros(seg.size, dtype=bool)
        tf = np.zeros(seg.size) if scored else None
        for p in parts:
            if (p.fieldname, p.text) not in seg.reader:
                continue
            ids, weights = self.raw_arrays(seg, p.fieldname, p.text)
            mask[ids] = True
            if scored:
                lengths = LENGTH_OF_BYTE[seg.lengths(p.fieldname)[ids]]
                tf[ids] += p.weight * weights.astype(np.float64) / (1.0 - p.b + p.b * lengths / p.avg_length)
        score = None
        if scored:
            score = np.where(mask, factor * tf * (ranking.K1 + 1.0) / (tf + ranking.K1), 0.0)
        return Part(mask, score)

    def _bm25f_stats(self, q: ranking.FieldsTerm):
        key = ("bm25f", q.boost, tuple((t.fieldname, t.text, t.boost) for t in q.subqueries))
        found = self._stats.get(key)
        if found is None:
            found = ranking.bm25f_stats(self.searcher, q)
            if len(self._stats) > 4096:
                self._stats.clear()
            self._stats[key] = found
        return found

    def raw_arrays(self, seg: Segment, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        key = (seg.key, fieldname, btext, "raw")
        found = self.store.terms.get(key)
        if found is None:
            ids, weights = postings_arrays(seg.reader, fieldname, btext)
            narrow = weights.astype(np.float32)
            if np.array_equal(narrow, weights):  # term frequencies: exact in 4 bytes, half the cache
                weights = narrow
            found = (ids.astype(np.int32), weights)
            self.store.terms.put(key, found)
        return found

    def _term_arrays(self, seg: Segment, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        key = (seg.number, fieldname, btext)
        found = self.cache.get(key)
        if found is not None:
            return found
        ids, weights = self.raw_arrays(seg, fieldname, btext)
        weights = weights.astype(np.float64)
        field = self.searcher.schema[fieldname]
        if ids.size and field.scorable:
            w = self.weighting
            parent = self.searcher
            idf = parent.idf(fieldname, btext)
            avgfl = parent.avg_field_length(fieldname) or 1
            b = w._field_B.get(fieldname, w.B)
            fl = LENGTH_OF_BYTE[seg.lengths(fieldname)[ids]]
            scores = idf * ((weights * (w.K1 + 1)) / (weights + w.K1 * ((1 - b) + b * fl / avgfl)))
        else:
            scores = weights  # Whoosh's WeightScorer for fields without lengths
        found = (ids.astype(np.int32), scores)
        self.cache.put(key, found)
        return found

    def _phrase(self, q: wq.Phrase, seg: Segment, scored: bool) -> Part:
        """Whoosh's phrase (an ordered SpanNear of its words, scored as their sum).

        Candidates are the documents holding every word (array AND); positions
        are decoded only for them, and each next word must follow the previous
        one by 1..slop positions, as Whoosh's span matching requires.
        """
        schema = self.searcher.schema
        part = self._empty(seg, scored)
        try:
            field = schema[q.fieldname]
        except KeyError:
            return part
        if not field.format or not field.format.supports("positions"):
            return self.by_whoosh(q, seg, scored)
        btexts = []
        for word in q.words:
            try:
                btext = field.to_bytes(word)
            except ValueError:
                return part
            if (q.fieldname, btext) not in seg.reader:
                return part
            btexts.append(btext)
        if not btexts:
            return part
        arrays = [self._term_arrays(seg, q.fieldname, b) for b in btexts]
        candidates = np.ones(seg.size, dtype=bool)
        for ids, _ in arrays:
            present = np.zeros(seg.size, dtype=bool)
            present[ids] = True
            candidates &= present
        docs = np.flatnonzero(candidates)
        if docs.size and len(btexts) > 1:
            key = (seg.key, "phrase", q.fieldname, tuple(btexts), q.slop)
            found = self.store.terms.get(key)  # a phrase's documents, like a term's, are fixed per segment
            if found is None:
                found = (phrase_documents(seg.reader, q.fieldname, btexts, docs, q.slop).astype(np.int32), _NO_SCORES)
                self.store.terms.put(key, found)
            docs = found[0]
        part.mask[docs] = True
        if scored:
            total = np.zeros(seg.size)
            for ids, scores in arrays:
                total[ids] += scores
            part.score[docs] = total[docs] * q.boost if q.boost != 1.0 else total[docs]
        return part

    def _multiterm(self, q: wq.MultiTerm, seg: Segment, scored: bool, coord: bool) -> Part:
        fieldname = q.field()
        if fieldname not in self.searcher.schema:
            return self._empty(seg, scored)
        words = self.expander.expand(q, seg.number, seg.reader)
        if not words:
            return self._empty(seg, scored)
        if len(words) == 1:  # Whoosh uses the lone term as it is, without the boost
            return self._term(fieldname, words[0], 1.0, seg, scored, coord)
        if len(words) >= MAX_EXPANSIONS:
            raise Unsupported("too many expansions")
        preloaded = len(words) != 2 and seg.size <= SMALL_SEGMENT
        if coord and preloaded:
            raise Unsupported("a pre-loaded Or inside a coordinated Or")
        parts = []
        for w in words:
            budget.check()
            parts.append(self._term(fieldname, w, 1.0, seg, scored, coord))
        mask = np.logical_or.reduce([p.mask for p in parts])
        score = None
        if scored:
            if preloaded and q.constantscore:
                score = np.ones(seg.size)  # Whoosh's pre-loaded Or without weighting counts 1 per match
            else:
                score = np.sum([p.score for p in parts], axis=0) * q.boost
        out = Part(mask, score)
        if coord:
            out.terms = np.sum([p.terms for p in parts], axis=0)
            out.terms_total = sum(p.terms_total for p in parts)
        return out

    def _compound(self, q: wq.CompoundQuery, seg: Segment, scored: bool) -> Part:
        subs = q.subqueries
        if not subs:
            return self._empty(seg, scored)
        if len(subs) == 1:  # Whoosh uses the lone child as it is, without the boost
            return self.node(subs[0], seg, scored)
        scale = getattr(q, "scale", None) if isinstance(q, wq.Or) else None
        if isinstance(q, wq.Or) and len(subs) >= MAX_EXPANSIONS:
            raise Unsupported("too many clauses")
        inner_coord = bool(scale and scored)
        if isinstance(q, wq.Or) and not inner_coord:
            return self._union(q, seg, scored)
        parts = [self.node(s, seg, scored, inner_coord) for s in subs]
        combine = np.logical_and.reduce if isinstance(q, wq.And) else np.logical_or.reduce
        mask = combine([p.mask for p in parts])
        score = None
        if scored:
            score = np.sum([np.where(p.mask, p.score, 0.0) for p in parts], axis=0)
            if q.boost != 1.0:
                score = score * q.boost
        out = Part(mask, score)
        if inner_coord:
            terms = np.sum([np.where(p.mask, p.terms, 0) for p in parts], axis=0)
            out.terms = np.where(mask, terms, 0)
            out.terms_total = sum(p.terms_total for p in parts)
        if inner_coord and out.terms_total:
            total = out.terms_total
            if total == scale:
                out.score = np.zeros(seg.size)
            else:
                out.score = (score + ((out.terms - 1) / (total - scale) ** 2)) * ((total - 1) / total)
        return out

    def _union(self, q: wq.Or, seg: Segment, scored: bool) -> Part:
        """An uncoordinated Or: term children are added straight into one array."""
        mask = np.zeros(seg.size, dtype=bool)
        score = np.zeros(seg.size) if scored else None
        schema = self.searcher.schema
        for sub in q.subqueries:
            if type(sub) is wq.Term:
                if sub.fieldname not in schema:
                    continue
                try:
                    btext = schema[sub.fieldname].to_bytes(sub.text)
                except ValueError:
                    continue
                ids, scores = self._term_arrays(seg, sub.fieldname, btext)
                mask[ids] = True
                if scored:
                    score[ids] += scores * sub.boost if sub.boost != 1.0 else scores
            else:
                part = self.node(sub, seg, scored)
                mask |= part.mask
                if scored:
                    score += np.where(part.mask, part.score, 0.0)
        if scored and q.boost != 1.0:
            score *= q.boost
        return Part(mask, score)

    def by_whoosh(self, q: wq.Query, seg: Segment, scored: bool) -> Part:
        """Any other node: Whoosh's own matcher, over this segment, for this node only."""
        part = self._empty(seg, scored)
        context = seg.searcher.context() if scored else seg.searcher.boolean_context()
        matcher = q.matcher(seg.searcher, context)
        ids, scores = [], []
        while matcher.is_active():
            if len(ids) % 1024 == 0:
                budget.check()
            ids.append(matcher.id())
            if scored:
                scores.append(matcher.score())
            matcher.next()
        if ids:
            part.mask[ids] = True
            if scored:
                part.score[ids] = scores
        return part
