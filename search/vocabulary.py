"""The words a visitor may be offered: the index vocabulary seen through their access rights.

Spelling corrections and completions come from the unstemmed ``words`` field
(title, abstract and body as people type them). A word counts only by the
documents the visitor may see: a word that occurs only in staff documents has
a visible frequency of zero and is never offered to anyone else, and the
ranking between offered words uses visible counts.

Visible frequencies are counted on demand from a word's postings against the
visibility mask (a few candidate words per keystroke) and remembered for the
rest of the index generation; walking every posting of a 100k-document index
up front would take many seconds at every commit. Counting stops at
:data:`COMMON` visible documents, which keeps a keystroke cheap when the
candidates are the collection's most frequent words: such words are simply
"common", and common words are ordered by their whole-index frequency. That
order says nothing about any word that is not already common among the
documents the visitor may see.
"""

from __future__ import annotations

import bisect
import heapq
import threading
from dataclasses import dataclass
from itertools import islice

import numpy as np
from whoosh.reading import IndexReader, TermNotFound
from whoosh.support.levenshtein import damerau_levenshtein

from search import limits
from search.engine.reading.searcher import Snapshot
from search.engine.reading.segments import SegmentStore

WORDS = "words"
COMMON = 500
"""Visible documents after which counting a word stops."""
_CHUNK = 512
_CACHE_LIMIT = 100_000  # remembered frequencies per generation and visibility set


@dataclass(frozen=True)
class Lexicon:
    """Every word of the ``words`` field, sorted, with its whole-index document frequency.

    Shared by all visitors; it only ever picks *candidates*, which are then
    checked against what the visitor may see.
    """

    words: list[str]
    doc_freq: np.ndarray

    @classmethod
    def read(cls, reader: IndexReader, store: SegmentStore | None = None) -> Lexicon:
        """Each segment's words and frequencies, added up.

        Whoosh's multi-segment ``iter_field`` looks every word up in every
        segment's hash table (2.4 s for 36,000 words in 5 segments at 100,000
        reports, the first keystroke's wait after a start); walking each
        segment's sorted term file takes 0.1 s per segment, and ``store``
        keeps what was read for later generations, so after a commit only the
        new segment is walked.
        """
        if WORDS not in reader.schema:
            return cls([], np.zeros(0, dtype=np.int64))
        store = store or SegmentStore()
        totals: dict[bytes, int] = {}
        get = totals.get
        for leaf, _offset in reader.leaf_readers():
            words, freqs = store.field_terms(leaf, WORDS)
            for word, freq in zip(words, freqs, strict=True):
                totals[word] = get(word, 0) + freq
        ordered = sorted(totals)
        return cls([w.decode("utf-8") for w in ordered], np.fromiter(map(totals.__getitem__, ordered), np.int64))

    def with_prefix(self, prefix: str, limit: int) -> list[tuple[str, int]]:
        """The ``limit`` most frequent words starting with ``prefix``, with their whole-index frequency."""
        lo = bisect.bisect_left(self.words, prefix)
        hi = bisect.bisect_left(self.words, prefix + "\U0010ffff", lo)
        if hi - lo <= limit:
            picked = range(lo, hi)
        else:
            part = self.doc_freq[lo:hi]
            picked = (lo + np.argpartition(-part, limit)[:limit]).tolist()
        return [(self.words[i], int(self.doc_freq[i])) for i in picked]


class Vocabulary:
    """The ``words`` field as one visibility set sees it."""

    def __init__(self, snapshot: Snapshot, levels: tuple[str, ...]):
        columns = snapshot.columns
        self.snapshot = snapshot
        self.reader = snapshot.searcher.reader()
        self.visible = columns.mask_for("visibility", list(levels)) & columns.live
        self._freq: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()

    @property
    def lexicon(self) -> Lexicon:
        # May be the previous generation's while this one's is read: it only
        # proposes candidates, whose frequencies come from this generation.
        return self.snapshot.derived("lexicon", lambda: Lexicon.read(self.reader, self.snapshot.store), stale_ok=True)

    def frequency(self, word: str, fieldname: str = WORDS) -> int:
        """How many visible documents contain ``word`` in ``fieldname`` (at most :data:`COMMON`)."""
        key = (fieldname, word)
        found = self._freq.get(key)
        if found is not None:
            return found
        count = 0
        try:
            ids = self.reader.postings(fieldname, word).all_ids()
            while count < COMMON:
                chunk = np.fromiter(islice(ids, _CHUNK), dtype=np.int64)
                if not chunk.size:
                    break
                count += int(np.count_nonzero(self.visible[chunk]))
        except (TermNotFound, KeyError, ValueError):
            pass
        count = min(count, COMMON)
        with self._lock:
            if len(self._freq) >= _CACHE_LIMIT:
                self._freq.clear()
            self._freq[key] = count
        return count

    def known(self, word: str, fields: tuple[str, ...] = (WORDS, "authors", "org_text")) -> int:
        """Visible documents with ``word`` in any of ``fields`` (at most the sum)."""
        return sum(self.frequency(word, name) for name in fields if name in self.reader.schema)

    def near(self, word: str, maxdist: int) -> list[tuple[str, int, int]]:
        """Visible words within ``maxdist`` edits of ``word``: (word, distance, visible frequency).

        Asks each segment separately: Whoosh's automaton-driven search is only
        implemented per segment, and the multi-segment fallback scans the
        whole lexicon in Python.
        """
        found: set[str] = set()
        for leaf, _offset in self.reader.leaf_readers():
            limits.check()
            if WORDS in leaf.schema:
                found.update(leaf.terms_within(WORDS, word, maxdist, prefix=1))
        found.discard(word)
        out = []
        for candidate in found:
            freq = self.frequency(candidate)
            if freq:
                out.append((candidate, damerau_levenshtein(word, candidate), freq))
        return out

    def completions(self, prefix: str, limit: int) -> list[tuple[str, int]]:
        """Visible words starting with ``prefix`` with their visible frequency, most frequent first."""
        scored = [
            (word, self.frequency(word), overall)
            for word, overall in self.lexicon.with_prefix(prefix, limit * 4)
            if word != prefix
        ]
        # Whole-index frequency orders only words that are common among visible documents.
        best = heapq.nsmallest(
            limit, (s for s in scored if s[1]), key=lambda s: (-s[1], -s[2] if s[1] >= COMMON else 0, s[0])
        )
        return [(word, freq) for word, freq, _ in best]


def vocabulary(snapshot: Snapshot, levels: tuple[str, ...]) -> Vocabulary:
    """The shared :class:`Vocabulary` of ``snapshot`` for this visibility set."""
    levels = tuple(sorted(set(levels)))
    return snapshot.derived(("vocabulary", levels), lambda: Vocabulary(snapshot, levels))
