"""The hostile-query bench runs end to end on the sample corpus: a real ``skh serve``, no 5xx (bar 503).

Timings are printed by the bench and never asserted here.
"""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT


def test_hostile_bench_runs_and_nothing_fails():
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "hostile_bench.py"), "--seconds", "1", "--clients", "2"]
        + ["--attackers", "2", "--threads", "4"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert out.returncode == 0, out.stdout + out.stderr[-3000:]
    assert "failures (5xx other than 503, or no answer): 0; tracebacks in the server log: 0" in out.stdout
    assert int(re.search(r"^ordinary, alone .*answered\s+(\d+)", out.stdout, re.MULTILINE)[1]) > 0, out.stdout
    hostile = re.search(r"^hostile .*statuses \{(.*)\}", out.stdout, re.MULTILINE)[1]
    assert re.search(r"\b(200|503): [1-9]", hostile), out.stdout  # hostile queries were sent and answered
