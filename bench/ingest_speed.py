"""Ingest rate for the speed bench's ~900-word reports, with CPU time per document and stage times.

Run: ``.venv/bin/python bench/ingest_speed.py --docs 2000`` (``--profile`` adds a
cProfile of the parent process, top functions by own time; ``--lang da`` ingests only
the Danish quarter of the reports, whose analysis differs: compounds are split).

The reports are :mod:`bench.speed_corpus`'s (cached in ``bench/out/docs``);
they go through the service's own path exactly as ``bench/search_build.py``
builds its corpora: :class:`ingest.pipeline.Ingestor`, one call per visibility
level, into a fresh temporary data directory.

Wall-clock rate depends on what else the shared machine runs; CPU seconds per
document (the parent's ``process_time`` plus its child processes' user+system
time: the parsers, and any background merge) is the steadier figure, so both
are printed. ``SKH_BACKGROUND_MERGE_DOCS=0`` merges in the commits instead, as
before (:mod:`search.engine.writing.background_merge`). Exits 0.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.search_build import children_cpu as _children_cpu  # noqa: E402
from bench.speed_corpus import write_corpus  # noqa: E402
from ingest.catalog import Catalog  # noqa: E402
from ingest.datadir import DataDir  # noqa: E402
from ingest.pipeline import Explicit, Ingestor  # noqa: E402
from ingest.taxonomy import load_taxonomy  # noqa: E402
from ingest.timing import StageTimes  # noqa: E402
from search.engine.reading.index import open_index  # noqa: E402

OUT = ROOT / "bench" / "out"
STAGES = ("read", "parse", "language", "wait", "areas", "index")


def ingest(
    files: dict[str, list[Path]], timings: StageTimes | None, profile: bool, batch: int | None = None
) -> tuple[int, float, float]:
    """Ingest ``files`` into a fresh data directory; (documents, wall seconds, CPU seconds)."""
    tmp = Path(tempfile.mkdtemp(prefix="skh-speed-"))
    profiler = cProfile.Profile() if profile else None
    try:
        datadir = DataDir(tmp / "data").ensure()
        ingestor = Ingestor(datadir, Catalog(datadir.catalog), load_taxonomy(None), timings=timings)
        if batch:
            ingestor.batch_size = batch
        done = 0
        cpu0, children0, wall0 = time.process_time(), _children_cpu(), time.perf_counter()
        thread0 = time.thread_time()
        if profiler:
            profiler.enable()
        started = taken = 0
        for level, paths in files.items():  # one call per level, as `skh ingest FOLDER --visibility LEVEL`
            done += ingestor.ingest_paths(paths, Explicit(visibility=level)).count("added")
            started, taken = started + ingestor.merges.started, taken + ingestor.merges.taken
        if profiler:
            profiler.disable()
        wall = time.perf_counter() - wall0
        parent_cpu, children_cpu = time.process_time() - cpu0, _children_cpu() - children0
        ix = open_index(datadir.index)
        index_mb = sum(f.stat().st_size for f in Path(ix.storage.folder).iterdir() if f.is_file()) / 2**20
        print(f"index: {len(ix._segments())} segments, {index_mb:.0f} MB")
        cpu = parent_cpu + children_cpu
        print(
            f"CPU: parent {parent_cpu:.1f} s (main thread {time.thread_time() - thread0:.1f} s), "
            f"child processes {children_cpu:.1f} s (parsers, and background merges: {started} started, "
            f"{taken} taken; SKH_BACKGROUND_MERGE_DOCS={ingestor.background_merge_docs})"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if profiler:
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(40)
    return done, wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=2000, help="reports to ingest (default 2000)")
    parser.add_argument("--batch", type=int, help="documents per catalog + index commit (default: the Ingestor's)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the parent process")
    parser.add_argument("--lang", choices=("da", "en"), help="only the reports in this language (a quarter are Danish)")
    args = parser.parse_args()
    print(f"CPUs: {os.cpu_count()}, load average {os.getloadavg()[0]:.1f} (a shared machine: timings are noisy)")
    files = write_corpus(OUT / "docs", args.docs)
    if args.lang:
        line = f"\nLanguage: {args.lang}\n"
        files = {level: [p for p in paths if line in p.read_text(encoding="utf-8")] for level, paths in files.items()}
    only = f" ({args.lang} only)" if args.lang else ""
    timings = StageTimes()
    done, wall, cpu = ingest(files, timings, args.profile, args.batch)
    print(
        f"{args.docs} speed-corpus reports{only}: {done} added in {wall:.1f} s = {done / wall:.1f} documents/s; "
        f"CPU {1000 * cpu / max(done, 1):.2f} ms/document (parent + child processes); "
        f"parent peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )
    for stage in STAGES:
        seconds = timings.seconds.get(stage, 0.0)
        where = "children, summed" if stage in ("parse", "language", "areas") else "parent"
        print(f"  {stage:<9} {seconds:7.2f} s  {1000 * seconds / max(done, 1):6.2f} ms/document  ({where})")


if __name__ == "__main__":
    main()
