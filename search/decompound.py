"""Which Danish words are compounds, and their parts: one decision for the index and the query.

Danish writes a compound as one word (høreapparatbrugere, vindmøllestøj, efterklangstid), so a document that
says the same thing in separate words ("støj fra vindmøller") shares no term with it. Both directions use the
split made here: a compound typed in a query also searches its parts (:mod:`search.compounds`), and a
compound written in a Danish document is indexed with its parts too (:class:`CompoundParts`), so
"støj fra vindmøller", "vindmølle støj" and, through the glossary, "wind turbine noise" find a report that
only says "vindmøllestøj". One decision for both, so what a query splits is what the index holds.

**The splitter** (:func:`split_compound`) is data-driven: Danish word frequencies from ``wordfreq``
(``zipf_frequency(word, "da")``, its "small" Danish list, about 2 MB of the package's data). A word splits
into 2 or 3 parts, each at least :data:`MIN_PART` letters and at least :data:`MIN_ZIPF` frequent, a non-final
part optionally followed by a Danish linking letter (``-s-`` in efterklang-s-tid, ``-e-``), and only when the
whole word is rarer than :data:`MIN_ZIPF` (and so than its parts): a word people write often is a word of its
own, whatever it is made of (``vindmøller`` 4.15 is not vind + møller, ``hørelse`` 3.47 not hør + else,
``undersøgelse``, ``kommunen``); the compounds a search needs split are the rare ones, mostly not in the list
at all. Fewer parts win, then fewer linking letters (vej + støj, not vej-s-tøj), then the split whose rarest
part is the most frequent. A word more frequent in English than in Danish is not split (``beamforming``,
``audiologists``): members type English too. Measured with ``wordfreq`` 3.1.1: vindmølle 3.68, støj 3.94,
vindmøllestøj 0 (not listed) -> vindmølle + støj; høreapparat is not listed, so høreapparatbrugere splits as
høre + apparat + brugere; efterklang is not either, so efterklangstid splits as efter + klang + tid.

A split whose last part the Danish stemmer removes whole is a suffix, not a compound (``rumlig`` is not
rum + lig: Snowball strips -lig, so its stem is ``rum``).

**Parts for searching** (:func:`search_parts`): a part that is a Danish stop word (``efter``, ``under``) is
not in the index, so it is joined to the next part (``efterklang`` + ``tid``).

**At index time** (:class:`CompoundParts`, in the Danish text fields' analyzer, :func:`field_analyzer`):
each word is indexed as written and then, for a compound, its search parts at the same position. The same
position, so a phrase over the text as written still matches ("vindmøllestøj måles"), and each part counts
once per time the compound occurs. The parts lengthen the field by as many terms (Whoosh's field length is
the sum of its terms' frequencies), so BM25 sees a document with compounds as slightly longer.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from whoosh.analysis import Analyzer, CompositeAnalyzer, Filter

from search.analysis import LANGUAGE_STOP_WORDS, language_analyzer, stem_words
from search.limits import not_counted

MIN_PART = 3
"""Fewest letters of a part."""

MIN_ZIPF = 3.0
"""Least Danish zipf frequency of a part (3.0: once per million words; see the module docstring)."""

MAX_PARTS = 3
LINKS = ("s", "e")
"""Danish linking letters between the parts of a compound."""

WORDS_CACHED = 50_000
"""Words whose split is kept (:func:`search_parts`). The index asks about every Danish word of every document,
so the caches are sized for memory: filled, they and wordfreq's own take ~30 MB (with 200,000 and 100,000
entries, 140 MB, and no faster). Inside a split, the look-ups of strings that recur from word to word (heads
like "vind", tails like "støj") are cached too, 20,000 and 10,000 of them."""

_Split = tuple[tuple[str, ...], int, float]  # parts, linking letters, the rarest part's zipf
_DA_STOPS = LANGUAGE_STOP_WORDS["da"]


_plain = re.compile(r"[a-zæøåäöüéèáàíóúñ]+").fullmatch
"""Lowercase letters that wordfreq's tokenizer keeps as one token, unchanged (already case-folded, NFC)."""
_listed: dict[str, dict[str, float]] = {}


@lru_cache(maxsize=20_000)
def _zipf(word: str, lang: str = "da") -> float:
    """``wordfreq.zipf_frequency(word, lang)``; for a plain word the list lacks, 0 without asking it.

    Most strings a split tries are no word at all (the heads of "vindmøllestøj": vin, vind, vindm, ...), and
    ``zipf_frequency`` tokenizes each one before looking it up. At index time every new Danish word of a
    document is tried, and that was three quarters of the cost (see docs/ranking.md). For a plain word the
    answer is the same: one token, itself, 0 when not listed (``tests/test_compounds.py`` compares them).
    """
    listed = _listed.get(lang)
    if listed is None:
        with not_counted():  # loaded once per process for every later search: not one request's cost
            from wordfreq import get_frequency_dict  # loaded on first use: its tables are read when first asked

            listed = _listed[lang] = get_frequency_dict(lang)
    if _plain(word) and word not in listed:
        return 0.0
    from wordfreq import zipf_frequency

    return zipf_frequency(word, lang)


def _known(part: str) -> float:
    """The part's frequency when it may be a part, else 0."""
    if len(part) < MIN_PART:
        return 0.0
    z = _zipf(part)
    return z if z >= MIN_ZIPF else 0.0


@lru_cache(maxsize=10_000)
def _segments(word: str, most: int) -> _Split | None:
    """The best way to read ``word`` as 1..``most`` known parts: (parts, links, rarest part's zipf), or None."""
    whole = _known(word)
    best: _Split | None = ((word,), 0, whole) if whole else None
    if most < 2:
        return best
    split = _best_split(word, most)
    return split if best is None or (split is not None and _better(split, best)) else best


def _best_split(word: str, most: int) -> _Split | None:
    """The best reading of ``word`` as a known first part (perhaps with a linking letter) and 1..``most - 1``
    known parts after it, or None."""
    best: _Split | None = None
    for i in range(MIN_PART, len(word) - MIN_PART + 1):
        head, tail = word[:i], word[i:]
        for part in (head, head[:-1]) if head[-1] in LINKS else (head,):
            z = _known(part)
            rest = _segments(tail, most - 1) if z else None
            if rest is not None:
                found = ((part, *rest[0]), rest[1] + (part != head), min(z, rest[2]))
                if best is None or _better(found, best):
                    best = found
    return best


def _better(a: _Split, b: _Split) -> bool:
    """Fewer parts first, then fewer linking letters (vej+støj, not vej-s-tøj), then the most frequent rarest
    part, then the longest first part (deterministic)."""
    return (-len(a[0]), -a[1], a[2], len(a[0][0])) > (-len(b[0]), -b[1], b[2], len(b[0][0]))


def split_compound(word: str) -> tuple[str, ...]:
    """The parts of the lowercased Danish ``word`` when it is a compound, else ``()``.

    >>> split_compound("vindmøllestøj")
    ('vindmølle', 'støj')
    """
    if len(word) < 2 * MIN_PART or not word.isalpha():
        return ()
    whole = _zipf(word)
    if whole >= MIN_ZIPF:  # frequent enough to be a part is frequent enough to be a word (vindmøller, hørelse)
        return ()
    english = _zipf(word, "en")
    if english > whole:  # an English word (beamforming, audiologists) is no Danish compound
        return ()
    best = _best_split(word, MAX_PARTS)
    if best is None or whole >= best[2]:
        return ()
    if len(stem_words("da", [word])[0]) <= len(word) - len(best[0][-1]):  # a suffix: rumlig, not rum + lig
        return ()
    return best[0]


@lru_cache(maxsize=WORDS_CACHED)
def search_parts(word: str) -> tuple[str, ...]:
    """:func:`split_compound`'s parts as the index holds them: a stop-word part joined to the next one.

    ``()`` when the word does not split into at least two searchable parts.
    """
    parts = split_compound(word)
    out: list[str] = []
    carry = ""
    for part in parts:
        if part in _DA_STOPS:
            carry += part
            continue
        out.append(carry + part)
        carry = ""
    if carry and out:
        out[-1] += carry
    return tuple(out) if len(out) >= 2 else ()


class CompoundParts(Filter):
    """At index time, a Danish compound's search parts after it, at its position; at query time, nothing.

    Placed after the stop filter and before the stemmer, so it sees lowercased content words and its parts
    are stemmed as words are. Query-time splitting is :class:`search.compounds.Splitter`'s, with its own
    weights, so a query's tokens pass through untouched (Whoosh's tokens say ``mode="index"`` only when a
    field indexes a value).

    ``index_parts`` is the protocol the engine's fast index-time analysis recognises
    (:mod:`search.engine.writing.fastterms`), without importing this module: the words added after a
    lowercased non-stop word, at its position, and nothing else changed. The filter holds no state, so the
    schema pickled in the index names this class and nothing more.
    """

    index_parts = staticmethod(search_parts)

    def __call__(self, tokens):
        for token in tokens:
            word = token.text
            yield token
            if token.mode == "index":
                for part in search_parts(word):
                    token.text = part  # the stemmer after this filter changed it; the position stays
                    yield token


@cache
def field_analyzer(lang: str) -> Analyzer:
    """The analyzer of ``lang``'s text fields: :func:`search.analysis.language_analyzer`, and for Danish the
    compounds' parts (:class:`CompoundParts`) before the stemmer."""
    base = language_analyzer(lang)
    if lang != "da":
        return base
    *front, stemmer = base.items
    return CompositeAnalyzer(*front, CompoundParts(), stemmer)
