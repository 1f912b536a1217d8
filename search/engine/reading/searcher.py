"""One shared, self-refreshing searcher per index folder.

Opening a Whoosh searcher reads every segment's metadata and building facet
columns walks the posting lists, so both are done once per index generation
and shared by all request threads. Before each use the pool checks (cheaply)
whether a writer committed or a rebuild swapped in a new generation, and opens
a fresh searcher if so. The old one is left to the garbage collector rather
than closed, because another thread may still be reading from it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.searching import Searcher

from search.engine.cache import DEFAULT_MEMORY_MB, Cache, MemoryBudget
from search.engine.reading.columns import Columns, warmed_columns
from search.engine.reading.derived import DerivedTables, T
from search.engine.reading.index import current_dir, open_index
from search.engine.reading.segments import SegmentStore, segment_key
from search.engine.reading.sortkeys import SortKeys
from search.engine.scoring.evaluator import Scorer

RESULT_CACHE = 256
"""Finished results kept per generation by default (0 turns the cache off, as the speed bench does)."""


@dataclass
class Snapshot:
    """A searcher plus everything derived from the same index generation."""

    searcher: Searcher
    folder: Path
    generation: int
    results: Cache = field(default_factory=lambda: Cache(max_items=RESULT_CACHE))
    """Finished results by request (LRU, bounded by count)."""
    tables: DerivedTables = field(default_factory=DerivedTables)
    store: SegmentStore = field(default_factory=SegmentStore)  # shared with the next generation

    @property
    def columns(self) -> Columns:
        """Exact-value columns (facets, visibility) and the live documents of this generation."""
        return self.derived(
            "columns", lambda: Columns(self.searcher.reader(), self.store, self.store.budget.bytes_for("masks"))
        )

    @property
    def scorer(self) -> Scorer:
        """Array scoring for this generation (its term cache lives and dies with it)."""
        return self.derived("scorer", lambda: Scorer(self.searcher, store=self.store))

    @property
    def sort_keys(self) -> SortKeys:
        return self.derived("sort_keys", lambda: SortKeys(self.searcher.reader(), store=self.store))

    def warm(self) -> None:
        """Build the per-generation columns now rather than in the first request."""
        self.columns.read(warmed_columns())
        _ = self.scorer, self.sort_keys

    def derived(self, key: object, build: Callable[[], T], stale_ok: bool = False) -> T:
        """``build()``, computed once per generation and ``key`` and shared by all threads.

        For per-generation tables other modules need (vocabularies, title
        lists). With ``stale_ok`` the previous generation's value may be served
        while this one's is built: see :mod:`search.engine.reading.derived`.
        """
        return self.tables.get(key, build, stale_ok)


class SearcherPool:
    """Hands out the freshest :class:`Snapshot` of the index under ``base``.

    ``memory_mb`` is the one budget of the caches bounded by bytes (split as
    :mod:`search.engine.cache` documents; None: its default, as when
    ``SKH_CACHE_MB`` is not set); ``result_cache`` is how many finished
    results each generation keeps (0: none).
    """

    def __init__(
        self, base: Path, *, memory_mb: int | None = DEFAULT_MEMORY_MB, result_cache: int = RESULT_CACHE
    ) -> None:
        self.base = Path(base)
        self.budget = MemoryBudget(DEFAULT_MEMORY_MB if memory_mb is None else memory_mb)
        self.result_cache = result_cache
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()

    def get(self) -> Snapshot:
        snap = self._snapshot
        if snap is not None and self._is_fresh(snap):
            return snap
        with self._lock:
            snap = self._snapshot
            if snap is None or not self._is_fresh(snap):
                ix = open_index(self.base)
                searcher = ix.searcher()
                tables = snap.tables.next_generation() if snap is not None else DerivedTables()
                store = snap.store if snap is not None else SegmentStore(self.budget)
                store.keep_only({segment_key(leaf) for leaf, _ in searcher.reader().leaf_readers()})
                generation = searcher.reader().generation()
                results = Cache(max_items=self.result_cache)
                snap = Snapshot(searcher, Path(ix.storage.folder), generation, results, tables, store)
                self._snapshot = snap
            return snap

    def _is_fresh(self, snap: Snapshot) -> bool:
        if current_dir(self.base) != snap.folder:
            return False
        try:
            return snap.searcher.up_to_date()
        except Exception:  # noqa: BLE001 - a vanished folder means: reopen
            return False
