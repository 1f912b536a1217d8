"""Titles that complete what a person is typing, among the documents they may see.

Every title word is paired with its title's number and the pairs are sorted by
word, so all titles having a word that starts with a typed prefix are one
contiguous slice of an array: a keystroke costs two binary searches and a few
numpy operations per typed word, whatever the size of the collection.

The titles come from whoever holds them (the catalog); this module only
indexes the records it is given, so it knows nothing about where they live.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from search.analysis import TOKEN_PATTERN

_TOKEN = re.compile(TOKEN_PATTERN)
_SCAN = 2000  # matched titles ranked in full; beyond this the shortest are ranked


@dataclass(frozen=True)
class TitleEntry:
    id: str
    title: str
    visibility: str


def title_words(text: str) -> list[str]:
    """Lowercased words as the title index sees them (no stemming, no stop words removed)."""
    return [w.lower() for w in _TOKEN.findall(text)]


class TitleIndex:
    """A prefix index over titles, filtered by visibility at query time."""

    def __init__(self, entries: Iterable[TitleEntry]):
        self.entries: list[TitleEntry] = []
        level_codes: dict[str, int] = {}
        levels, pairs = [], []
        for entry in entries:
            n = len(self.entries)
            self.entries.append(entry)
            levels.append(level_codes.setdefault(entry.visibility, len(level_codes)))
            pairs.extend((word, n) for word in set(title_words(entry.title)))
        pairs.sort()
        self.level_codes = level_codes
        self.levels = np.asarray(levels, dtype=np.int16)
        self.words = [w for w, _ in pairs]
        self.title_of = np.asarray([n for _, n in pairs], dtype=np.int64)
        self.normalised = [" ".join(title_words(e.title)) for e in self.entries]
        self.lengths = np.asarray([len(e.title) for e in self.entries], dtype=np.int64)

    def __len__(self) -> int:
        return len(self.entries)

    def _having_prefix(self, prefix: str) -> np.ndarray:
        lo = bisect.bisect_left(self.words, prefix)
        hi = bisect.bisect_left(self.words, prefix + "\U0010ffff", lo)
        return self.title_of[lo:hi]

    def complete(self, text: str, levels: tuple[str, ...], limit: int = 5) -> list[TitleEntry]:
        """Visible titles having, for every typed word, a word that starts with it.

        Titles that start with the typed text come first, then shorter ones.
        """
        typed = title_words(text)
        if not typed or not self.entries:
            return []
        codes = [self.level_codes[name] for name in levels if name in self.level_codes]
        matched = np.isin(self.levels, codes)
        # Most specific word first: its slice is usually the smallest.
        for word in sorted(set(typed), key=len, reverse=True):
            hits = np.zeros(len(self.entries), dtype=bool)
            hits[self._having_prefix(word)] = True
            matched &= hits
            if not matched.any():
                return []
        found = np.flatnonzero(matched)
        if found.size > _SCAN:
            found = found[np.argpartition(self.lengths[found], _SCAN)[:_SCAN]]
        start = " ".join(typed)
        ranked = sorted(
            found.tolist(),
            key=lambda n: (not self.normalised[n].startswith(start), self.lengths[n], n),
        )
        return [self.entries[n] for n in ranked[:limit]]
