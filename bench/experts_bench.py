"""How fast "who knows about X" answers at 100,000 reports, in-process (issue #17: p95 <= 50 ms).

    python bench/experts_bench.py --source ../main/bench/out/size-100000/data
    python bench/experts_bench.py --source DIR --build-only     # only prepare the index (long, once)

The speed bench's data dir (:mod:`bench.search_build`, 100,000 generated reports with two authors each) is
the source. Its index was built before the ``author_name`` column existed, so this bench copies the
source's catalog (read-only: SQLite's backup from an ``immutable`` connection) into
``bench/out/experts-N/data`` and builds a fresh index from it through the service's own rebuild
(:func:`ingest.rebuild.rebuild`, as ``skh reindex`` does), once; later runs reuse it.

It then times ``/experts`` as the page computes it (``web.experts_view.experts_page``: the search's match,
the ranking over the index columns, titles of the documents shown from the catalog) over a fixed mix of
queries as an anonymous visitor and as staff, with the result cache off (``SKH_RESULT_CACHE=0``) so every
request is computed, and prints p50/p95/p99 of the warm passes. The first-request costs (the people
directory, the glossary concepts' documents for the organisation pages) and one organisation page are timed
once. Timings are printed, never asserted; the machine is shared, so the load is printed beside them.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("SKH_RESULT_CACHE", "0")  # every request computed (read when the hub's settings are)


OUT = ROOT / "bench" / "out"
TAXONOMY = ROOT / "corpus" / "areas.toml"

MIX = [
    "hearing",
    "hearing aids",
    "noise",
    "speech intelligibility",
    "loudspeaker distortion",
    "microphone array",
    "støj",
    "høreapparater",
    "tinnitus patients",
    "room acoustics reverberation",
    "signal processing",
    "audio",
    "sound",
    '"hearing aid"',
    "loud*",
    "reverberaton~",
    "title:noise",
    "hearing -noise",
    "speech OR music",
    "cochlear implant children",
    "vibration measurement",
    "klinik patienter",
    "beamforming",
    "measurement",
    "listening test",
    "acoustic",
]


def prepare(source: Path, size: int, log=print) -> Path:
    """``bench/out/experts-N/data``: the source's catalog and an index built from it (cached)."""
    from ingest.catalog import Catalog
    from ingest.datadir import DataDir
    from ingest.rebuild import rebuild
    from search import index_state

    data = OUT / f"experts-{size}" / "data"
    datadir = DataDir.at(data).ensure()
    state = index_state(datadir.index)
    if not state.error and state.schema_matches and len(state.ids) >= size:
        return data
    if not datadir.catalog.exists():
        t0 = time.perf_counter()
        read = sqlite3.connect(f"file:{source / 'catalog.sqlite3'}?immutable=1", uri=True)
        write = sqlite3.connect(datadir.catalog)
        read.backup(write)
        write.close()
        read.close()
        log(f"copied the catalog in {time.perf_counter() - t0:.0f} s")
    t0 = time.perf_counter()
    count = rebuild(datadir, Catalog(datadir.catalog), say=log)
    log(f"indexed {count:,} documents in {time.perf_counter() - t0:.0f} s")
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=OUT / "size-100000" / "data", help="the speed bench's data dir")
    parser.add_argument("--size", type=int, default=100_000, help="documents the source holds")
    parser.add_argument("--rounds", type=int, default=5, help="warm passes over the mix")
    parser.add_argument("--build-only", action="store_true", help="prepare the index and stop")
    args = parser.parse_args()
    data = prepare(args.source, args.size)
    if args.build_only:
        return 0
    return measure(data, args.rounds)


def measure(data: Path, rounds: int) -> int:
    raise NotImplementedError


if __name__ == "__main__":
    sys.exit(main())
