"""How fast ingest is, where the time goes, and what parsing in child processes costs.

Run: ``.venv/bin/python bench/ingest_bench.py`` (or ``make bench-ingest``).

Three parts, each into a fresh temporary data directory:

1. **corpus**: ``corpus/docs`` plus the real-world fixtures (``SKH_REALWORLD``,
   default ``<repo>/../shared/fixtures/realworld``, skipped when absent), ingested
   end to end: documents per second and seconds per stage.
2. **generated**: ``--docs`` (10,000) generated plain-text reports, English and
   Danish, ingested end to end the same way.
3. **isolation**: the same files parsed (detect, parse, metadata, language)
   in-process (the baseline: no protection), in a pool of child processes (what
   ingest does) and in a fresh process per file, so the price of the time and
   memory limits is measured, not guessed.

Stages: *read* (files from disk), *parse* and *language* (inside the children,
summed over them, so they overlap each other and the parent's work), *wait*
(the parent blocked on a child's result), *areas* (automatic strength areas),
*index* (originals, catalog and Whoosh: tokenising, stemming, writing,
committing). The machine is shared and noisy: compare figures within one run.
Exits 0 whatever the figures are.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pebble import ProcessPool  # noqa: E402

from ingest.catalog import Catalog  # noqa: E402
from ingest.datadir import DataDir  # noqa: E402
from ingest.extract import IngestError, extract  # noqa: E402
from ingest.limits import Limits  # noqa: E402
from ingest.pipeline import Ingestor, iter_files  # noqa: E402
from ingest.sandbox import ParserPool, _extract_in_child, _warm_up  # noqa: E402
from ingest.taxonomy import load_taxonomy  # noqa: E402
from ingest.timing import StageTimes  # noqa: E402

STAGES = ("read", "parse", "language", "wait", "areas", "index")
IN_CHILDREN = ("parse", "language")

EN_WORDS = str.split(
    "loudspeaker hearing aid microphone reverberation absorber noise measurement listener speech "
    "intelligibility beamforming latency codec driver cone excursion distortion room classroom "
    "tinnitus audiogram cochlear implant vibration facade insulation traffic turbine soundscape "
    "the of and in with for was were a an to from by on at this that results method study test"
)
DA_WORDS = str.split(
    "højttaler høreapparat mikrofon efterklang absorbent støj måling lytter tale forståelighed "
    "forsinkelse membran forvrængning rum klasselokale tinnitus høretab implantat vibration facade "
    "isolering trafik vindmølle lydlandskab og i med for var en et til fra af på ved denne resultater"
)


def generate(folder: Path, count: int, seed: int = 7) -> None:
    """``count`` plain-text reports with header lines, a third of them Danish."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        danish = i % 3 == 0
        words = DA_WORDS if danish else EN_WORDS
        title = " ".join(rng.choice(words) for _ in range(6)).capitalize()
        paragraphs = [
            " ".join(rng.choice(words) for _ in range(rng.randint(40, 90))).capitalize() + "."
            for _ in range(rng.randint(3, 8))
        ]
        header = (
            f"Organisation: {'Hørecenter Syd' if danish else 'Nordlyd Acoustics A/S'}\n"
            f"Date: {2009 + i % 17}-0{1 + i % 9}-1{i % 10}\n"
            f"Type: {'rapport' if danish else 'report'}\n"
        )
        text = f"{title} {i}\n\n{header}\n" + "\n\n".join(paragraphs) + "\n"
        (folder / f"doc{i:05d}.txt").write_text(text, encoding="utf-8")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ingest_run(label: str, paths: list[Path], limits: Limits) -> None:
    """Ingest ``paths`` into a fresh data directory and print rate and stage times."""
    with tempfile.TemporaryDirectory(prefix="skh-bench-") as tmp:
        datadir = DataDir(Path(tmp) / "data").ensure()
        timings = StageTimes()
        ingestor = Ingestor(datadir, Catalog(datadir.catalog), load_taxonomy(None), limits=limits, timings=timings)
        started, cpu0, children0 = time.perf_counter(), time.process_time(), _children_cpu()
        report = ingestor.ingest_paths(paths)
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu0 + _children_cpu() - children0
    summary = report.summary()
    done = summary["added"] + summary["updated"] + summary["unchanged"]
    files = len(report.outcomes)
    print(f"\n{label}: {files} files, {summary}")
    print(f"  wall {wall:7.2f} s   {files / wall:7.1f} files/s   {done / wall:7.1f} documents/s")
    print(f"  CPU  {cpu:7.2f} s   {1000 * cpu / max(files, 1):7.2f} ms/file (parent + parser children, steadier)")
    for stage in STAGES:
        seconds = timings.seconds.get(stage, 0.0)
        where = "children, summed" if stage in IN_CHILDREN else "parent"
        print(f"  {stage:<9} {seconds:7.2f} s  {100 * seconds / wall:5.1f}% of wall  ({where})")


def _parse_all_in_process(items: list[tuple[bytes, str]]) -> int:
    ok = 0
    for data, name in items:
        try:
            extract(data, name, name, {})
            ok += 1
        except IngestError:
            pass
    return ok


def _parse_all_in_pool(items: list[tuple[bytes, str]], limits: Limits) -> int:
    ok = 0
    with ParserPool(limits) as pool:
        futures = [pool.submit(data, name, name, {}) for data, name in items]
        for future in futures:
            try:
                pool.result(future)
                ok += 1
            except IngestError:
                pass
    return ok


def _parse_all_process_per_file(items: list[tuple[bytes, str]], workers: int) -> int:
    ok = 0
    _warm_up()
    with ProcessPool(max_workers=workers, max_tasks=1) as pool:  # a new process for every file
        futures = [pool.schedule(_extract_in_child, args=(d, n, n, {}, False), timeout=60) for d, n in items]
        for future in futures:
            try:
                future.result()
                ok += 1
            except Exception:  # noqa: BLE001 - only the count matters here
                pass
    return ok


def isolation(items: list[tuple[bytes, str]], workers: int) -> None:
    print(f"\nisolation: parsing the same {len(items)} files (detect, parse, metadata, language) three ways")
    _warm_up()
    _parse_all_in_process(items[:100])  # first-use costs (regexes, caches) are nobody's overhead
    runs = [
        ("in-process (baseline, 1 core, no limits)", lambda: _parse_all_in_process(items)),
        ("child pool, 1 worker", lambda: _parse_all_in_pool(items, Limits(workers=1))),
        (f"child pool, {workers} workers (ingest)", lambda: _parse_all_in_pool(items, Limits(workers=workers))),
        (f"process per file, {workers} at a time", lambda: _parse_all_process_per_file(items, workers)),
    ]
    base = None
    for label, fn in runs:
        started = time.perf_counter()
        ok = fn()
        wall = time.perf_counter() - started
        per_file = 1000 * wall / len(items)
        base = base or per_file
        print(
            f"  {label:<42} {wall:6.2f} s  {len(items) / wall:7.1f} files/s  {per_file:6.2f} ms/file  "
            f"({per_file - base:+.2f} ms/file vs baseline; {ok} parsed)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=10_000, help="generated documents (default 10000)")
    parser.add_argument("--isolation-files", type=int, default=1000, help="generated files in the isolation run")
    args = parser.parse_args()
    limits = Limits.from_env()
    print(f"CPUs: {os.cpu_count()}, parser workers: {limits.workers}, Python {sys.version.split()[0]}")
    print("(a shared machine: other work runs at the same time, so compare within this run)")

    realworld = Path(os.environ.get("SKH_REALWORLD") or ROOT.parent / "shared" / "fixtures" / "realworld")
    corpus_paths = [ROOT / "corpus" / "docs"]
    if realworld.is_dir():
        corpus_paths.append(realworld)
    else:
        print(f"(real-world fixtures not found at {realworld}; corpus only)")
    ingest_run("corpus (corpus/docs + real-world fixtures)", corpus_paths, limits)

    tmp = Path(tempfile.mkdtemp(prefix="skh-bench-gen-"))
    try:
        started = time.perf_counter()
        generate(tmp / "gen", args.docs)
        print(f"\n(generated {args.docs} text documents in {time.perf_counter() - started:.1f} s)")
        ingest_run(f"generated ({args.docs} plain-text documents)", [tmp / "gen"], limits)

        sample = sorted((tmp / "gen").iterdir())[: args.isolation_files]
        sample += list(iter_files([ROOT / "corpus" / "docs"]))
        items = [(p.read_bytes(), p.name) for p in sample]
        isolation(items, limits.workers)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
