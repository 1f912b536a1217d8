"""A bulk load whose data dir cannot be written (a full disk, a read-only file system) stops once with the
cause, instead of retrying every file of the failed batch, and leaves the catalog, the index and the
originals as they were."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from search.engine.reading.index import current_dir, open_index
from web.hub import Hub

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """No file can be made in ``folder`` while inside: ``chmod`` for a user; for root, whom permissions do not
    stop, the immutable attribute (``chattr +i``). Skips the test where neither works."""
    if os.geteuid() != 0:
        mode = folder.stat().st_mode
        folder.chmod(0o555)
        undo = lambda: folder.chmod(mode)  # noqa: E731
    elif shutil.which("chattr") and subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0:
        undo = lambda: subprocess.run(["chattr", "-i", str(folder)], check=True)  # noqa: E731
    else:
        pytest.skip("no way to make a folder read-only here")
    try:
        probe = folder / "probe"
        try:
            probe.touch()
        except OSError:
            pass
        else:
            probe.unlink()
            pytest.skip("the folder is still writable (the file system ignores the attribute)")
        yield
    finally:
        undo()


def test_a_load_that_cannot_write_the_index_stops_once_and_saves_nothing(tmp_path: Path):
    data, docs = tmp_path / "data", tmp_path / "docs"
    hub = Hub.open(data)
    open_index(hub.datadir.index)  # an empty index, as the first load finds it
    generation = current_dir(hub.datadir.index)
    assert generation is not None
    docs.mkdir()
    for n in range(30):
        (docs / f"report{n}.txt").write_text(f"Report {n}\n\nReverberation time of concert hall number {n}.\n")
    with read_only(generation):
        done = subprocess.run(
            [sys.executable, "-m", "web.cli", "ingest", str(docs)],
            cwd=ROOT,
            env={**os.environ, "SKH_DATA_DIR": str(data)},
            capture_output=True,
            text=True,
            timeout=180,
        )
    assert done.returncode == 1
    assert done.stderr.count("the data dir could not be written") == 1, done.stderr
    assert "the last 30 files were not saved" in done.stderr
    assert "FAILED" not in done.stderr  # no file was retried (and failed) on its own
    assert hub.catalog.count() == 0  # nothing half-written: the catalog rolled back with the index
    assert not [p for p in hub.datadir.originals.rglob("*") if p.is_file()]
