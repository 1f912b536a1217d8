"""Crash bench: ``kill -9`` a running ``skh ingest`` again and again, then count what was lost.

A corpus of small synthetic reports (:mod:`bench.speed_corpus`) is ingested by real ``skh ingest``
processes, each killed (SIGKILL to its whole process group: parser children and a background merge
die with it, as in a crash) after a seeded random delay. Batches are small and background merges start
at a few hundred documents, so kills land while files are parsed, while a batch is committed (the
write lock is held) and while a background merge runs; before each kill the bench notes which. Between
runs a quarter of the files change and a few are added, so every run has updates (old originals to
remove) and additions to commit.

Then one ingest runs to completion, ``skh check`` reports, ``skh check --repair`` repairs, and the
bench counts, for the files as they are on disk:

* lost: a file without a document holding its current bytes;
* duplicated: a file with more than one document, or a document indexed twice;
* corrupt: the catalog failing SQLite's integrity check, the index unreadable, an original missing or
  not matching its hash;
* orphans: originals no document references, after the repair.

Usage: ``nice -n 10 python bench/crash_bench.py --kills 50 --docs 2000``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.speed_corpus import Vocabulary, make_doc  # noqa: E402
from ingest.catalog import Catalog  # noqa: E402
from ingest.store import sha256_of  # noqa: E402
from search.inspect import merge_state, write_lock_held  # noqa: E402

WORDS = 150
"""Words per report: short, so a run of a few thousand files takes seconds and kills land often."""


def write_corpus(folder: Path, count: int, seed: int) -> list[Path]:
    vocab = Vocabulary.build(tail=5000, seed=seed)
    paths = []
    for number in range(count):
        path = folder / f"{number // 500:03d}" / f"doc-{number:06d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(make_doc(vocab, number, seed, WORDS).text, encoding="utf-8")
        paths.append(path)
    return paths


def mutate(paths: list[Path], rng: random.Random, round_no: int, folder: Path) -> None:
    """Change a quarter of the files (new bytes, new text) and add a few new ones."""
    for path in rng.sample(paths, max(1, len(paths) // 4)):
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(
                f"\nRevision {round_no} adds a note about measurement series r{round_no}x{rng.random():.9f}.\n"
            )
    for k in range(3):
        path = folder / "new" / f"added-{round_no:03d}-{k}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"Added report {round_no}-{k}\n\nA note on loudspeaker tests, series a{rng.random():.9f}.\n")
        paths.append(path)


def skh(env: dict[str, str], *args: str, timeout: float = 1800) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "web.cli", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def _kill_one(env: dict[str, str], corpus: Path, index: Path, delay: float) -> tuple[str | None, float]:
    """Start an ingest and kill it after ``delay`` s; returns where it was (None: it finished first)."""
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "web.cli", "ingest", str(corpus)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        proc.wait(timeout=delay)
        return None, time.monotonic() - started
    except subprocess.TimeoutExpired:
        pass
    committing, merging = write_lock_held(index), merge_state(index).running
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    where = "commit" if committing else "parse"
    return (f"{where}+merge" if merging else where), time.monotonic() - started


def count_damage(corpus_files: list[Path], data: Path, check: dict) -> dict[str, int]:
    """Lost and duplicated files, from the catalog and the files on disk; corrupt and orphans from the check."""
    catalog = Catalog(data / "catalog.sqlite3")
    by_source: dict[str, list[str]] = {}
    for doc in catalog.all():
        by_source.setdefault(doc.source, []).append(doc.sha256)
    lost = duplicated = 0
    for path in corpus_files:
        held = by_source.get(str(path.resolve()), [])
        lost += sha256_of(path.read_bytes()) not in held
        duplicated += len(held) > 1
    bad_catalog = any(f["name"] == "catalog" and not f["ok"] for f in check["findings"])
    return {
        "files": len(corpus_files),
        "documents": catalog.count(),
        "lost": lost,
        "duplicated": duplicated + check["indexed_twice"],
        "corrupt": int(bad_catalog)
        + int(any(f["name"] == "index" and not f["ok"] for f in check["findings"]))
        + check["missing_originals"]
        + check["damaged_originals"],
        "orphans": check["orphans"] + check["orphans_in_grace"],
    }


def run(kills: int = 50, docs: int = 2000, seed: int = 1, work: Path | None = None, log=print) -> dict:
    """The bench; returns its figures (the test suite runs a short one)."""
    rng = random.Random(seed)
    work = work or Path(tempfile.mkdtemp(prefix="skh-crash-"))
    corpus, data = work / "corpus", work / "data"
    files = write_corpus(corpus, docs, seed)
    env = {
        **os.environ,
        "SKH_DATA_DIR": str(data),
        "SKH_BACKGROUND_MERGE_DOCS": "300",
        "SKH_INGEST_BATCH_DOCS": "50",
        "SKH_GC_GRACE_MINUTES": "0",
    }
    where: Counter[str] = Counter()
    finished_first, longest, round_no = 0, 0.0, 0
    while sum(where.values()) < kills:
        round_no += 1
        if round_no > 1:
            mutate(files, rng, round_no, corpus)
        # Kills spread from start-up (imports take a second or two) to the end of a run: the first guess
        # is generous, then the longest run that finished before its kill says how long a run takes.
        span = longest if finished_first else 2.0 + docs / 40
        place, took = _kill_one(env, corpus, data / "index", rng.uniform(1.0, max(span, 2.0)))
        if place is None:
            finished_first += 1
            longest = max(longest, took)
        else:
            where[place] += 1
            log(f"kill {sum(where.values())}/{kills} after {took:.1f} s during {place}")
    final = skh(env, "ingest", str(corpus))
    before = json.loads(skh(env, "check", "--json").stdout)
    repaired = json.loads(skh(env, "check", "--repair", "--json").stdout)
    figures = {
        "kills": dict(where),
        "runs_that_finished_before_their_kill": finished_first,
        "final_ingest_exit": final.returncode,
        "final_ingest": final.stdout.strip(),
        "check_before_repair_ok": before["ok"],
        "check_before_repair_problems": [f"{f['name']}: {f['detail']}" for f in before["findings"] if not f["ok"]],
        "repaired": repaired["repaired"],
        "check_after_repair_ok": repaired["ok"],
        **count_damage(files, data, repaired),
    }
    log(json.dumps(figures, indent=2))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=None, help="Folder for the corpus and data dir (kept).")
    args = parser.parse_args()
    figures = run(args.kills, args.docs, args.seed, args.work)
    bad = figures["lost"] + figures["duplicated"] + figures["corrupt"] + figures["orphans"]
    sys.exit(1 if bad or not figures["check_after_repair_ok"] else 0)


if __name__ == "__main__":
    main()
