"""The one cache the engine and the search features keep things in, and the memory they may use.

Every cache here answers the same two needs. A value is built once even when
several request threads ask for it at the same moment (*single flight*: the
first asker builds, the others wait for it and get its value, so a popular
posting list or facet mask is never read twice side by side). And a cache is
bounded, by a number of entries or by bytes, dropping the least recently used
entry first.

A thread waiting for another's build is not charged for the wait
(:func:`search.engine.budget.not_counted`): the builder's time is bounded by
its own budget, and at a worker's start many requests wait for the same
tables, none of which should be refused for a wait it did not cause.

A failed build is never cached: its exception goes to the thread that built,
and each thread that was waiting for it retries, one of them building again.
A failure may be the builder's own (its search ran past its deadline, see
:mod:`search.engine.budget`), so it must not become another request's answer.

The caches bounded by bytes share one :class:`MemoryBudget`: one total, in MB,
split among them by the named :data:`SHARES`. The default total,
:data:`DEFAULT_MEMORY_MB` (320 MB), keeps the sizes these caches had before
they shared a budget:

========  =====  ===========================================================
share     part   what it holds
========  =====  ===========================================================
terms     40 %   posting arrays of terms and phrases per segment, kept across
                 generations (:attr:`search.engine.reading.segments.SegmentStore.terms`)
scores    40 %   BM25 scores per term and segment for one generation (the scorer's)
masks     20 %   facet and visibility masks for one generation
                 (:class:`search.engine.reading.columns.Columns`)
========  =====  ===========================================================

Caches of small values (finished results, expansions, word frequencies,
related documents) are bounded by a number of entries instead, which says
more about them than bytes would.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from search.engine.budget import not_counted

V = TypeVar("V")
MB = 1024 * 1024
DEFAULT_MEMORY_MB = 320
SHARES: dict[str, float] = {"terms": 0.4, "scores": 0.4, "masks": 0.2}
"""How :class:`MemoryBudget` splits its total among the caches bounded by bytes (the module docstring)."""

_MISSING: Any = object()


@dataclass(frozen=True)
class MemoryBudget:
    """One total for all caches bounded by bytes, split by :data:`SHARES`."""

    memory_mb: int = DEFAULT_MEMORY_MB

    def bytes_for(self, share: str) -> int:
        """The bytes the cache named ``share`` may hold."""
        return int(self.memory_mb * MB * SHARES[share])


class _Flight:
    """One build under way: waiters block on ``done`` and then read ``value`` (or retry after a failure)."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = _MISSING
        self.builder = threading.get_ident()


class Cache(Generic[V]):
    """A thread-safe LRU cache with single-flight builds, bounded by entries and/or bytes.

    ``max_items`` bounds the number of entries and ``max_bytes`` their total
    ``size_of``; None means no bound of that kind (a cache bounded by what it
    is keyed by, such as one entry per segment, pruned with :meth:`keep_only`).
    A value larger than ``max_entry_bytes`` (default: ``max_bytes``) is
    returned but not kept: it would push out everything else.
    """

    def __init__(
        self,
        max_items: int | None = None,
        max_bytes: int | None = None,
        size_of: Callable[[V], int] | None = None,
        max_entry_bytes: int | None = None,
    ):
        if max_bytes is not None and size_of is None:
            raise ValueError("a cache bounded by bytes needs size_of")
        self.max_items = max_items
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_bytes if max_entry_bytes is None else max_entry_bytes
        self._size_of = size_of
        self._items: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._flights: dict[Hashable, _Flight] = {}
        self._bytes = 0
        self._lock = threading.Lock()
        self._unbounded = max_items is None and max_bytes is None

    def __len__(self) -> int:
        return len(self._items)

    def keys(self) -> list[Hashable]:
        """The keys held, least recently used first."""
        with self._lock:
            return list(self._items)

    @property
    def nbytes(self) -> int:
        """Total ``size_of`` of the entries held (0 for a cache not bounded by bytes)."""
        return self._bytes

    def get(self, key: Hashable, default: Any = None) -> V | Any:
        """The value held for ``key`` (now the most recently used), or ``default``."""
        if self._unbounded:  # no entry is evicted for space, so use order does not matter: no lock needed
            found = self._items.get(key)
            return default if found is None else found[0]
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return default
            self._items.move_to_end(key)
            return found[0]

    def put(self, key: Hashable, value: V) -> None:
        """Keep ``value`` unless ``key`` already has one (values are the same whoever built them)."""
        size = self._size_of(value) if self._size_of is not None else 0
        with self._lock:
            self._store(key, value, size)

    def get_or_build(self, key: Hashable, build: Callable[[], V]) -> V:
        """The value for ``key``, calling ``build()`` once however many threads ask at the same time."""
        while True:
            if self._unbounded:
                found = self._items.get(key)
                if found is not None:
                    return found[0]
            with self._lock:
                found = self._items.get(key)
                if found is not None:
                    self._items.move_to_end(key)
                    return found[0]
                flight = self._flights.get(key)
                if flight is None:
                    flight = self._flights[key] = _Flight()
                    building = True
                else:
                    building = False
            if building:
                return self._build(key, build, flight)
            if flight.builder == threading.get_ident():
                raise RuntimeError(f"building {key!r} asked for {key!r} again")
            with not_counted():  # the builder's work, bounded by its own budget: not charged twice
                flight.done.wait()
            if flight.value is not _MISSING:
                return flight.value
            # The build failed: not cached; try again (this thread may be the next builder).

    def keep_only(self, wanted: Callable[[Hashable], bool]) -> None:
        """Drop the entries whose key ``wanted`` rejects (those of segments a merge removed)."""
        with self._lock:
            for key in [k for k in self._items if not wanted(k)]:
                self._bytes -= self._items.pop(key)[1]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def _build(self, key: Hashable, build: Callable[[], V], flight: _Flight) -> V:
        try:
            value = build()
            size = self._size_of(value) if self._size_of is not None else 0
        except BaseException:
            with self._lock:
                del self._flights[key]
            flight.done.set()
            raise
        with self._lock:
            self._store(key, value, size)
            del self._flights[key]
        flight.value = value
        flight.done.set()
        return value

    def _store(self, key: Hashable, value: V, size: int) -> None:
        """Keep ``value`` and evict down to the bounds; the caller holds the lock."""
        if key in self._items or self.max_items == 0:
            return
        if self.max_bytes is not None and size > self.max_entry_bytes:
            return
        self._items[key] = (value, size)
        self._bytes += size
        while (self.max_items is not None and len(self._items) > self.max_items) or (
            self.max_bytes is not None and self._bytes > self.max_bytes
        ):
            self._bytes -= self._items.popitem(last=False)[1][1]
