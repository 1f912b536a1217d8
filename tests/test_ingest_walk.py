"""Ingest stays inside the folders it was given (issue 14, failure 7).

A link out of the folder, a link loop, a FIFO: each is listed as SKIPPED with its reason and nothing of
it is published; ``--follow-symlinks`` is the operator's way to follow links anyway.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

SECRET = "Secret outside text about turbine blades and root passwords."


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """A folder with one real document and a link to a file outside it."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "inside.txt").write_text("Loudspeaker measurements in an anechoic chamber at the cluster.")
    outside = tmp_path / "outside" / "secret.txt"
    outside.parent.mkdir()
    outside.write_text(SECRET)
    (folder / "x.txt").symlink_to(outside)
    return folder


def _json(result) -> dict:
    return json.loads(result.output[result.output.index("{") :])


def test_a_link_out_of_the_folder_is_reported_and_not_ingested(skh, docs):
    result = skh("ingest", docs, "--json")
    assert result.exit_code == 0, result.output  # a skipped link is not a failure
    report = _json(result)
    assert report["summary"] == {"added": 1, "updated": 0, "unchanged": 0, "failed": 0, "skipped": 1}
    (skipped,) = [f for f in report["files"] if f["status"] == "skipped"]
    assert skipped["path"].endswith("x.txt") and "secret.txt: not followed" in skipped["reason"]
    assert json.loads(skh("search", "turbine", "--json").output)["total"] == 0

    plain = skh("ingest", docs)
    assert f"SKIPPED {docs / 'x.txt'}: a symbolic link to" in plain.output


def test_follow_symlinks_ingests_the_outside_file(skh, docs):
    result = skh("ingest", docs, "--follow-symlinks")
    assert result.exit_code == 0 and "2 added" in result.output, result.output
    assert json.loads(skh("search", "turbine", "--json").output)["total"] == 1


def test_a_link_named_on_the_command_line_is_followed(skh, docs):
    assert skh("ingest", docs / "x.txt").exit_code == 0
    assert json.loads(skh("search", "turbine", "--json").output)["total"] == 1


def test_a_link_loop_is_reported(skh, docs):
    (docs / "sub").mkdir()
    (docs / "sub" / "up").symlink_to(docs)
    (docs / "a").symlink_to(docs / "b")
    (docs / "b").symlink_to(docs / "a")
    (docs / "x.txt").unlink()
    plain = skh("ingest", docs)
    assert "1 added" in plain.output and plain.exit_code == 0
    assert f"SKIPPED {docs / 'a'}: a symbolic link loop" in plain.output
    assert f"SKIPPED {docs / 'b'}: a symbolic link loop" in plain.output
    followed = _json(skh("ingest", docs, "--follow-symlinks", "--json"))
    reasons = {Path(f["path"]).name: f["reason"] for f in followed["files"] if f["status"] == "skipped"}
    assert reasons["up"].startswith("a symbolic link loop") and reasons["a"].startswith("a symbolic link loop")
    assert followed["summary"]["failed"] == 0


def test_a_fifo_is_reported_and_never_opened(tmp_path, docs):
    """A real ``skh`` process. Before, a FIFO named on the command line was opened and the read waited
    for a writer forever, and one inside a folder was dropped without a word."""
    os.mkfifo(docs / "pipe.txt")
    os.mkfifo(tmp_path / "named.fifo")
    env = {**os.environ, "SKH_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run(
        [sys.executable, "-m", "web.cli", "ingest", str(docs), str(tmp_path / "named.fifo")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert f"SKIPPED {docs / 'pipe.txt'}: a FIFO (named pipe), not a document: not opened" in done.stderr
    assert f"SKIPPED {tmp_path / 'named.fifo'}: a FIFO (named pipe)" in done.stderr
    assert "1 added" in done.stdout
