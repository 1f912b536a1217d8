"""How fast "who knows about X" answers at 100,000 reports, in-process (issue #17: p95 <= 50 ms).

    python bench/experts_bench.py --source ../main/bench/out/size-100000/data
    python bench/experts_bench.py --source DIR --build-only     # only prepare the index (long, once)

The speed bench's data dir (:mod:`bench.search_build`, 100,000 generated reports with two authors each) is
the source. Its index was built before the ``author_name`` column existed, so this bench copies the
source's catalog (read-only: SQLite's backup from an ``immutable`` connection) into
``bench/out/experts-N/data`` and indexes it once (the service's index writer, in commits of 5,000 with
background merges, as ``skh ingest`` writes); later runs reuse it.

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
    from ingest.indexing import to_index_doc
    from search import BulkLoad, index_state, make_live, new_generation, write_documents, write_lock

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
    # Commits of 5,000 with background merges, as `skh ingest` writes (a rebuild's one commit of 100,000
    # spills to Whoosh's slow posting pool on this machine).
    t0 = time.perf_counter()
    make_live(datadir.index, new_generation(datadir.index))
    catalog, batch, done = Catalog(datadir.catalog), [], 0
    with BulkLoad(datadir.index) as load:
        for doc in catalog.all():
            batch.append(to_index_doc(doc))
            if len(batch) == 5000:
                done += _commit(datadir.index, batch, load, write_documents, write_lock)
                log(f"indexed {done:,} documents ({done / (time.perf_counter() - t0):.0f}/s)")
        done += _commit(datadir.index, batch, load, write_documents, write_lock)
        load.finish(waiting=log)
    log(f"indexed {done:,} documents in {time.perf_counter() - t0:.0f} s")
    return data


def _commit(base: Path, batch: list, load, write_documents, write_lock) -> int:
    with write_lock(base), write_documents(base, load=load) as index:
        for doc in batch:
            index.add(doc)
    count = len(batch)
    batch.clear()
    return count


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


def rss_mb(kind: str = "RssAnon") -> float:
    """Private memory (``RssAnon``): the mapped index files' pages (``RssFile``) are shared page cache."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{kind}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentiles(samples: list[float]) -> dict[str, float]:
    from bench.search_bench import percentiles as of

    return of(samples)


def timed(run) -> float:
    t0 = time.perf_counter()
    run()
    return time.perf_counter() - t0


def measure(data: Path, rounds: int) -> int:
    from werkzeug.datastructures import MultiDict

    from search import directory, find_entity
    from search.concepts import concept_docs
    from web.app import create_app
    from web.experts_view import experts_page
    from web.hub import Hub
    from web.people_view import profile_page

    hub = Hub.open(data, taxonomy=str(TAXONOMY))
    snapshot = hub.pool.get()
    anonymous, staff = ("public",), ("public", "members", "staff")
    print(f"{snapshot.searcher.doc_count():,} documents; cpus {os.cpu_count()}, load {os.getloadavg()[0]:.1f}")
    print(f"open and warm the index: {timed(snapshot.warm):.2f} s")
    for levels in (anonymous, staff):
        seconds = timed(lambda levels=levels: directory(snapshot, levels))
        people = directory(snapshot, levels)
        print(
            f"people directory {'/'.join(levels)}: {seconds:.2f} s "
            f"({len(people.orgs.entities):,} organisations, {len(people.authors.entities):,} people)"
        )

    def ask(levels):
        return [timed(lambda q=q: experts_page(hub, MultiDict([("q", q)]), levels)) for q in MIX]

    cold = ask(anonymous)
    warm = [s for _ in range(rounds) for s in ask(anonymous)]
    warm_staff = [s for _ in range(rounds) for s in ask(staff)]
    print(f"{'/experts in-process, ms':34} {'p50':>7} {'p95':>7} {'p99':>7} {'n':>5}")
    for label, samples in (("first pass (anonymous)", cold), ("anonymous", warm), ("staff", warm_staff)):
        p = percentiles(samples)
        print(f"{label:34} {p['p50']:7.1f} {p['p95']:7.1f} {p['p99']:7.1f} {p['n']:5d}")

    app = create_app(hub)
    entity = directory(snapshot, anonymous).orgs.entities[0]
    with app.test_request_context():
        entity = find_entity(snapshot, anonymous, "org", entity.slug)
        first = timed(lambda: profile_page(hub, entity, anonymous, 1))
        pending = profile_page(hub, entity, anonymous, 1).terms is None
        rss, mapped = rss_mb(), rss_mb("RssFile")
        concepts = timed(lambda: concept_docs(snapshot, hub.settings.search.glossary, wait=3600))
        grown, touched = rss_mb() - rss, rss_mb("RssFile") - mapped
        table = concept_docs(snapshot, hub.settings.search.glossary)
        pairs = sum(docs.size for _offset, (docs, _c) in table.segments) if table is not None else 0
        again = [timed(lambda: profile_page(hub, entity, anonymous, 1)) for _ in range(10)]
    print(
        f"organisation page ({entity.count:,} documents): first {first:.2f} s "
        f"({'without its terms, still being read' if pending else 'with its terms'}); the glossary concepts' "
        f"documents read in the background in {first + concepts:.0f} s in all ({pairs:,} document-concept pairs; "
        f"private memory +{grown:.0f} MB, index pages mapped +{touched:.0f} MB); then p50 "
        f"{percentiles(again)['p50']:.1f} ms, p95 {percentiles(again)['p95']:.1f} ms"
    )
    print(f"load at the end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
