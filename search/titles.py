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
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from search.analysis import TOKEN_PATTERN

if TYPE_CHECKING:
    from search.engine.reading.searcher import Snapshot

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
        # Columns, not an object per title, and each word numbered as it is met: at 100,000 titles the
        # index held 100 MB of a worker's memory when it kept every title's word list on the way.
        self._ids: list[str] = []
        self._titles: list[str] = []
        self.level_codes: dict[str, int] = {}
        levels, lengths, counts = array("h"), array("q"), array("i")
        numbers: dict[str, int] = {}  # word -> its number, in the order words are first met
        pairs = array("i")  # the number of each title's words, title after title
        find, number = _TOKEN.findall, numbers.setdefault
        for entry in entries:
            self._ids.append(entry.id)
            self._titles.append(entry.title)
            levels.append(self.level_codes.setdefault(entry.visibility, len(self.level_codes)))
            lengths.append(len(entry.title))
            words = find(entry.title.lower())
            counts.append(len(words))
            pairs.extend([number(word, len(numbers)) for word in words])
        self._level_names = list(self.level_codes)
        self.levels = np.frombuffer(levels, dtype=np.int16) if levels else np.zeros(0, np.int16)
        self.lengths = np.frombuffer(lengths, dtype=np.int64) if lengths else np.zeros(0, np.int64)
        # (word, title) pairs sorted by word: all titles with a word starting with a prefix are one slice.
        # A title with a repeated word just appears twice in a slice, which is harmless.
        self.words = sorted(numbers)
        rank = {word: n for n, word in enumerate(self.words)}
        rank_of = np.fromiter(map(rank.__getitem__, numbers), dtype=np.int32, count=len(numbers))
        ranks = rank_of[np.frombuffer(pairs, dtype=np.int32)] if pairs else np.zeros(0, np.int32)
        per_title = np.frombuffer(counts, dtype=np.int32) if counts else np.zeros(0, np.int32)
        # The rank of each title's first word, to put titles that start with the typed word first.
        firsts = np.minimum(np.cumsum(per_title) - per_title, len(ranks) - 1)  # clipped: a last title of no words
        self.first_rank = np.where(per_title > 0, ranks[firsts], -1) if len(ranks) else np.full(len(per_title), -1)
        titles = np.repeat(np.arange(len(self._ids), dtype=np.int32), per_title)
        order = np.argsort(ranks, kind="stable")
        self.pair_ranks = ranks[order]
        self.title_of = titles[order]
        self._masks: dict[tuple[str, ...], np.ndarray] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def entry(self, number: int) -> TitleEntry:
        return TitleEntry(self._ids[number], self._titles[number], self._level_names[self.levels[number]])

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
        if not typed or not len(self):
            return []
        matched = self._visible(tuple(levels)).copy()
        for word in set(typed):
            lo, hi = self._rank_range(word)
            start, stop = np.searchsorted(self.pair_ranks, [lo, hi])
            hits = np.zeros(len(self), dtype=bool)
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
        return [self.entry(n) for n in found[np.lexsort((found, score))]]


TitleRow = tuple[str, str, str]
"""A title's document id, title and visibility, as whoever holds the titles gives them."""


def shared_title_index(snapshot: Snapshot, rows: Callable[[], Iterable[TitleRow]]) -> TitleIndex:
    """The title index of ``rows()``, built once per index generation and shared by all threads.

    ``rows`` is called only when a generation needs a new index. The caller keeps the titles in step
    with the index (the catalog and the index change together). On a large collection the previous
    generation's index answers while the new one is built (:mod:`search.engine.reading.derived`), so a
    caller must check a completed title against its own records before showing it.
    """
    return snapshot.derived("titles", lambda: TitleIndex(TitleEntry(*row) for row in rows()), stale_ok=True)
