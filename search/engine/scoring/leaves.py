"""Whoosh's scores for one query leaf over one index segment, as arrays.

The evaluator (:mod:`search.engine.scoring.evaluator`) combines whole-index
arrays; what depends on a segment's own postings is computed here, segment by
segment: a term's scores are BM25F over its postings with Whoosh's idf,
average field length, ``B`` and ``K1`` and its one-byte field lengths; a
:class:`~search.engine.scoring.bm25f.FieldsTerm` is one true-BM25F term over a
language's text parts, computed as its own matcher computes it; prefix,
wildcard and fuzzy terms expand per segment as Whoosh expands them; and a
phrase decodes positions only for the documents holding all its words. A
node this does not model is scored by Whoosh's own matcher for that node
alone (:meth:`Leaves.by_whoosh`), and that fallback is logged once per reason.
"""

from __future__ import annotations

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from search.engine import budget
from search.engine.cache import Cache
from search.engine.fallbacks import fell_back
from search.engine.format.postings import LENGTH_OF_BYTE, phrase_documents, postings_arrays
from search.engine.reading.segments import Segment, SegmentStore, TermCache
from search.engine.scoring.bm25f import FieldsTerm, PartStats, PhraseTerms, bm25f, bm25f_stats
from search.engine.scoring.combine import Part, Unsupported, conjunction, empty, require
from search.engine.scoring.expansion import Expander

MAX_EXPANSIONS = 1024  # Whoosh's Or.TOO_MANY_CLAUSES: past it, another matcher (modelled by fallback)
SMALL_SEGMENT = 5000  # Whoosh pre-loads an Or's matches (unscored when constant-score) at or below this
FALLBACK_PATH = "array scoring"
"""How :func:`search.engine.fallbacks.fell_back` names this fast path."""

_NO_SCORES = np.zeros(0)


class Leaves:
    """Scores query leaves segment by segment for one searcher (one index generation)."""

    def __init__(self, searcher: Searcher, store: SegmentStore):
        self.searcher = searcher
        self.weighting = searcher.weighting
        self.store = store  # reads of segments, kept across generations
        self.cache = TermCache(store.budget.bytes_for("scores"))  # scores depend on the whole index: per generation
        self.expander = Expander(searcher.reader(), store=store)
        self.bm25f_stats: Cache[tuple[float, list[PartStats]]] = Cache(max_items=4096)

    def leaf(self, q: wq.Query, seg: Segment, counted: bool = False) -> Part:
        """A term, a prefix/wildcard/fuzzy/range term, a :class:`FieldsTerm` or a phrase over ``seg``, scored.

        ``counted``: ``q`` is a child of a coordinated ``Or``, which needs each
        document's matching terms counted; that is modelled for term leaves only.
        """
        budget.check()
        kind = type(q)
        if kind is wq.Term:
            return self._term(q.fieldname, q.text, q.boost, seg, counted)
        if isinstance(q, wq.MultiTerm) and kind is not wq.Variations:
            return self._multiterm(q, seg, counted)
        if counted:
            raise Unsupported(f"{kind.__name__} inside a coordinated Or")
        if kind is FieldsTerm:
            return self._fields_term(q, seg)
        if kind is PhraseTerms:
            return self._phrase_terms(q, seg)
        if kind is wq.Phrase and q.slop >= 1:
            return self._phrase(q, seg)
        return self.fall_back(q, seg, True, "Phrase with slop below 1")  # the only leaf kind left

    def _term(self, fieldname: str, text, boost: float, seg: Segment, coord: bool) -> Part:
        schema = self.searcher.schema
        part = empty(seg.size, True)
        if coord:
            part.terms = np.zeros(seg.size, dtype=np.int32)
        if fieldname not in schema:
            return part
        try:
            btext = schema[fieldname].to_bytes(text)
        except ValueError:
            return part
        ids, scores = self.term_arrays(seg, fieldname, btext)
        part.mask[ids] = True
        part.score[ids] = scores * boost if boost != 1.0 else scores
        if coord:
            part.terms[ids] = 1
            part.terms_total = 1 if (fieldname, btext) in seg.reader else 0
        return part

    def _fields_term(self, q: FieldsTerm, seg: Segment) -> Part:
        """One word over a language's text parts, scored once by true BM25F.

        Same statistics (:func:`bm25f_stats`) and the same arithmetic, in the
        same order, as ``BM25FMatcher.score``, over whole posting arrays.
        """
        key = q.key()
        factor, parts = self.bm25f_stats.get_or_build(key, lambda: bm25f_stats(self.searcher, q))
        mask = np.zeros(seg.size, dtype=bool)
        tf = np.zeros(seg.size)
        for p in parts:
            if (p.fieldname, p.text) not in seg.reader:
                continue
            ids, weights = self.raw_arrays(seg, p.fieldname, p.text)
            mask[ids] = True
            lengths = LENGTH_OF_BYTE[seg.lengths(p.fieldname)[ids]]
            tf[ids] += p.weight * weights.astype(np.float64) / (1.0 - p.b + p.b * lengths / p.avg_length)
        return Part(mask, np.where(mask, bm25f(factor, tf), 0.0))

    def _phrase_terms(self, q: PhraseTerms, seg: Segment) -> Part:
        """Its words' BM25F terms, all required and added up, where they form a phrase in one of the fields
        (``Require(And(words), Or(phrases))``, as its Whoosh matcher builds it)."""
        words = conjunction([self._fields_term(w, seg) for w in q.subqueries], q.boost, seg.size, True)
        if not words.mask.any():
            return words
        found = np.zeros(seg.size, dtype=bool)
        for phrase in q.phrases():
            found |= self._phrase(phrase, seg).mask
        return require(words, Part(found, None))

    def raw_arrays(self, seg: Segment, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        """A term's document numbers and frequencies in ``seg``, kept across generations."""
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

    def term_arrays(self, seg: Segment, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        """A term's document numbers and Whoosh BM25F scores in ``seg`` (no boost), cached per generation."""
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

    def _phrase(self, q: wq.Phrase, seg: Segment) -> Part:
        """Whoosh's phrase (an ordered SpanNear of its words, scored as their sum).

        Candidates are the documents holding every word (array AND); positions
        are decoded only for them, and each next word must follow the previous
        one by 1..slop positions, as Whoosh's span matching requires.
        """
        schema = self.searcher.schema
        part = empty(seg.size, True)
        try:
            field = schema[q.fieldname]
        except KeyError:
            return part
        if not field.format or not field.format.supports("positions"):
            return self.fall_back(q, seg, True, "Phrase over a field without positions")
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
        arrays = [self.term_arrays(seg, q.fieldname, b) for b in btexts]
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
        total = np.zeros(seg.size)
        for ids, scores in arrays:
            total[ids] += scores
        part.score[docs] = total[docs] * q.boost if q.boost != 1.0 else total[docs]
        return part

    def _multiterm(self, q: wq.MultiTerm, seg: Segment, coord: bool) -> Part:
        fieldname = q.field()
        if fieldname not in self.searcher.schema:
            return empty(seg.size, True)
        words = self.expander.expand(q, seg.number, seg.reader)
        if not words:
            return empty(seg.size, True)
        if len(words) == 1:  # Whoosh uses the lone term as it is, without the boost
            return self._term(fieldname, words[0], 1.0, seg, coord)
        if len(words) >= MAX_EXPANSIONS:
            raise Unsupported("too many expansions")
        preloaded = len(words) != 2 and seg.size <= SMALL_SEGMENT
        if coord and preloaded:
            raise Unsupported("a pre-loaded Or inside a coordinated Or")
        parts = []
        for w in words:
            budget.check()
            parts.append(self._term(fieldname, w, 1.0, seg, coord))
        mask = np.logical_or.reduce([p.mask for p in parts])
        if preloaded and q.constantscore:
            score = np.ones(seg.size)  # Whoosh's pre-loaded Or without weighting counts 1 per match
        else:
            score = np.sum([p.score for p in parts], axis=0) * q.boost
        out = Part(mask, score)
        if coord:
            out.terms = np.sum([p.terms for p in parts], axis=0)
            out.terms_total = sum(p.terms_total for p in parts)
        return out

    def fall_back(self, q: wq.Query, seg: Segment, scored: bool, why: str) -> Part:
        """:meth:`by_whoosh`, said once per ``why`` (:func:`search.engine.fallbacks.fell_back`)."""
        fell_back(FALLBACK_PATH, why)
        return self.by_whoosh(q, seg, scored)

    def by_whoosh(self, q: wq.Query, seg: Segment, scored: bool) -> Part:
        """Any other node: Whoosh's own matcher, over this segment, for this node only."""
        part = empty(seg.size, scored)
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
