"""Parsing each file in a child process, under a time limit and a memory limit.

One malicious or broken file must not hang or crash a batch. PDFium and lxml
are C code (a crash there kills the process), pure-Python parsers can loop or
balloon on crafted input, and only a process can be stopped from outside. So
:func:`ingest.extract.extract` runs in a pool of child processes
(pebble's :class:`~pebble.ProcessPool`, which, unlike
``concurrent.futures``, kills and replaces just the one worker whose task ran
over its time, and reports a worker that died with its exit code):

* time: each task has a wall-clock timeout, counted from when a worker starts it;
* memory: each worker caps its address space (``RLIMIT_AS``) at what it
  started with plus ``memory_mb``, so an allocation past it fails inside the
  child (a ``MemoryError``, or a crash of the C code), never in the batch;
* everything else a parser may raise becomes an :class:`IngestError` with the
  exception's name, so no traceback reaches a person.

The pool forks from a parent that has already imported the parsers and loaded
the language model, so a worker (and its replacement after a timeout) starts
in milliseconds and shares those pages. Measured with ``bench/ingest_bench.py``
on 1,088 files (2 cores, noisy): in-process parsing 3.57 ms/file, the pool with
one worker 3.66 ms/file (+0.09), a fresh process per file 80.7 ms/file (+77):
the pool makes the limits nearly free, a process per file would not.
"""

from __future__ import annotations

import faulthandler
import multiprocessing
import os
import resource
import signal
import time
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field

from pebble import ProcessExpired, ProcessPool

from ingest.areas import AreaClassifier, assign_areas
from ingest.extract import IngestError, extract
from ingest.limits import MB, Limits
from ingest.model import Document
from ingest.near_duplicates import fingerprint
from ingest.reasons import reason

MAX_TASKS_PER_WORKER = 500
"""A worker is replaced after this many files, so a slow leak in a C library cannot grow."""

_memory_mb = 0  # the child's own limit, for its messages
_classifier: AreaClassifier | None = None  # the pool's, inherited at fork


@dataclass
class Extracted:
    """What a child sends back for one file."""

    doc: Document
    notes: list[str]
    times: dict[str, float] | None
    areas_assigned: bool = False
    """The child also assigned strength areas (the pool was given a classifier)."""
    facts: dict[str, object] = field(default_factory=dict)
    """What a reviewer is shown but the catalog does not keep (:func:`ingest.extract.extract`'s ``facts``)."""
    signature: bytes = b""
    """The text's MinHash signature (:mod:`ingest.near_duplicates`): made here, off the one parent."""


def _address_space() -> int:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit_child(memory_mb: int, classifier: AreaClassifier | None = None) -> None:
    """Worker initializer: cap the address space, no core dumps or crash dumps, ignore Ctrl-C.

    A crash is the parent's to report (as the file's reason), so the child
    writes no dump of its own; Ctrl-C is the parent's to handle.
    """
    global _memory_mb, _classifier
    _memory_mb, _classifier = memory_mb, classifier
    limit = _address_space() + memory_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    faulthandler.disable()


def _extract_in_child(data: bytes, filename: str, source: str, explicit: dict[str, object], timed: bool) -> Extracted:
    notes: list[str] = []
    times: dict[str, float] | None = {} if timed else None
    facts: dict[str, object] = {}
    try:
        doc = extract(data, filename, source, explicit, notes=notes, times=times, facts=facts)
    except IngestError:
        raise
    except MemoryError:
        raise IngestError(reason("memory", mb=_memory_mb)) from None
    except RecursionError:
        raise IngestError(reason("nested")) from None
    except Exception as exc:  # noqa: BLE001 - a parser bug on odd input is that file's failure only
        error = f"{exc.__class__.__name__}: {str(exc)[:160]}"
        raise IngestError(reason("parser_failed", error=error)) from None
    started = time.perf_counter()
    signature = fingerprint(doc.body).to_bytes()
    if times is not None:
        times["fingerprint"] = time.perf_counter() - started
    if _classifier is None:
        return Extracted(doc, notes, times, facts=facts, signature=signature)
    started = time.perf_counter()
    assign_areas(doc, _classifier)
    if times is not None:
        times["areas"] = times.get("areas", 0.0) + time.perf_counter() - started
    return Extracted(doc, notes, times, areas_assigned=True, facts=facts, signature=signature)


def _warm_up() -> None:
    """Import every parser, load the language model and draw the MinHash permutations once, before forking."""
    from ingest.detect import FORMATS
    from ingest.language import detect_language
    from ingest.parsers import get_parser

    for fmt in FORMATS:
        get_parser(fmt)
    detect_language("The language model is loaded once in the parent, then shared by every worker.")
    fingerprint("so are the MinHash permutations")


def _signal_name(code: int) -> str:
    try:
        return signal.Signals(-code).name
    except ValueError:
        return f"signal {-code}"


class ParserPool:
    """Child processes that turn bytes into documents; use as a context manager."""

    def __init__(self, limits: Limits, timed: bool = False, classifier: AreaClassifier | None = None):
        """With a ``classifier`` the children also assign strength areas: work taken off the one parent."""
        self.limits = limits
        self.timed = timed
        self.classifier = classifier
        self._pool: ProcessPool | None = None

    def __enter__(self) -> ParserPool:
        _warm_up()
        self._pool = ProcessPool(
            max_workers=self.limits.workers,
            max_tasks=MAX_TASKS_PER_WORKER,
            initializer=_limit_child,
            initargs=(self.limits.memory_mb, self.classifier),
            context=multiprocessing.get_context("fork"),
        )
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        assert self._pool is not None
        # Every result has been collected (or the run was interrupted): stopping
        # now skips pebble's polling wait in close(); nothing is left to finish.
        self._pool.stop()
        self._pool.join()
        self._pool = None

    def submit(self, data: bytes, filename: str, source: str, explicit: dict[str, object]):
        assert self._pool is not None, "use ParserPool as a context manager"
        return self._pool.schedule(
            _extract_in_child, args=(data, filename, source, explicit, self.timed), timeout=self.limits.timeout_s
        )

    def result(self, future) -> Extracted:
        """The child's result, or :class:`IngestError` saying what went wrong with the file."""
        try:
            return future.result()
        except IngestError:
            raise
        except FutureTimeout:
            raise IngestError(reason("timeout", seconds=self.limits.timeout_s)) from None
        except ProcessExpired as exc:
            code = exc.exitcode or 0
            if code == -signal.SIGKILL:
                raise IngestError(reason("killed")) from None
            if code < 0:
                raise IngestError(reason("crashed", signal=_signal_name(code), mb=self.limits.memory_mb)) from None
            raise IngestError(reason("exited", exit_code=code)) from None
