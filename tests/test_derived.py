"""Per-generation tables: built once, and (when allowed) served stale while a slow rebuild runs."""

from __future__ import annotations

import threading

import pytest

from search.engine.reading import derived
from search.engine.reading.derived import DerivedTables


def test_a_table_is_built_once_per_generation_and_not_carried_unless_allowed():
    calls = []
    first = DerivedTables()
    assert first.get("k", lambda: calls.append(1) or "one") == "one"
    assert first.get("k", lambda: calls.append(1) or "again") == "one"
    assert calls == [1]
    assert first.next_generation().get("k", lambda: "two") == "two"


def test_a_quick_stale_allowed_table_is_rebuilt_in_the_request():
    first = DerivedTables()
    first.get("k", lambda: "old", stale_ok=True)
    assert first.next_generation().get("k", lambda: "new", stale_ok=True) == "new"


@pytest.fixture
def slow(monkeypatch):
    monkeypatch.setattr(derived, "SYNC_SECONDS", 0.0)  # every build counts as slow


def test_a_slow_table_serves_the_previous_value_until_the_new_one_is_built(slow):
    first = DerivedTables()
    first.get("k", lambda: "old", stale_ok=True)
    second = first.next_generation()
    release = threading.Event()

    def build():
        release.wait(10)
        return "new"

    assert second.get("k", build, stale_ok=True) == "old"
    assert second.get("k", build, stale_ok=True) == "old"  # one background build, still running
    release.set()
    second.join(10)
    assert second.get("k", build, stale_ok=True) == "new"
    # A generation that never asked for the table passes the newest value on.
    fourth = second.next_generation().next_generation()
    assert fourth.get("k", lambda: "newer", stale_ok=True) == "new"
    fourth.join(10)


def test_a_failed_background_build_keeps_the_old_table_and_is_retried(slow):
    first = DerivedTables()
    first.get("k", lambda: "old", stale_ok=True)
    second = first.next_generation()

    def broken():
        raise RuntimeError("disk gone")

    assert second.get("k", broken, stale_ok=True) == "old"
    second.join(10)
    assert second.get("k", lambda: "new", stale_ok=True) == "old"  # retried in the background
    second.join(10)
    assert second.get("k", lambda: "newer", stale_ok=True) == "new"
