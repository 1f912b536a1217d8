"""One index writer at a time: concurrent writers wait their turn and lose nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from search.searching import SearchRequest, search
from web.hub import Hub
from web.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def _write_docs(folder: Path, prefix: str, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (folder / f"{prefix}{i}.txt").write_text(
            f"Report {prefix}{i}\n\nMeasurements of loudspeaker {prefix}marker{i} in the anechoic room, series {i}."
        )
    return folder


def test_threads_writing_at_once_lose_no_document(hub: Hub, tmp_path: Path):
    folders = [_write_docs(tmp_path / f"t{n}", f"t{n}x", 6) for n in range(4)]
    errors = []

    def work(folder):
        try:
            for path in sorted(folder.iterdir()):  # one commit per file: many lock hand-overs
                hub.ingestor.ingest_paths([path])
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(f,)) for f in folders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert hub.catalog.count() == 24
    assert search(hub.pool.get(), SearchRequest(q="anechoic")).total == 24


def test_processes_writing_at_once_lose_no_document(tmp_path: Path):
    data = tmp_path / "data"
    folders = [_write_docs(tmp_path / f"p{n}", f"p{n}x", 8) for n in range(3)]
    env = {"SKH_DATA_DIR": str(data), "PATH": "/usr/bin:/bin"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "web.cli", "ingest", str(f)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for f in folders
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    hub = Hub.open(data)
    assert hub.catalog.count() == 24
    assert search(hub.pool.get(), SearchRequest(q="anechoic")).total == 24


def test_readers_see_a_commit_without_reopening(hub: Hub, tmp_path: Path):
    assert search(hub.pool.get(), SearchRequest(q="anechoic")).total == 0
    hub.ingestor.ingest_paths([_write_docs(tmp_path / "late", "late", 2)])
    assert search(hub.pool.get(), SearchRequest(q="anechoic")).total == 2


def _segment_sizes(hub: Hub) -> list[int]:
    from search.engine.reading.index import open_index

    return sorted(segment.doc_count_all() for segment in open_index(hub.datadir.index)._segments())


def test_a_persons_save_never_makes_a_large_merge_but_a_bulk_load_does(hub: Hub, tmp_path: Path, monkeypatch):
    """Whoosh's policy can make a one-document upload merge half the index (minutes at 100,000 reports)."""
    from whoosh.writing import NO_MERGE

    from search.engine.writing.writer import index_writer, write_lock
    from search.schema import IndexDoc

    # 30 documents stand in for the default 5,000 (set before the ingestor is made, as at a start).
    hub.settings = Settings.from_env({**os.environ, "SKH_INTERACTIVE_MERGE_DOCS": "30"})
    with write_lock(hub.datadir.index):
        for s in range(20):  # twenty commits of ten: Whoosh would merge seven of them on the next commit
            with index_writer(hub.datadir.index, merge=NO_MERGE) as writer:
                for i in range(10):
                    writer.add_document(**IndexDoc(id=f"s{s}d{i}", title=f"Filler {s} {i}", body="filler").to_fields())
    assert _segment_sizes(hub) == [10] * 20

    for n in range(5):  # five uploads: each its own segment; the five small ones are merged as they come
        outcome = hub.ingestor.ingest_bytes(
            f"Upload {n}\n\nA staff upload about horn loudspeakers, number {n}.".encode(), f"up{n}.txt", f"up{n}.txt"
        )
        assert outcome.status == "added", outcome.reason
        # Whoosh's policy would have merged seven filler segments into the first upload's: 71 documents.
        assert max(_segment_sizes(hub)) <= 30 + 1  # merged ones and the new document
    assert len(_segment_sizes(hub)) < 25  # small segments are still merged
    found = search(hub.pool.get(), SearchRequest(q="horn loudspeakers", visibility=("public",)))
    assert found.total == 5

    bulk = _write_docs(tmp_path / "bulk", "b", 3)
    hub.ingestor.ingest_paths([bulk])  # `skh ingest`: a bulk load merges as Whoosh would
    assert max(_segment_sizes(hub)) > 30 + 3
