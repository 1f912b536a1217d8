"""Saying, once per process and reason, that a fast path fell back to Whoosh's own slower one.

A fallback never changes an answer (Whoosh's own path gives the same
results), only its speed; so it is logged rather than raised, and only once,
or a busy server would write the same line for every request.
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger("search.engine")

_said: set[tuple[str, str]] = set()
_lock = threading.Lock()


def fell_back(path: str, reason: str) -> None:
    """Log (at WARNING, once per ``path`` and ``reason``) that ``path`` used Whoosh's slower way."""
    key = (path, reason)
    with _lock:
        if key in _said:
            return
        _said.add(key)
    log.warning("%s: using Whoosh's own slower path (%s)", path, reason)


def said() -> set[tuple[str, str]]:
    """The fallbacks taken so far in this process.

    A log line is written once per reason, so "no new line" cannot tell "no fallback" from "the same fallback
    again"; this can, and is what the tests ask whether a search stayed on the fast path."""
    with _lock:
        return set(_said)
