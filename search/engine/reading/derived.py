"""Tables computed once per index generation and shared by all request threads.

Some tables only *propose* candidates that are then checked against the live
generation: the lexicon proposes words whose visible counts are then read from
the current postings, the title index proposes titles whose visibility the
catalog then confirms. A value built for an earlier generation is still safe
to serve for those, so when building one took long (a large collection) the
earlier value is served while a background thread builds the new one, and a
keystroke right after an upload does not wait seconds. Quick builds (small
collections, the test suite) simply happen in the request that needs them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from search.engine.cache import Cache

T = TypeVar("T")
_MISSING: Any = object()
SYNC_SECONDS = 0.1
"""A stale-allowed table whose last build took less than this is rebuilt in the request."""

log = logging.getLogger(__name__)


class DerivedTables:
    """Values by key for one generation, plus those carried over from the previous one.

    Each value is built once however many threads ask (a :class:`~search.engine.cache.Cache`
    without bounds: one entry per kind of table).
    """

    def __init__(self, carried: dict[object, tuple[Any, float]] | None = None):
        self._values: Cache[Any] = Cache()
        self._seconds: dict[object, float] = {}
        self._carried = carried or {}  # key -> (value, build seconds), stale-allowed keys only
        self._stale_ok: set[object] = set(self._carried)
        self._threads: dict[object, threading.Thread] = {}
        self._guard = threading.Lock()

    def get(self, key: object, build: Callable[[], T], stale_ok: bool = False) -> T:
        """``build()`` for this generation, built once; see the module docstring for ``stale_ok``."""
        found = self._values.get(key, _MISSING)
        if found is not _MISSING:
            return found
        if stale_ok:
            self._stale_ok.add(key)
            old = self._carried.get(key)
            if old is not None and old[1] >= SYNC_SECONDS:
                self._build_in_background(key, build)
                return old[0]
        return self._values.get_or_build(key, lambda: self._timed(key, build))

    def next_generation(self) -> DerivedTables:
        """Tables for the next generation, starting from this one's stale-allowed values."""
        with self._guard:
            carried = {k: v for k, v in self._carried.items() if k in self._stale_ok}
            for key in self._stale_ok:
                value = self._values.get(key, _MISSING)
                if value is not _MISSING and key in self._seconds:
                    carried[key] = (value, self._seconds[key])
        return DerivedTables(carried)

    def join(self, timeout: float | None = None) -> None:
        """Wait for background builds (tests and benchmarks)."""
        for thread in list(self._threads.values()):
            thread.join(timeout)

    def _timed(self, key: object, build: Callable[[], T]) -> T:
        start = time.perf_counter()
        value = build()
        self._seconds[key] = time.perf_counter() - start
        return value

    def _build_in_background(self, key: object, build: Callable[[], Any]) -> None:
        with self._guard:
            if key in self._threads:
                return
            thread = threading.Thread(target=self._background, args=(key, build), name=f"derive-{key}", daemon=True)
            self._threads[key] = thread
        thread.start()

    def _background(self, key: object, build: Callable[[], Any]) -> None:
        try:
            self._values.get_or_build(key, lambda: self._timed(key, build))
        except Exception:  # noqa: BLE001 - the old table keeps serving; the next request retries
            log.exception("building %r failed", key)
            with self._guard:
                self._threads.pop(key, None)
