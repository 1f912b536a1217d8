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

import heapq

from rapidfuzz.distance import OSA

from search import limits
from search.engine.cache import Cache
from search.engine.format.postings import count_in
from search.engine.reading.lexicon import Lexicon
from search.engine.reading.searcher import Snapshot

WORDS = "words"
COMMON = 500
"""Visible documents after which counting a word stops."""
_REMEMBERED = 100_000  # frequencies per generation and visibility set (least recently used forgotten first)


class Vocabulary:
    """The ``words`` field as one visibility set sees it."""

    def __init__(self, snapshot: Snapshot, levels: tuple[str, ...]):
        columns = snapshot.columns
        self.snapshot = snapshot
        self.reader = snapshot.searcher.reader()
        self.visible = columns.mask_for("visibility", list(levels)) & columns.live
        self._freq: Cache[int] = Cache(max_items=_REMEMBERED)

    @property
    def lexicon(self) -> Lexicon:
        """The completion lexicon: the engine's lexicon of the ``words`` field, shared with fuzzy search.

        May be the previous generation's while this one's is read: it only
        proposes candidates, whose frequencies come from this generation.
        """
        store = self.snapshot.store
        return self.snapshot.derived("lexicon", lambda: store.lexicon(self.reader, WORDS), stale_ok=True)

    def frequency(self, word: str, fieldname: str = WORDS) -> int:
        """How many visible documents contain ``word`` in ``fieldname`` (at most :data:`COMMON`)."""
        return self._freq.get_or_build(
            (fieldname, word), lambda: count_in(self.reader, fieldname, word, self.visible, COMMON)
        )

    def known(self, word: str, fields: tuple[str, ...] = (WORDS, "authors", "org_text")) -> int:
        """Visible documents with ``word`` in any of ``fields`` (at most the sum)."""
        return sum(self.frequency(word, name) for name in fields if name in self.reader.schema)

    def near(self, word: str, maxdist: int) -> list[tuple[str, int, int]]:
        """Visible words within ``maxdist`` edits of ``word`` with the same first letter:
        (word, distance, visible frequency), in lexicon order.

        Candidates come from this generation's lexicon (not a stale one: a word
        added by the last commit may be the correction), with the engine's one
        edit distance (:mod:`search.engine.reading.lexicon` says why Levenshtein).
        The distance returned, which orders suggestions, counts two swapped
        letters as one edit ("bacterai" is nearer "bacteria" than "bacterial"),
        as a person's typing slip is: it ranks what the one rule found.
        """
        if WORDS not in self.reader.schema:
            return []
        lexicon = self.snapshot.store.lexicon(self.reader, WORDS)
        limits.check()
        out = []
        for _levenshtein, index in lexicon.within(word, maxdist, prefix=1):
            candidate = lexicon.words[index]
            freq = self.frequency(candidate) if candidate != word else 0
            if freq:
                out.append((candidate, OSA.distance(word, candidate), freq))
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
