"""Building the speed bench's corpora: the service's own data directory, and a naive Whoosh index.

Both are cached under ``bench/out/`` by size, because building 100,000 reports
takes a long time on two cores; a ``build.json`` beside each records how long
the build took, so a later run still prints the ingest rate it measured.

* ``size-N/data``: documents ``0..N-1`` of :mod:`bench.speed_corpus` ingested by
  the service's real path (:class:`ingest.pipeline.Ingestor`: detect, parse,
  detect language, assign strength areas, store, catalog + index in batches).
* ``size-N/naive-whoosh``: the same documents (regenerated: same title, body and
  header metadata; strength areas are the topics each report was written
  about, where the service assigns its own) in a Whoosh index as the Whoosh
  tutorial would build it: one stored ``body`` with Whoosh's own stemming
  analyzer, stored metadata fields, and nothing else. It does not depend on
  the service's build, so the two can be built side by side.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import time
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, KEYWORD, TEXT, Schema

from bench.speed_corpus import Vocabulary, make_doc, write_corpus
from ingest.pipeline import Explicit
from web.hub import Hub

OUT = Path(__file__).resolve().parent / "out"
TAXONOMY = Path(__file__).resolve().parent.parent / "corpus" / "areas.toml"


def size_dir(size: int) -> Path:
    return OUT / f"size-{size}"


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")


def build_lean(size: int, log=print) -> dict:
    """Ingest documents ``0..size-1`` through the service's path (cached)."""
    folder = size_dir(size)
    info_path = folder / "build.json"
    info = _read_json(info_path)
    if info.get("lean"):
        return info["lean"]
    t0 = time.perf_counter()
    files = write_corpus(OUT / "docs", size)
    generated = time.perf_counter() - t0
    data = folder / "data"
    shutil.rmtree(data, ignore_errors=True)
    hub = Hub.open(data, taxonomy=str(TAXONOMY))
    took = ingest_files(hub, files, log=lambda m: log(f"  size {size}: {m}"))
    done, seconds = took["documents"], took["seconds"]
    lean = {
        "documents": done,
        "failed": took["failed"],
        "ingest_seconds": round(seconds, 1),
        "ingest_docs_per_s": round(done / seconds, 1),
        "generate_seconds": round(generated, 1),
        "index_mb": round(_folder_mb(data / "index"), 1),
        "catalog_mb": round(_folder_mb(data / "catalog.sqlite3"), 1),
        "cpus": os.cpu_count(),
    }
    info["lean"] = lean
    _write_json(info_path, info)
    return lean


def children_cpu() -> float:
    """User + system CPU seconds of this process's finished child processes (the parsers, background merges)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ingest_files(hub: Hub, files: dict[str, list[Path]], log=print, every: int = 5000) -> dict:
    """Ingest ``files`` (paths per visibility level) through ``hub``'s ingestor, timed.

    One call per visibility level, as `skh ingest FOLDER --visibility LEVEL` would make. Shared by
    :func:`build_lean` and ``bench/side_by_side.py``, so both measure documents/s the same way.
    CPU seconds (this process plus its finished children) are returned too: on a shared machine they
    are steadier than the wall clock.
    """
    done, failed, seen = 0, 0, 0
    cpu0, children0, t0 = time.process_time(), children_cpu(), time.perf_counter()

    def progress(outcome) -> None:
        nonlocal seen
        seen += 1
        if seen % every == 0:
            log(f"{seen} ingested ({seen / (time.perf_counter() - t0):.0f} documents/s)")

    for level, paths in files.items():
        report = hub.ingestor.ingest_paths(paths, Explicit(visibility=level), progress=progress)
        done += report.count("added")
        failed += len(report.failed)
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - cpu0 + children_cpu() - children0
    return {"documents": done, "failed": failed, "seconds": seconds, "cpu_seconds": cpu}


def naive_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(stored=True, analyzer=StemmingAnalyzer()),
        body=TEXT(stored=True, analyzer=StemmingAnalyzer()),
        authors=TEXT(stored=True),
        org=ID(stored=True),
        area=KEYWORD(stored=True, commas=True),
        type=ID(stored=True),
        lang=ID(stored=True),
        year=ID(stored=True),
        visibility=ID(stored=True),
    )


def build_naive(size: int, log=print) -> dict:
    """The comparison index of documents ``0..size-1`` (cached)."""
    folder = size_dir(size)
    info_path = folder / "naive-whoosh.json"
    info = _read_json(info_path)
    if info.get("naive"):
        return info["naive"]
    vocab = Vocabulary.build()
    path = folder / "naive-whoosh"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    ix = whoosh_index.create_in(str(path), naive_schema())
    t0 = time.perf_counter()
    writer = ix.writer(limitmb=512)
    for n in range(1, size + 1):
        doc = make_doc(vocab, n - 1)
        writer.add_document(
            id=f"doc-{doc.number:06d}",
            title=doc.title,
            body=doc.body,
            authors="; ".join(doc.authors),
            org=doc.org,
            area=",".join(doc.areas),
            type=doc.type,
            lang=doc.lang,
            year=doc.date[:4],
            visibility=doc.visibility,
        )
        if n % 10_000 == 0:
            writer.commit()
            writer = ix.writer(limitmb=512)
            log(f"  size {size}: {n} in the naive index ({n / (time.perf_counter() - t0):.0f} documents/s)")
    writer.commit()
    seconds = time.perf_counter() - t0
    naive = {"index_seconds": round(seconds, 1), "index_mb": round(_folder_mb(path), 1)}
    _write_json(info_path, {"naive": naive})
    return naive


def _folder_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 2**20
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20
