"""The words of one field in the whole index, with their document frequencies, and the one edit distance.

One :class:`Lexicon` per field and index generation serves every feature
that looks words up by spelling: fuzzy query terms (``word~2``,
:mod:`search.engine.scoring.expansion`) and did-you-mean and completions
(:mod:`search.vocabulary`). It is built from each segment's sorted term list,
kept for later generations by the
:class:`~search.engine.reading.segments.SegmentStore`, so after a commit only
the new segment is read; Whoosh's multi-segment view instead looks every word
up in every segment (2.4 s for 36,000 words in 5 segments at 100,000 reports).

The edit distance is plain Levenshtein (insertions, deletions, substitutions),
computed by RapidFuzz in C++. It is the distance of Whoosh's ``FuzzyTerm``
(its Levenshtein automaton), so a fuzzy term expands to exactly the words
Whoosh would expand it to and scores stay Whoosh's; and Whoosh's
``terms_within``, which proposed did-you-mean candidates, used the same
automaton. Did-you-mean once *ordered* those candidates by Damerau-Levenshtein
(a transposition as one edit). With one rule a transposition counts two, so
among a longer word's distance-2 candidates a swapped-letters correction no
longer comes first by distance alone; the more frequent word wins the tie
("bacterai" -> "bacterial" rather than "bacteria" in a generated collection).
None of the corrections the tests expect (``tests/test_suggest.py``) changes.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

_LAST = "\U0010ffff"


def _text(word: bytes) -> str:
    """A term's bytes as text; bytes that are not UTF-8 (a numeric field's) survive the round trip."""
    return word.decode("utf-8", "surrogateescape")


def encode(word: str) -> bytes:
    """The term bytes of a lexicon word (the inverse of how it was read)."""
    return word.encode("utf-8", "surrogateescape")


@dataclass(frozen=True)
class Lexicon:
    """Every word of one field, sorted as Whoosh lists them, with its whole-index document frequency.

    Frequencies count deleted documents too (as Whoosh's term statistics do);
    features that show words to a visitor check them against what the visitor
    may see.
    """

    words: list[str]
    doc_freq: np.ndarray

    @classmethod
    def read(cls, segments: list[tuple[list[bytes], list[int]]]) -> Lexicon:
        """The lexicon of the segments' ``(terms, document frequencies)``, added up."""
        totals: dict[bytes, int] = {}
        get = totals.get
        for words, freqs in segments:
            for word, freq in zip(words, freqs, strict=True):
                totals[word] = get(word, 0) + freq
        ordered = sorted(totals)  # UTF-8 byte order is code point order: the same as sorting the text
        return cls([_text(w) for w in ordered], np.fromiter(map(totals.__getitem__, ordered), np.int64))

    def starting(self, prefix: str) -> range:
        """Positions of the words starting with ``prefix`` (a contiguous run of the sorted list)."""
        lo = bisect.bisect_left(self.words, prefix)
        return range(lo, bisect.bisect_left(self.words, prefix + _LAST, lo))

    def with_prefix(self, prefix: str, limit: int) -> list[tuple[str, int]]:
        """The ``limit`` most frequent words starting with ``prefix``, with their whole-index frequency."""
        run = self.starting(prefix)
        if len(run) <= limit:
            picked = run
        else:
            picked = (run.start + np.argpartition(-self.doc_freq[run.start : run.stop], limit)[:limit]).tolist()
        return [(self.words[i], int(self.doc_freq[i])) for i in picked]

    def within(self, text: str, maxdist: int, prefix: int = 0) -> list[tuple[int, int]]:
        """``(distance, position)`` of every word within ``maxdist`` edits of ``text`` that shares its first
        ``prefix`` characters (Whoosh's ``prefixlength``), in lexicon order."""
        head = text[:prefix]
        run = self.starting(head) if head else range(len(self.words))
        found = process.extract(
            text, self.words[run.start : run.stop], scorer=Levenshtein.distance, score_cutoff=maxdist, limit=None
        )
        hits = [(dist, run.start + index) for word, dist, index in found if word[:prefix] == head]
        return sorted(hits, key=lambda hit: hit[1])
