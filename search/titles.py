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
from itertools import chain

import numpy as np

from search.analysis import TOKEN_PATTERN

_TOKEN = re.compile(TOKEN_PATTERN)


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
        self.entries = list(entries)
        tokens = [_TOKEN.findall(e.title.lower()) for e in self.entries]
        # (word, title) pairs sorted by word, built with C-level loops: a title
        # with a repeated word just appears twice in a slice, which is harmless.
        flat = list(chain.from_iterable(tokens))
        self.words = sorted(dict.fromkeys(flat))
        rank = {word: n for n, word in enumerate(self.words)}
        ranks = np.fromiter(map(rank.__getitem__, flat), dtype=np.int64, count=len(flat))
        # The rank of each title's first word, to put titles that start with the typed word first.
        self.first_rank = np.asarray([rank[words[0]] if words else -1 for words in tokens], dtype=np.int64)
        titles = np.repeat(np.arange(len(self.entries), dtype=np.int64), [len(words) for words in tokens])
        order = np.argsort(ranks, kind="stable")
        self.pair_ranks = ranks[order]
        self.title_of = titles[order]
        self.level_codes: dict[str, int] = {}
        self.levels = np.asarray(
            [self.level_codes.setdefault(e.visibility, len(self.level_codes)) for e in self.entries], dtype=np.int16
        )
        self.lengths = np.asarray([len(e.title) for e in self.entries], dtype=np.int64)
        self._masks: dict[tuple[str, ...], np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def _rank_range(self, prefix: str) -> tuple[int, int]:
        """Ranks (positions in ``words``) of the words starting with ``prefix``."""
        lo = bisect.bisect_left(self.words, prefix)
        return lo, bisect.bisect_left(self.words, prefix + "\U0010ffff", lo)

    def _visible(self, levels: tuple[str, ...]) -> np.ndarray:
        mask = self._masks.get(levels)
        if mask is None:
            codes = [self.level_codes[name] for name in levels if name in self.level_codes]
            mask = self._masks[levels] = np.isin(self.levels, codes)
        return mask

    def complete(self, text: str, levels: tuple[str, ...], limit: int = 5) -> list[TitleEntry]:
        """Visible titles having, for every typed word, a word that starts with it.

        Titles whose first word starts with the first typed word come first,
        then shorter titles before longer ones.
        """
        typed = title_words(text)
        if not typed or not self.entries:
            return []
        matched = self._visible(tuple(levels)).copy()
        for word in set(typed):
            lo, hi = self._rank_range(word)
            start, stop = np.searchsorted(self.pair_ranks, [lo, hi])
            hits = np.zeros(len(self.entries), dtype=bool)
            hits[self.title_of[start:stop]] = True
            matched &= hits
        found = np.flatnonzero(matched)
        if not found.size:
            return []
        lo, hi = self._rank_range(typed[0])
        first = self.first_rank[found]
        starts = (first >= lo) & (first < hi)
        # One sortable number: not-starting titles after all starting ones, then by length.
        score = (~starts).astype(np.int64) * (int(self.lengths.max()) + 1) + self.lengths[found]
        if found.size > limit:
            keep = np.argpartition(score, limit)[:limit]
            found, score = found[keep], score[keep]
        return [self.entries[n] for n in found[np.lexsort((found, score))]]
