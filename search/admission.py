"""Admission for expensive searches: a few at a time per index, across every worker process.

A prefix, wildcard, fuzzy or range term stands for up to hundreds of index
words, each a posting list to read and score; a handful of such searches at
once would take every core and every interpreter lock, and ordinary searches
would queue behind them (the hostile-query bench, ``bench/hostile_bench.py``).
Capping each query (:mod:`search.limits`) bounds one search; this bounds how
many run together. The slots are ``flock`` locks on small files beside the
index generations, so they hold between threads (each takes its own open file)
and between the processes of ``skh serve --workers N``, and a crashed process
lets go of its slot with its file descriptors.
"""

from __future__ import annotations

import fcntl
import os
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from search import limits

_POLL_S = 0.01


@contextmanager
def expensive_slot(folder: Path) -> Iterator[None]:
    """Hold one of :attr:`search.limits.Limits.expensive_slots` slots under ``folder``.

    Waits at most :attr:`~search.limits.Limits.expensive_wait_ms` (and never past the search's own budget),
    then raises :class:`search.limits.SearchBusy`. With no slots configured (0) every search is admitted.
    """
    slots = limits.LIMITS.expensive_slots
    if slots <= 0:
        yield
        return
    wait_ms = limits.LIMITS.expensive_wait_ms
    left = limits.remaining_ms()
    if left is not None:
        wait_ms = min(wait_ms, left)
    give_up = time.monotonic() + wait_ms / 1000
    # Threads of this process queue on a semaphore (no polling, no CPU while they wait); only the few that
    # pass it poll the file locks that other processes hold.
    if not _local_slots(slots).acquire(timeout=wait_ms / 1000):
        raise limits.SearchBusy(wait_ms)
    handles = [_open(folder / f"EXPENSIVE.{n}.lock") for n in range(slots)]
    try:
        held = _take_a_slot(handles, give_up, wait_ms)
        started = time.monotonic()
        try:
            yield
        finally:
            _rest(held, (time.monotonic() - started) * limits.LIMITS.expensive_rest)
    finally:
        for handle in handles:
            os.close(handle)  # closing the descriptor also releases its lock
        _local_slots(slots).release()


def _take_a_slot(handles: list[int], give_up: float, wait_ms: int) -> int:
    """Lock a free slot's file and wait out its rest, or raise :class:`~search.limits.SearchBusy` at ``give_up``."""
    while True:
        for handle in handles:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            resting = _rest_until(handle) - time.time()
            if resting <= 0:
                return handle
            if time.monotonic() + resting < give_up:
                time.sleep(resting)
                return handle
            fcntl.flock(handle, fcntl.LOCK_UN)
        if time.monotonic() >= give_up:
            raise limits.SearchBusy(wait_ms)
        time.sleep(_POLL_S)


_REST = struct.Struct("<d")


def _rest_until(handle: int) -> float:
    """When the slot's rest after its last search ends (wall-clock seconds, shared by processes)."""
    data = os.pread(handle, _REST.size, 0)
    return _REST.unpack(data)[0] if len(data) == _REST.size else 0.0


def _rest(handle: int, seconds: float) -> None:
    """After an expensive search a slot rests in proportion to what it spent (the duty cycle
    :attr:`~search.limits.Limits.expensive_rest` sets), so expensive searches, however many are sent,
    take at most part of the machine's time and ordinary ones keep the rest."""
    if seconds > 0:
        os.pwrite(handle, _REST.pack(time.time() + seconds), 0)


_semaphores: dict[int, threading.BoundedSemaphore] = {}
_semaphores_lock = threading.Lock()


def _local_slots(slots: int) -> threading.BoundedSemaphore:
    with _semaphores_lock:
        if slots not in _semaphores:
            _semaphores[slots] = threading.BoundedSemaphore(slots)
        return _semaphores[slots]


def _open(path: Path) -> int:
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
