"""True BM25F: one score per word over a document's weighted text parts, saturated once.

Whoosh's own ``BM25F`` scores every field separately and adds the results,
so a word in both title and body is counted twice, each time already
saturated. Here (Robertson, Zaragoza & Taylor, 2004) a word's
length-normalised, weighted frequencies are added over the parts first,

    tf~ = sum over parts f of  w_f * tf_f / (1 - b_f + b_f * len_f / avglen_f)

and saturated once: ``idf * tf~ * (k1 + 1) / (tf~ + k1)``, with Robertson's
idf ``ln(1 + (N - df + 0.5) / (df + 0.5))``. Why this model and these
constants, and what else was measured, is in ``docs/ranking.md``; which query
words become a :class:`FieldsTerm` is the search layer's choice
(:func:`search.ranking.use_bm25f`).

The model lives in the engine because two scorers must agree on it to the
last bit: Whoosh's matcher (:class:`BM25FMatcher`, used when the array
evaluator falls back) and the array evaluator (:mod:`search.engine.scoring.leaves`).
Both take their numbers from :func:`bm25f_stats` and their arithmetic from :func:`bm25f`.

A text part's field is named ``<part>_<language>`` (``title_en``), and the
``lang`` field holds each document's language: ``N`` and the average lengths
count only documents of the word's language, so Danish documents are not
judged against averages diluted by English ones.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from functools import cached_property

from whoosh import matching
from whoosh import query as wq
from whoosh.matching import Matcher

K1 = 1.2
"""Term-frequency saturation: how fast repeated occurrences stop adding score."""

B: dict[str, float] = {"title": 0.75, "abstract": 0.75, "body": 0.75}
"""Per-part length normalisation (0 = length ignored, 1 = fully normalised)."""

LANGUAGE_FIELD = "lang"
"""The field holding each document's language: the population a word's idf and average lengths count."""


def _part_and_language(fieldname: str) -> tuple[str, str]:
    """``("title", "en")`` for ``title_en``."""
    part, _, lang = fieldname.rpartition("_")
    return part, lang


class FieldsTerm(wq.CompoundQuery):
    """One word in the text parts of one language, scored as a single BM25F term.

    The subqueries are plain :class:`whoosh.query.Term` objects with the same
    text, one per part (``title_en``, ``body_en``...); each one's boost is
    that part's weight. Matching is the union of the parts; only scoring
    differs from an ``Or`` of the same terms.
    """

    JOINT = " | "  # for str(): Whoosh's compound queries print their children joined by this

    def __init__(self, subqueries: list[wq.Term], boost: float = 1.0, idf_of: tuple[FieldsTerm, ...] = ()):
        """``idf_of``: words whose largest idf caps this one's. A word searched in place of another (the other
        language's name for a typed word) weighs at most what the typed word weighs, so a language with fewer
        documents, where every word looks rare, does not outrank the typed language."""
        super().__init__(list(subqueries), boost=boost)
        self.idf_of = tuple(idf_of)

    def apply(self, fn) -> FieldsTerm:
        return FieldsTerm([fn(q) for q in self.subqueries], boost=self.boost, idf_of=self.idf_of)

    def copy(self) -> FieldsTerm:
        # Whoosh's copy is deep, and normalising copies every child it re-boosts: the idf_of words, never
        # changed after they are made, are shared instead of copied with them.
        return FieldsTerm([copy.copy(q) for q in self.subqueries], boost=self.boost, idf_of=self.idf_of)

    def key(self) -> tuple:
        """What the score depends on, for caches (Whoosh's equality does not know ``idf_of``)."""
        return (self.boost, *self._fixed_key)

    @cached_property
    def _fixed_key(self) -> tuple:
        # The words and idf_of are not changed after the query is made (apply and copy make new ones); only
        # the boost is, so that is read afresh. Parsing hashes a query many times over.
        return (tuple((t.fieldname, t.text, t.boost) for t in self.subqueries), *(i.key() for i in self.idf_of))

    def __eq__(self, other: object) -> bool:
        return type(other) is FieldsTerm and self.key() == other.key()

    def __hash__(self) -> int:
        return hash(self.key())

    def normalize(self) -> wq.Query:
        # Never collapse to a bare Term or merge into a parent Or: the score would change.
        return self

    def estimate_size(self, ixreader) -> int:
        return min(sum(q.estimate_size(ixreader) for q in self.subqueries), ixreader.doc_count_all())

    def matcher(self, searcher, context=None) -> Matcher:
        factor, parts = bm25f_stats(searcher.get_parent(), self)
        reader = searcher.reader()  # this segment's: postings and lengths are per segment
        found = [
            (reader.postings(p.fieldname, p.text), p.fieldname, p.weight, p.b, p.avg_length)
            for p in parts
            if (p.fieldname, p.text) in reader
        ]
        return BM25FMatcher(found, reader, factor) if found else matching.NullMatcher()


class PhraseTerms(wq.CompoundQuery):
    """Several :class:`FieldsTerm` words that must occur as a phrase in one of their fields, scored as the
    words' sum: the same matches and scores as ``Require(And(words), Or(Phrase per field))``.

    One node rather than that tree because it is a leaf to the array evaluator: its matches and scores are
    computed once per index generation and cached like a word's, where the tree was rebuilt and re-evaluated
    (two dense arrays per word over the whole index) by every search. Cross-language search adds one per
    equivalent of several words ("hearing aid" for "høreapparat"), so a common concept cost every search
    that typed it the full price. Every word has the same fields (one language's text parts).
    """

    JOINT = " + "

    def __init__(self, subqueries: list[FieldsTerm], boost: float = 1.0):
        super().__init__(list(subqueries), boost=boost)

    def apply(self, fn) -> PhraseTerms:
        return PhraseTerms([fn(q) for q in self.subqueries], boost=self.boost)

    def key(self) -> tuple:
        """What the matches and scores depend on, for caches."""
        return (self.boost, *(q.key() for q in self.subqueries))

    def __eq__(self, other: object) -> bool:
        return type(other) is PhraseTerms and self.key() == other.key()

    def __hash__(self) -> int:
        return hash(self.key())

    def normalize(self) -> wq.Query:
        return self  # as FieldsTerm: a parent Or must not absorb the words

    @property
    def words(self) -> list[str]:
        return [q.subqueries[0].text for q in self.subqueries]

    def phrases(self) -> list[wq.Phrase]:
        """The phrase in each field; a document matches when one of them is there."""
        return [wq.Phrase(t.fieldname, self.words) for t in self.subqueries[0].subqueries]

    def estimate_size(self, ixreader) -> int:
        return min(q.estimate_size(ixreader) for q in self.subqueries)

    def matcher(self, searcher, context=None) -> Matcher:
        tree = wq.Require(wq.And(list(self.subqueries), boost=self.boost), wq.Or(self.phrases()))
        return tree.matcher(searcher, context)


@dataclass(frozen=True)
class PartStats:
    """What scoring one part of a :class:`FieldsTerm` needs besides a document's frequency and length."""

    fieldname: str
    text: bytes
    weight: float
    b: float
    avg_length: float


def bm25f_stats(searcher, q: FieldsTerm) -> tuple[float, list[PartStats]]:
    """``(idf x boost, parts)`` for ``q`` from whole-index statistics.

    Taken from the top-level searcher, so every segment scores on the same
    scale. The document frequency is the word's largest over the parts: on
    SciFact it ranks exactly as well as the exact count over their union and
    costs nothing to look up.
    """
    idf, parts = _idf_and_parts(searcher, q)
    if q.idf_of:  # never above its own rarity: a typed word absent from its language says nothing
        idf = min(idf, max(_idf_and_parts(searcher, other)[0] for other in q.idf_of))
    return idf * q.boost, parts


def _idf_and_parts(searcher, q: FieldsTerm) -> tuple[float, list[PartStats]]:
    lang = _part_and_language(q.subqueries[0].fieldname)[1]
    n_docs = searcher.doc_frequency(LANGUAGE_FIELD, lang) or searcher.doc_count_all() or 1
    parts, df = [], 0
    for term in q.subqueries:
        name = term.fieldname
        btext = searcher.schema[name].to_bytes(term.text)
        df = max(df, searcher.doc_frequency(name, btext))
        avg = (searcher.field_length(name) / n_docs) or 1.0
        parts.append(PartStats(name, btext, term.boost, B.get(_part_and_language(name)[0], 0.75), avg))
    n_docs = max(n_docs, df)
    return math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5)), parts


def bm25f(factor: float, weighted_tf):
    """The score of one word given ``sum(w * tf / (1 - b + b * len / avg_len))`` over its parts.

    ``weighted_tf`` is one document's number or an array of them: the same
    expression, in the same order, for Whoosh's matcher and the array evaluator.
    """
    return factor * weighted_tf * (K1 + 1.0) / (weighted_tf + K1)


class BM25FMatcher(Matcher):
    """Walks the postings of one word's parts together and scores them as one BM25F term.

    ``parts`` holds, per part: the raw postings (frequencies only, no scorer),
    the field name, its weight, its ``b`` and its average length.
    """

    def __init__(self, parts: list[tuple[Matcher, str, float, float, float]], reader, factor: float):
        self._parts = parts
        self._reader = reader
        self._factor = factor

    def _active(self) -> list[Matcher]:
        return [p[0] for p in self._parts if p[0].is_active()]

    def is_active(self) -> bool:
        return any(p[0].is_active() for p in self._parts)

    def id(self) -> int:
        return min(m.id() for m in self._active())

    def next(self) -> bool:
        current = self.id()
        for m in self._active():
            if m.id() == current:
                m.next()
        return False

    def skip_to(self, target: int) -> bool:
        for m in self._active():
            if m.id() < target:
                m.skip_to(target)
        return False

    def reset(self) -> None:
        for p in self._parts:
            p[0].reset()

    def copy(self) -> BM25FMatcher:
        return BM25FMatcher([(p[0].copy(), *p[1:]) for p in self._parts], self._reader, self._factor)

    def supports(self, astype: str) -> bool:
        return False

    def supports_block_quality(self) -> bool:
        return False  # no per-block bounds; the collector scores every match

    def max_quality(self) -> float:
        # The saturation bound: tf~ / (tf~ + k1) < 1 however often the word occurs.
        return self._factor * (K1 + 1.0)

    def term_matchers(self):
        for p in self._parts:
            yield from p[0].term_matchers()

    def matching_terms(self, id=None):
        id = self.id() if id is None else id
        for m in self._active():
            if m.id() == id:
                yield from m.matching_terms(id)

    def weight(self) -> float:
        current = self.id()
        return sum(m.weight() for m in self._active() if m.id() == current)

    def score(self) -> float:
        current = self.id()
        tf = 0.0
        for m, name, weight, b, avg in self._parts:
            if m.is_active() and m.id() == current:
                length = self._reader.doc_field_length(current, name, 0) or 0
                tf += weight * m.weight() / (1.0 - b + b * length / avg)
        return bm25f(self._factor, tf)
