"""Search p95 and ingest documents/s of two checkouts, measured side by side in one run (issue #15).

    python bench/side_by_side.py --size 20000                       # main before the step (3c9521f) vs this tree
    python bench/side_by_side.py --old 3c9521f --new ../other --size 2000 --write-docs

A restructuring must leave speed alone: the issue asks for search p95 in-process
and ingest documents/s within 10 % of main before the step. Figures from two runs
on this shared 2-core machine differ by more than that, so both checkouts are
measured in the same run, interleaved, so that the machine's noise falls on both:

1. one corpus of ``--size`` reports, the speed bench's generator
   (:mod:`bench.speed_corpus`, cached in ``bench/out/docs``);
2. each checkout ingests all of it into its own data directory
   (``bench/out/side-by-side/size-N/<side>``) through the service's path
   (:func:`bench.search_build.ingest_files`), ``--ingest-rounds`` times each in
   A B B A order (which side goes first alternates from run to run);
3. one process per checkout opens and warms its index, then the two answer
   ``--rounds`` passes over the search bench's mix of 30 requests
   (:data:`bench.search_bench.MIX`), one pass at a time, in A B B A order: the
   full search as the page and the API make it (``web.results.search_from_args``)
   and the engine alone (``search(snapshot, SearchRequest)``), result cache off;
4. a markdown table of p50/p95/p99, documents/s and new/old, and the verdict
   against 10 %; ``--write-docs`` appends it, with the command, to docs/performance.md.

Each checkout runs in its own interpreter (this venv's: the dependencies are the
same) with its own code; :mod:`bench.side_by_side_worker` says how the editable
install is kept from shadowing it, and the run stops if any module of ``search``,
``ingest`` or ``web`` was loaded from outside the checkout. ``--old`` and ``--new``
take a folder or a commit; a commit is checked out with ``git worktree add
--detach`` under ``bench/out/side-by-side/`` (git-ignored) and reused next time.
Timings are printed, never asserted: the exit code is 0 unless a side fails.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import side_by_side_report as report  # noqa: E402
from bench.speed_corpus import write_corpus  # noqa: E402

OUT = ROOT / "bench" / "out" / "side-by-side"
WORKER = ROOT / "bench" / "side_by_side_worker.py"
SIDES = ("old", "new")


def git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def checkout(spec: str) -> tuple[Path, str]:
    """A folder to run: ``spec`` itself if it is one, else commit ``spec`` in a detached worktree (reused)."""
    folder = Path(spec).expanduser()
    if folder.is_dir():
        folder = folder.resolve()
        try:
            described = f"{folder.name} @ {git('rev-parse', '--short', 'HEAD', cwd=folder)}"
            if git("status", "--porcelain", "--untracked-files=no", cwd=folder):
                described += " + changes"
        except subprocess.CalledProcessError:
            described = folder.name
        return folder, described
    sha = git("rev-parse", "--verify", f"{spec}^{{commit}}")
    folder = OUT / f"checkout-{sha[:12]}"
    if not (folder / ".git").exists():
        OUT.mkdir(parents=True, exist_ok=True)
        git("worktree", "add", "--detach", str(folder), sha)
    assert git("rev-parse", "HEAD", cwd=folder) == sha, f"{folder} is not at {sha}"
    return folder, sha[:7]


def worker_command(folder: Path, *job: str) -> tuple[list[str], dict]:
    """The worker's command line and environment for ``folder`` (see :mod:`bench.side_by_side_worker`)."""
    site = sysconfig.get_paths()["purelib"]
    command = [sys.executable, "-I", "-S", str(WORKER), "--checkout", str(folder), "--site", site, *job]
    return command, dict(os.environ, PYTHONPATH=str(folder), SKH_RESULT_CACHE="0")


def checked(message: dict, folder: Path, side: str) -> dict:
    """``message`` if its code came from ``folder``; the run is worthless otherwise."""
    where = Path(message["search_file"]).resolve()
    if not where.is_relative_to(folder) or message["strays"]:
        raise SystemExit(f"{side}: code not from {folder}: search from {where}, others {message['strays']}")
    return message


def ingest(folder: Path, side: str, size: int) -> dict:
    data = OUT / f"size-{size}" / side
    command, env = worker_command(folder, "ingest", "--data", str(data), "--size", str(size))
    done = subprocess.run(command, cwd=folder, env=env, stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{side}: ingest failed (exit {done.returncode}; its messages are above)")
    result = checked(json.loads(done.stdout.strip().splitlines()[-1]), folder, side)
    print(
        f"  {side}: {result['documents']} documents in {result['seconds']:.1f} s = "
        f"{result['documents'] / result['seconds']:.1f} documents/s (search from {result['search_file']})",
        flush=True,
    )
    return result


class Searcher:
    """One checkout's long-lived search worker: opened and warmed once, then asked for one pass at a time."""

    def __init__(self, folder: Path, side: str, size: int):
        self.folder, self.side = folder, side
        command, env = worker_command(folder, "search", "--data", str(OUT / f"size-{size}" / side))
        self.process = subprocess.Popen(
            command, cwd=folder, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.ready = self._read()
        print(f"  {side}: ready, names from {self.ready['names']}; search from {self.ready['search_file']}")

    def _read(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"{self.side}: the search worker ended (exit {self.process.wait()})")
        return checked(json.loads(line), self.folder, self.side)

    def one_pass(self) -> dict:
        self.process.stdin.write("pass\n")
        self.process.stdin.flush()
        return self._read()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=60)


def abba(count: int, first: int) -> list[str]:
    """``count`` pairs of sides in A B B A order, starting with ``SIDES[first]``: drift falls on both alike."""
    a, b = SIDES[first], SIDES[1 - first]
    return [side for n in range(count) for side in ((a, b) if n % 2 == 0 else (b, a))]


def run_number() -> int:
    """How many side-by-side runs this tree has started (kept in bench/out), so the first side alternates."""
    counter = OUT / "runs.txt"
    n = int(counter.read_text()) if counter.exists() else 0
    OUT.mkdir(parents=True, exist_ok=True)
    counter.write_text(str(n + 1))
    return n


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--old", default="3c9521f", help="folder or commit (default: main before #15's steps)")
    parser.add_argument("--new", default=str(ROOT), help="folder or commit (default: the tree this file is in)")
    parser.add_argument("--size", type=int, default=20000, help="reports in the corpus (default 20000)")
    parser.add_argument("--ingest-rounds", type=int, default=2, help="ingests per side (default 2: A B B A)")
    parser.add_argument("--rounds", type=int, default=30, help="passes over the 30-request mix per side")
    parser.add_argument("--no-ingest", action="store_true", help="search the indexes the last run left")
    parser.add_argument("--aim", type=float, default=10.0, help="the verdict's limit in percent (default 10, #15's)")
    parser.add_argument("--write-docs", action="store_true", help="append the table to docs/performance.md")
    args = parser.parse_args()
    folders = dict(zip(SIDES, (checkout(args.old), checkout(args.new)), strict=True))
    first = run_number() % 2
    context = (
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start; {args.size:,} reports; "
        + "; ".join(f"{side}: {name} ({folder})" for side, (folder, name) in folders.items())
    )
    print(f"side by side: {context}", flush=True)
    t0 = time.perf_counter()
    write_corpus(ROOT / "bench" / "out" / "docs", args.size)
    print(f"corpus: {args.size:,} reports in bench/out/docs ({time.perf_counter() - t0:.0f} s)", flush=True)

    rows = []
    if not args.no_ingest:
        runs: dict[str, list[dict]] = {side: [] for side in SIDES}
        for side in abba(args.ingest_rounds, first):
            runs[side].append(ingest(folders[side][0], side, args.size))
        rows += report.ingest_rows(runs)

    searchers = {side: Searcher(folders[side][0], side, args.size) for side in SIDES}
    samples = {side: {"full": [], "engine": []} for side in SIDES}
    try:
        for side in abba(args.rounds, first):
            answer = searchers[side].one_pass()
            for kind in ("full", "engine"):
                samples[side][kind] += answer[kind]
    finally:
        for searcher in searchers.values():
            searcher.close()
    rows += report.search_rows(samples)

    text = report.table(rows, folders["old"][1], folders["new"][1])
    verdict = report.verdict(rows, args.aim / 100)
    load = f"load average {os.getloadavg()[0]:.1f} at the end; {time.perf_counter() - t0:.0f} s in all"
    print(f"\n{text}\n\n{verdict}\n({load})")
    if args.write_docs:
        command = "python bench/side_by_side.py " + shlex.join(sys.argv[1:])
        report.write_docs(ROOT / "docs" / "performance.md", command, f"{context}; {load}.", text, verdict)
        print("appended to docs/performance.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
