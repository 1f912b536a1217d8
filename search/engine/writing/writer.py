"""The one index writer.

Whoosh allows a single writer per index and raises ``LockError`` at a second
one. Every write in the service (command line, uploads, edits, rebuilds) goes
through :func:`write_lock`, which serialises writers across threads (a lock)
and processes (``flock`` on a file), so a second writer waits its turn instead
of failing. Readers never take this lock. A web request waits only so long
(``timeout``; :class:`WriterBusy` then) and a command can say that it waits
(``waiting``); a rebuild holds the lock only to swap (:mod:`ingest.rebuild`).

The lock also covers the caller's catalog transaction, so the catalog and the
index change together.
"""

from __future__ import annotations

import fcntl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh.writing import IndexWriter

from search.engine import guard
from search.engine.reading.index import open_index
from search.engine.writing.merging import MergePolicy
from search.engine.writing.segment_writer import FastSegmentWriter

_thread_lock = threading.RLock()
_held = threading.local()

POLL_SECONDS = 0.05
"""How often a bounded wait tries the lock again (``flock`` itself cannot wait with a timeout)."""


class WriterBusy(TimeoutError):
    """Another writer held the index for longer than the caller was willing to wait; nothing was written."""

    def __init__(self, waited: float):
        super().__init__(f"another writer held the index for more than {waited:g} s")
        self.waited = waited


WaitNotice = Callable[[float | None], None]
"""Hears ``None`` when a writer of this process starts waiting for another one, then the seconds it waited."""

_wait_notice: WaitNotice | None = None


def announce_waits(notice: WaitNotice | None) -> None:
    """Have every wait of this process for another writer reported to ``notice`` (a command says so, and how
    long it waited); None stops it."""
    global _wait_notice
    _wait_notice = notice


class _Wait:
    """Whether, and since when, one :func:`write_lock` call has been waiting."""

    def __init__(self, waiting: Callable[[], None] | None):
        self.waiting = waiting
        self.since: float | None = None

    def blocked(self) -> None:
        if self.since is not None:
            return
        self.since = time.monotonic()
        if self.waiting is not None:
            self.waiting()
        if _wait_notice is not None:
            _wait_notice(None)

    def ended(self) -> None:
        if self.since is not None and _wait_notice is not None:
            _wait_notice(time.monotonic() - self.since)


def _take_flock(handle, timeout: float | None, deadline: float | None, wait: _Wait) -> None:
    """``flock`` the file, telling ``wait`` if another process has it; WriterBusy after ``deadline``."""
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    wait.blocked()
    if deadline is None:
        fcntl.flock(handle, fcntl.LOCK_EX)  # waits for another process
        return
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            left = deadline - time.monotonic()
            if left <= 0:
                raise WriterBusy(timeout or 0) from None
            time.sleep(min(POLL_SECONDS, left))


@contextmanager
def write_lock(base: Path, timeout: float | None = None, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the exclusive right to write the index under ``base``.

    Re-entrant within a thread, so a rebuild can call code that writes.
    Without ``timeout`` it waits as long as another writer needs; with one it
    raises :class:`WriterBusy` after that many seconds, having written nothing
    (a person waiting on a web page is told instead of left hanging).
    ``waiting`` is called once if the lock is not free at once, so a command
    can say what it waits for (and :func:`announce_waits` hears every wait).
    """
    deadline = None if timeout is None else time.monotonic() + max(0.0, timeout)
    wait = _Wait(waiting)
    if not _thread_lock.acquire(blocking=False):
        wait.blocked()
        if not _thread_lock.acquire(timeout=-1 if deadline is None else max(0.0, deadline - time.monotonic())):
            raise WriterBusy(timeout or 0)
    try:
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
            _take_flock(handle, timeout, deadline, wait)
            wait.ended()
            _held.depth = 1
            try:
                yield
            finally:
                _held.depth = 0
                fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        _thread_lock.release()


@contextmanager
def index_writer(base: Path, merge: MergePolicy | None = None, **options: object) -> Iterator[IndexWriter]:
    """A Whoosh writer on the live index; commits on success (merging by ``merge``), cancels on error.

    Must be used inside :func:`write_lock`; Whoosh's own lock is then always
    free, but a ``timeout`` still guards against a crashed process's leftovers.
    The writer analyses text with :mod:`search.engine.writing.fastterms` (the same postings,
    several times faster). Refused with :class:`search.engine.guard.UntestedWhoosh`, before anything is
    touched, when the installed Whoosh is not the tested one.
    """
    guard.refuse_untested_writes()
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
