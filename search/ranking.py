"""How hits are ordered: one BM25F score per query word across a document's text parts.

Whoosh's own ``BM25F`` model scores every field separately and adds the
results, so a word found in both title and body is counted twice, each time
already saturated. That is "multifield BM25"; on SciFact it is clearly worse
than treating a document as one weighted text (Anserini reports 0.665 versus
0.679 nDCG@10, and our first set-up, summing title x3 and body, reached only
0.58 on the train split). True BM25F (Robertson, Zaragoza & Taylor, 2004)
first adds a word's length-normalised, weighted frequencies over the parts,

    tf~ = sum over parts f of  w_f * tf_f / (1 - b_f + b_f * len_f / avglen_f)

and saturates once: ``idf * tf~ * (k1 + 1) / (tf~ + k1)``. That is what
:class:`FieldsTerm` does. The idf is Robertson's (as in Lucene),
``ln(1 + (N - df + 0.5) / (df + 0.5))``, which unlike Whoosh's
``ln(N / (df + 1)) + 1`` lets very common words count for almost nothing.
``N`` and the average lengths count only documents of the field's language,
so Danish documents are not judged against averages diluted by English ones.
The document frequency is the word's largest one over the parts, which on
SciFact ranks exactly as well as the exact count over their union and costs
nothing to look up.

:func:`use_bm25f` rewrites a parsed query so that each word's per-part terms
of one language become one :class:`FieldsTerm`; author, organisation,
phrase, prefix and fuzzy parts keep Whoosh's scoring and add to it.

What was measured on SciFact train (809 queries; ``bench/relevance.py``) and
kept or left out:

* true BM25F instead of summed per-field BM25: +0.12 nDCG@10 (kept);
* Robertson idf instead of Whoosh's: +0.005 (kept);
* k1 in 0.9..2.0, b in 0.3..0.9 per part, title weight 2..5: all within
  0.003 of each other; kept the textbook k1 = 1.2, b = 0.75 and title x3;
* a word repeated in a query counts once (Whoosh drops duplicate clauses): +0.005;
* long queries with any-word semantics rather than all-words-first: +0.004
  (see :func:`search.query.is_natural_language`);
* a coordination bonus for matching more query words: -0.001 to -0.035, left out;
* a bonus for adjacent query words found next to each other: +0.001 at best, left out;
* English-only, Lucene's 33-word or no stop list instead of the English+Danish
  one: within 0.001.

A second round (same train split, 0.7066 nDCG@10 to beat; none of the gains
below is distinguishable from noise: a paired randomisation test over the
809 queries gives p > 0.4 for each), all left out:

* the unstemmed form as an extra exact-match signal from the ``words``
  field: as a fourth BM25F part (x0.25..1) +0.0003 to -0.004, as a separate
  BM25 term (x0.1..0.4) +0.001 to -0.002;
* RM3 pseudo-relevance feedback on long queries only (3..10 feedback
  documents, 10..20 terms, original query weight 0.5..0.9): -0.003 to
  -0.039 (recall@100 +0.004..0.010); presumably the added words pull
  towards the claim's topic rather than the claim itself;
* Porter instead of Snowball English: +0.0005 (and it would need a reindex);
* BM25+ (a lower bound delta x idf per matched word; delta 0.25..1): +0.001 to
  -0.006;
* counting a word repeated in the query (k3 = 1, 8 or unbounded): +0.0002 to
  -0.005, so a word still counts once;
* title b 0, 0.3 or 1 with body 0.75: within 0.0015, all slightly lower.

A third round (same train split and 0.7066 to beat; p from the same paired
test), all left out, so the test split was not run again (it stays 0.692):

* proximity as a second stage over the best 50..200 hits, positions read
  from the index for those only (``bench/proximity.py`` reproduces it):
  BM25TP (Rasolofo & Savoy; pairs within 5 words add 1/d^2, x0.1..2) at best
  +0.0025 (x0.4, p 0.28), x1 and more -0.007 to -0.016; SDM-like pair terms
  (ordered bigrams, or co-occurrence within 2..20 words; neighbouring or all
  query-word pairs; x0.05..0.8) -0.012 to +0.002; a minimum-distance bonus
  (Tao & Zhai) -0.009 to +0.0007. Reading the positions and pairing them
  took 28 ms per query more (unoptimised), against 10 ms for the search;
* per-language stop lists (English fields drop only English stop words, so
  "men", "end", "ad", "os" stay words there): +0.00002 (13 of 809 claims have
  such a word). Later adopted for what it finds, not for ranking: "men" or
  "dog" alone found nothing in English, nor "by" (town) or "is" (ice) in
  Danish (:mod:`search.stop_waiver`; train 0.7066 and test 0.692 after it);
* title weight 2..4 x title b 0.3..1 x body b 0.5..0.9 x k1 0.9..1.6, jointly,
  and jointly with BM25TP: best +0.0007 without proximity, nothing added with;
* idf to the power 0.8..2: -0.001 to -0.012; a x1.25..2 weight for words
  with digits or inner capitals (gene and protein names): -0.003 to +0.0007;
* British to American spelling before stemming (tumour, randomised,
  haemoglobin: a 1,700-word list, then also -isation/-ised/ae/oe rules):
  +0.0004 / +0.0008;
* exact field lengths instead of Whoosh's one-byte lengths: -0.0002;
* other models over the same weighted parts: Dirichlet LM (mu 100..2000)
  -0.014 to -0.023, LGD and SPL (information-based) -0.006 to -0.020.

A fourth round tried what no BM25 feature does, partial word matches:
BM25 over character n-grams of title and abstract (n = 3, 4, 5 and mixes,
with and without word-boundary marks; k1 0.9..3, b 0.4..1), fused with this
ranking's best 100..300 hits (reciprocal rank fusion, k 10..60; min-max or
z-scored linear fusion, n-gram weight 0.1..0.7). Alone it reaches 0.690 on
train. The best of about 2,500 fusion settings gains +0.0095, but a setting
chosen by 2-fold cross-validation inside train gains only +0.0035..+0.005
(p 0.15..0.4), while an n-gram field would hold 4..8 times the postings of
the words it comes from. Left out (measured with a throw-away script over
the service's top 300 per claim; not kept).

SciFact's claims paraphrase their abstracts, so the words' order and nearness
say little. Published BM25 runs reach 0.665..0.679 on its test split (this
ranking 0.692); going past 0.70 would most likely take a learned model (dense
or cross-encoder), not another BM25 feature.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from whoosh import matching
from whoosh import query as wq
from whoosh.matching import Matcher

from search.analysis import LANGUAGES

K1 = 1.2
"""Term-frequency saturation: how fast repeated occurrences stop adding score."""

B: dict[str, float] = {"title": 0.75, "abstract": 0.75, "body": 0.75}
"""Per-part length normalisation (0 = length ignored, 1 = fully normalised)."""

_PARTS = tuple(B)


def text_field(fieldname: str) -> tuple[str, str] | None:
    """``("title", "en")`` for ``title_en``; None for fields that are not language text parts."""
    part, _, lang = fieldname.rpartition("_")
    return (part, lang) if part in _PARTS and lang in LANGUAGES else None


class FieldsTerm(wq.CompoundQuery):
    """One word in the text parts of one language, scored as a single BM25F term.

    The subqueries are plain :class:`whoosh.query.Term` objects with the same
    text, one per part (``title_en``, ``body_en``...); each one's boost is
    that part's weight. Matching is the union of the parts; only scoring
    differs from an ``Or`` of the same terms.
    """

    def __init__(self, subqueries: list[wq.Term], boost: float = 1.0):
        super().__init__(list(subqueries), boost=boost)

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
    scale; any other scorer of these queries (a vectorised one, say) must use
    these numbers and :func:`bm25f` to rank identically.
    """
    lang = text_field(q.subqueries[0].fieldname)[1]
    n_docs = searcher.doc_frequency("lang", lang) or searcher.doc_count_all() or 1
    parts, df = [], 0
    for term in q.subqueries:
        name = term.fieldname
        btext = searcher.schema[name].to_bytes(term.text)
        df = max(df, searcher.doc_frequency(name, btext))
        avg = (searcher.field_length(name) / n_docs) or 1.0
        parts.append(PartStats(name, btext, term.boost, B.get(text_field(name)[0], 0.75), avg))
    n_docs = max(n_docs, df)
    idf = math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))
    return idf * q.boost, parts


def bm25f(factor: float, weighted_tf: float) -> float:
    """The score of one word given ``sum(w * tf / (1 - b + b * len / avg_len))`` over its parts."""
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


def use_bm25f(q: wq.Query) -> wq.Query:
    """Regroup each word's per-part terms, per language, into one :class:`FieldsTerm`.

    Works on the tree the parser produces: an ``Or`` of ``title_en:x``,
    ``body_en:x``, ``title_da:y``... (flattened into one ``Or`` for any-word
    queries) becomes an ``Or`` of ``FieldsTerm(en, x)``, ``FieldsTerm(da, y)``
    and the untouched rest. A lone text-part term is wrapped too, so
    ``title:x`` is scored on the same scale.
    """
    if isinstance(q, wq.Term) and type(q) is wq.Term and text_field(q.fieldname):
        return FieldsTerm([q])
    if isinstance(q, FieldsTerm) or q.is_leaf():
        return q
    if type(q) is wq.Or:
        groups: dict[tuple[str, str], list[wq.Term]] = {}
        rest: list[wq.Query] = []
        slots: list[object] = []
        for child in q.subqueries:
            found = text_field(child.fieldname) if type(child) is wq.Term else None
            if found:
                key = (found[1], child.text)
                if key not in groups:
                    groups[key] = []
                    slots.append(key)
                groups[key].append(child)
            else:
                rest.append(use_bm25f(child))
                slots.append(rest[-1])
        children = [FieldsTerm(groups[s]) if isinstance(s, tuple) else s for s in slots]
        if len(children) == 1:
            only = children[0]
            return only.with_boost(only.boost * q.boost) if q.boost != 1.0 else only
        return wq.Or(children, boost=q.boost, scale=q.scale)
    return q.apply(use_bm25f)
