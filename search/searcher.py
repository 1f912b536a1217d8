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

from search.derived import DerivedTables, T
from search.facets import FacetColumns
from search.index import current_dir, open_index


@dataclass
class Snapshot:
    """A searcher plus everything derived from the same index generation."""

    searcher: Searcher
    folder: Path
    generation: int
    _columns: FacetColumns | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    tables: DerivedTables = field(default_factory=DerivedTables)

    @property
    def columns(self) -> FacetColumns:
        if self._columns is None:
            with self._lock:
                if self._columns is None:
                    self._columns = FacetColumns(self.searcher.reader())
        return self._columns

    def derived(self, key: object, build: Callable[[], T], stale_ok: bool = False) -> T:
        """``build()``, computed once per generation and ``key`` and shared by all threads.

        For per-generation tables other modules need (vocabularies, title
        lists). With ``stale_ok`` the previous generation's value may be served
        while this one's is built: see :mod:`search.derived`.
        """
        return self.tables.get(key, build, stale_ok)


class SearcherPool:
    """Hands out the freshest :class:`Snapshot` of the index under ``base``."""

    def __init__(self, base: Path):
        self.base = Path(base)
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
                snap = Snapshot(searcher, Path(ix.storage.folder), searcher.reader().generation(), tables=tables)
                self._snapshot = snap
            return snap

    def _is_fresh(self, snap: Snapshot) -> bool:
        if current_dir(self.base) != snap.folder:
            return False
        try:
            return snap.searcher.up_to_date()
        except Exception:  # noqa: BLE001 - a vanished folder means: reopen
            return False
