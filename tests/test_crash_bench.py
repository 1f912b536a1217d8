"""A short crash bench (issue 14): kill -9 a running ``skh ingest`` three times, then nothing is lost.

The full run is ``bench/crash_bench.py`` (50 kills); this keeps it honest in CI.
"""

from __future__ import annotations

from bench.crash_bench import run


def test_kills_lose_duplicate_and_corrupt_nothing_and_leave_no_orphans(tmp_path):
    figures = run(kills=3, docs=300, seed=3, work=tmp_path, log=lambda _line: None)
    assert sum(figures["kills"].values()) == 3
    assert figures["final_ingest_exit"] == 0, figures["final_ingest"]
    assert figures["check_after_repair_ok"], figures
    assert figures["documents"] == figures["files"]
    assert (figures["lost"], figures["duplicated"], figures["corrupt"], figures["orphans"]) == (0, 0, 0, 0)
