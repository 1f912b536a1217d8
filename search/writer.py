"""The one index writer.

Whoosh allows a single writer per index and raises ``LockError`` at a second
one. Every write in the service (command line, uploads, edits, rebuilds) goes
through :func:`write_lock`, which serialises writers across threads (a lock)
and processes (``flock`` on a file), so a second writer waits its turn instead
of failing. Readers never take this lock.

The lock also covers the caller's catalog transaction, so the catalog and the
index change together and a rebuild sees a catalog no one is half-way through
changing.
"""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh.writing import IndexWriter

from search.index import open_index
from search.merging import MergePolicy
from search.segment_writer import FastSegmentWriter

_thread_lock = threading.RLock()
_held = threading.local()


@contextmanager
def write_lock(base: Path) -> Iterator[None]:
    """Hold the exclusive right to write the index under ``base``.

    Re-entrant within a thread, so a rebuild can call code that writes.
    """
    with _thread_lock:
        depth = getattr(_held, "depth", 0)
        if depth:
            _held.depth = depth + 1
            try:
                yield
            finally:
                _held.depth -= 1
            return
        base.mkdir(parents=True, exist_ok=True)
        with open(base / "WRITE.lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # waits for another process
            _held.depth = 1
            try:
                yield
            finally:
                _held.depth = 0
                fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def index_writer(base: Path, merge: MergePolicy | None = None, **options: object) -> Iterator[IndexWriter]:
    """A Whoosh writer on the live index; commits on success (merging by ``merge``), cancels on error.

    Must be used inside :func:`write_lock`; Whoosh's own lock is then always
    free, but a ``timeout`` still guards against a crashed process's leftovers.
    The writer analyses text with :mod:`search.fastterms` (the same postings,
    several times faster).
    """
    ix = open_index(base)
    options.setdefault("limitmb", 512)
    writer = FastSegmentWriter(ix, timeout=30.0, delay=0.1, **options)
    try:
        yield writer
    except BaseException:
        writer.cancel()
        raise
    else:
        writer.commit(mergetype=merge)
