"""`skh ingest` on a terminal shows a progress bar; with --json or in a pipe it does not."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run_on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[str, str, int]:
    """Run ``skh`` with stderr on a pseudo-terminal (as a person at a shell would); return stdout, stderr."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))  # a 120-column terminal
    proc = subprocess.Popen(
        [sys.executable, "-m", "web.cli", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=slave
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closed: the program ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    stdout = proc.stdout.read().decode()
    proc.wait(timeout=120)
    os.close(master)
    return stdout, b"".join(chunks).decode(errors="replace"), proc.returncode


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(3):
        (docs / f"note{i}.txt").write_text(f"Note {i} on the sound insulation of floating floors, series {i}.")
    (docs / "empty.txt").write_bytes(b"")
    return docs


def test_a_terminal_gets_a_progress_bar_with_counts_and_rate(tmp_path, folder):
    env = {**os.environ, "SKH_DATA_DIR": str(tmp_path / "data")}
    stdout, terminal, code = _run_on_a_terminal(["ingest", str(folder)], env)
    assert code == 1 and "3 added, 0 updated, 0 unchanged, 1 failed" in stdout
    assert "4/4" in terminal and "file/s" in terminal and "added=3" in terminal and "failed=1" in terminal
    assert "empty.txt: the file is empty (0 bytes)" in terminal


def test_json_output_has_no_bar_even_on_a_terminal(tmp_path, folder):
    env = {**os.environ, "SKH_DATA_DIR": str(tmp_path / "data")}
    stdout, terminal, code = _run_on_a_terminal(["ingest", str(folder), "--json"], env)
    assert code == 1 and json.loads(stdout)["summary"]["added"] == 3
    assert "file/s" not in terminal and "FAILED" not in terminal
