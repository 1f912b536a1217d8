"""A search's deadline and its share of expansions, enforced deep inside the engine.

The scorer's recursion over query nodes, segments and expansions calls
:func:`check` between steps, so a search past its deadline stops wherever it
is and nothing of it keeps running. The caps themselves (how long, how many
words) are settings of the search layer (:mod:`search.limits`), passed in.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


class QueryTooExpensive(Exception):
    """The search ran past its time budget and was stopped; nothing of it keeps running.

    ``str(error)`` is the English message; ``code`` and ``params`` say the same to an interface that
    speaks another language (``seconds``: the budget, as in the message).
    """

    code = "query_too_expensive"

    def __init__(self, budget_ms: int):
        super().__init__(
            f"This query is too expensive to answer within {budget_ms / 1000:g} s. "
            "Try fewer wildcards (*), fuzzy words (~) or OR-ed words."
        )
        self.budget_ms = budget_ms

    @property
    def params(self) -> dict[str, object]:
        return {"seconds": self.budget_ms / 1000}


@dataclass
class Deadline:
    """When the current search must stop (``time.monotonic()`` seconds)."""

    at: float
    budget_ms: int

    def check(self) -> None:
        if _clock() > self.at:
            raise QueryTooExpensive(self.budget_ms)


_clock = time.monotonic  # one name for the clock, so a test can step it instead of waiting

_current: ContextVar[Deadline | None] = ContextVar("skh_search_deadline", default=None)


@contextmanager
def time_budget(budget_ms: int) -> Iterator[Deadline | None]:
    """Run a search under a deadline that :func:`check` enforces.

    The deadline lives in a context variable rather than an argument: the
    scorer's recursion over query nodes, segments and expansions is deep and
    shared by every request of a generation, and each request (a server
    thread) sees only its own deadline. An enclosing budget is kept (a search
    made inside another, such as did-you-mean's, gets no more time).
    """
    outer = _current.get()
    if budget_ms <= 0:
        yield outer
        return
    at = _clock() + budget_ms / 1000
    deadline = outer if outer is not None and outer.at <= at else Deadline(at, budget_ms)
    token = _current.set(deadline)
    try:
        yield deadline
    finally:
        _current.reset(token)


def remaining_ms() -> int | None:
    """Milliseconds left in the current search's budget (None: no budget)."""
    deadline = _current.get()
    return None if deadline is None else max(0, int((deadline.at - _clock()) * 1000))


_expansion_share: ContextVar[int | None] = ContextVar("skh_expansion_share", default=None)


@contextmanager
def expansion_share(multiterms: int, total: int, per_term: int) -> Iterator[int]:
    """Within this block each prefix, wildcard, fuzzy or range term expands to at most its share of
    ``total`` (and never more than ``per_term``)."""
    share = max(16, total // max(1, multiterms))
    token = _expansion_share.set(min(per_term, share))
    try:
        yield _expansion_share.get()
    finally:
        _expansion_share.reset(token)


def expansion_cap(default: int) -> int:
    """The current query's per-term share (see :func:`expansion_share`), else ``default``."""
    share = _expansion_share.get()
    return default if share is None else min(default, share)


def check() -> None:
    """Raise :class:`QueryTooExpensive` when the current search is past its deadline (cheap: call often)."""
    deadline = _current.get()
    if deadline is not None and _clock() > deadline.at:
        raise QueryTooExpensive(deadline.budget_ms)


@contextmanager
def not_counted() -> Iterator[None]:
    """Work shared by every later request (a generation's lexicon) does not use up this one's budget.

    Without it the first request after a commit on a large index could be
    stopped while building what all others then reuse, and the next one again.
    """
    deadline = _current.get()
    started = _clock()
    try:
        yield
    finally:
        if deadline is not None:
            deadline.at += _clock() - started
