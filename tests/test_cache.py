"""The engine's one cache: single-flight builds with real threads, bounds by count and by bytes, failures."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from search.engine import budget
from search.engine.cache import DEFAULT_MEMORY_MB, MB, SHARES, Cache, MemoryBudget

THREADS = 8


def _ask_together(cache: Cache, key, build, threads: int = THREADS) -> tuple[list, list]:
    """``threads`` threads ask for ``key`` at once; returns their values and their exceptions."""
    values, errors = [], []
    lock = threading.Lock()
    together = threading.Barrier(threads)

    def ask() -> None:
        together.wait(timeout=30)
        try:
            value = cache.get_or_build(key, build)
        except Exception as exc:  # noqa: BLE001 - collected for the assertions
            with lock:
                errors.append(exc)
        else:
            with lock:
                values.append(value)

    workers = [threading.Thread(target=ask) for _ in range(threads)]
    for worker in workers:
        worker.start()
    return workers, (values, errors)


def _let_waiters_arrive() -> None:
    """A moment for the threads released with the builder to reach their wait (not a timing assertion)."""
    threading.Event().wait(0.1)


def test_a_value_asked_for_by_many_threads_at_once_is_built_once():
    cache: Cache[list[int]] = Cache(max_items=4)
    release = threading.Event()
    started = threading.Event()
    calls = []

    def build() -> list[int]:
        calls.append(threading.get_ident())
        started.set()
        release.wait(timeout=30)  # every other thread asks while this build is under way
        return [1, 2, 3]

    workers, (values, errors) = _ask_together(cache, "key", build)
    assert started.wait(timeout=30)
    _let_waiters_arrive()
    release.set()
    for worker in workers:
        worker.join(timeout=30)
    assert len(calls) == 1
    assert errors == []
    assert len(values) == THREADS and all(v is values[0] for v in values)
    assert cache.get("key") == [1, 2, 3]


def test_a_failed_build_is_not_cached_and_a_waiting_thread_builds_again():
    cache: Cache[str] = Cache(max_items=4)
    release = threading.Event()
    started = threading.Event()
    calls = []

    def build() -> str:
        calls.append(1)
        if len(calls) == 1:
            started.set()
            release.wait(timeout=30)
            raise ValueError("the first build fails")
        return "built"

    workers, (values, errors) = _ask_together(cache, "key", build)
    assert started.wait(timeout=30)
    _let_waiters_arrive()
    release.set()
    for worker in workers:
        worker.join(timeout=30)
    assert [type(e) for e in errors] == [ValueError]  # only the thread whose build failed sees its failure
    assert values == ["built"] * (THREADS - 1)
    assert len(calls) == 2  # one waiting thread built again, the others got its value


def test_a_failed_build_raises_and_the_next_call_retries():
    cache: Cache[int] = Cache(max_items=4)

    def fail() -> int:
        raise KeyError("nope")

    with pytest.raises(KeyError):
        cache.get_or_build("key", fail)
    assert cache.get("key") is None and len(cache) == 0
    assert cache.get_or_build("key", lambda: 7) == 7


def test_bounded_by_count_the_least_recently_used_goes_first():
    cache: Cache[int] = Cache(max_items=2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recently used
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)
    assert len(cache) == 2


def test_bounded_by_bytes_entries_are_evicted_until_they_fit():
    cache: Cache[np.ndarray] = Cache(max_bytes=1000, size_of=lambda a: a.nbytes)
    for n in range(5):
        cache.put(n, np.zeros(40, dtype=np.int64))  # 320 bytes each: three fit
    assert [n for n in range(5) if cache.get(n) is not None] == [2, 3, 4]
    assert cache.nbytes == 960
    cache.put("big", np.zeros(200, dtype=np.int64))  # larger than the whole cache: returned, not kept
    assert cache.get("big") is None and cache.nbytes == 960


def test_a_cache_of_size_zero_keeps_nothing_but_still_builds():
    cache: Cache[int] = Cache(max_items=0)
    assert cache.get_or_build("key", lambda: 5) == 5
    assert cache.get("key") is None


def test_keep_only_drops_rejected_keys_and_their_bytes():
    cache: Cache[bytes] = Cache(max_bytes=100, size_of=len)
    cache.put(("old", 1), b"x" * 10)
    cache.put(("new", 1), b"y" * 20)
    cache.keep_only(lambda key: key[0] == "new")
    assert cache.get(("old", 1)) is None and cache.get(("new", 1)) == b"y" * 20
    assert cache.nbytes == 20


def test_a_build_asking_for_its_own_key_is_an_error_not_a_deadlock():
    cache: Cache[int] = Cache()
    with pytest.raises(RuntimeError):
        cache.get_or_build("key", lambda: cache.get_or_build("key", lambda: 1))


def test_a_thread_waiting_for_another_threads_build_is_not_charged_for_the_wait(monkeypatch):
    """At a worker's start many requests wait for the same tables; the one building pays, not the waiters."""
    now = [0.0]
    waiter_looks = []
    waiting = threading.Event()  # the waiter has started its wait (its second look at the clock)
    release = threading.Event()
    building = threading.Event()

    def clock() -> float:
        if threading.current_thread().name == "waiter":
            waiter_looks.append(now[0])
            if len(waiter_looks) == 2:
                waiting.set()
        return now[0]

    monkeypatch.setattr(budget, "_clock", clock)
    cache: Cache[str] = Cache()

    def slow_build() -> str:
        building.set()
        release.wait(timeout=30)
        return "tables"

    outcome: dict[str, object] = {}

    def waiter() -> None:
        building.wait(timeout=30)
        with budget.time_budget(1000):  # 1 s
            outcome["value"] = cache.get_or_build("tables", lambda: "built twice")
            try:
                budget.check()
            except budget.QueryTooExpensive as exc:
                outcome["refused"] = exc

    builder = threading.Thread(target=lambda: cache.get_or_build("tables", slow_build))
    asker = threading.Thread(target=waiter, name="waiter")
    builder.start()
    asker.start()
    waiting.wait(timeout=5)
    now[0] += 10.0  # the build takes 10 s of the clock while the waiter waits
    release.set()
    builder.join(timeout=30)
    asker.join(timeout=30)
    assert outcome == {"value": "tables"}


def test_the_memory_budget_splits_its_total_by_the_named_shares():
    assert sum(SHARES.values()) == pytest.approx(1.0)
    budget = MemoryBudget(100)
    assert budget.bytes_for("terms") == int(100 * MB * SHARES["terms"])
    assert sum(budget.bytes_for(name) for name in SHARES) <= 100 * MB
    assert MemoryBudget().memory_mb == DEFAULT_MEMORY_MB
    with pytest.raises(KeyError):
        budget.bytes_for("unknown")
