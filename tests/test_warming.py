"""A server worker is warm before it serves: the tables every search loads on first use are loaded already,
so requests arriving together at start-up do not wait for them inside their time budgets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from web.hub import Hub

ROOT = Path(__file__).resolve().parent.parent

FRESH_WORKER = """
import sys
from web.app import create_app
from web.hub import Hub
from web.warming import warm_worker

hub = Hub.open(sys.argv[1], taxonomy=sys.argv[2])
assert hub.catalog.count() > 0, "the test's corpus"
app = create_app(hub)
before = "wordfreq" in sys.modules
warm_worker(app, hub)
print(before, "wordfreq" in sys.modules)
"""


def test_a_fresh_worker_loads_the_language_tables_before_it_serves(mini_hub: Hub):
    """Creating the app loads no frequency tables (they come with the first search); warming does."""
    done = subprocess.run(
        [sys.executable, "-c", FRESH_WORKER, str(mini_hub.datadir.root), str(ROOT / "corpus" / "areas.toml")],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["False", "True"]
    assert "warming the searcher failed" not in done.stderr, done.stderr  # the searches themselves ran whole
