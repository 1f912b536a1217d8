"""Start-up side by side: how long until ``skh serve`` answers /healthz, and its first search after that.

    python bench/start_side_by_side.py OLD_TREE NEW_TREE DATA_DIR     # e.g. a worktree of an older commit

Alternates the two trees three times (each tree's code put first with PYTHONPATH, so the same installed
``skh`` runs it) on one seeded data directory, two workers each. Talks to 127.0.0.1 only.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

SKH = Path(sys.executable).parent / "skh"


def free() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main(old: str, new: str, data: str) -> None:
    for rnd in range(3):
        for side, tree in (("before", old), ("after", new)):
            port = free()
            env = dict(os.environ, SKH_DATA_DIR=data, PYTHONPATH=tree)
            t = time.monotonic()
            quiet = subprocess.DEVNULL
            proc = subprocess.Popen(
                [str(SKH), "serve", "--port", str(port), "--workers", "2"], env=env, cwd="/", stdout=quiet, stderr=quiet
            )
            try:
                while True:
                    try:
                        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
                        break
                    except OSError:
                        if proc.poll() is not None:
                            raise SystemExit(f"{side}: the server exited") from None
                        time.sleep(0.05)
                ready = time.monotonic() - t
                t2 = time.monotonic()
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=h%C3%B8reapparater", timeout=60).read()
                first = time.monotonic() - t2
                print(f"{side} {rnd}: healthz after {ready:.2f} s, first search {first * 1000:.0f} ms", flush=True)
            finally:
                proc.terminate()
                proc.wait()


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
