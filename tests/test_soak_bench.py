"""The soak bench, briefly: a real server, readers, a CLI writer, a web uploader and a rebuild at once,
with no failed request and every write found by search in the end (figures, not timings, are asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_short_soak_has_no_errors_and_every_write_becomes_searchable():
    done = subprocess.run(
        [sys.executable, "bench/soak_bench.py", "--seconds", "20", "--generated", "0", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["errors"] == {}, figures["first_errors"]
    assert figures["never_searchable"] == [] and figures["lost_after_reindex"] == []
    writes = figures["writes"]
    assert writes["ingest"] >= 1 and writes["publish"] >= 1 and figures["reads"] > 0
    assert figures["searchable"] == writes["ingest"] + writes["publish"]
    assert figures["reindex"]["output"].startswith("reindexed "), figures["reindex"]
    assert done.returncode == 0, done.stderr[-2000:]
