"""A bulk load's large merges are written by another process; nothing is lost or found twice on the way."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from whoosh import query as wq
from whoosh.writing import NO_MERGE

from search.engine.reading.index import current_dir, open_index, segments_of
from search.engine.writing.background_merge import BackgroundMerges, MergeProgress, merge_progress
from search.engine.writing.merging import RESERVATION, bounded_merge, busy_segment_ids, release, reserve
from search.engine.writing.writer import index_writer, write_lock
from search.schema import IndexDoc
from search.searching import SearchRequest, search
from web.hub import Hub


def _doc(doc_id: str, title: str = "") -> dict:
    """A document whose body holds a word of its own, so each posting list says where its document went."""
    doc = IndexDoc(id=doc_id, title=title or f"Report {doc_id}", body=f"loudspeaker mark{doc_id}", lang="en")
    return doc.to_fields()


def _index_of_six_segments(base: Path) -> list[str]:
    """Six commits of three documents each; Whoosh's rule then merges the five smallest (15 documents)."""
    ids = []
    with write_lock(base):
        for s in range(6):
            with index_writer(base, merge=NO_MERGE) as writer:
                for i in range(3):
                    ids.append(f"s{s}d{i}")
                    writer.add_document(**_doc(ids[-1]))
    return ids


def _commit(base: Path, merge, add=(), delete=(), update=()) -> None:
    with write_lock(base), index_writer(base, merge=merge) as writer:
        for doc_id in add:
            writer.add_document(**_doc(doc_id))
        for doc_id in delete:
            writer.delete_by_term("id", doc_id)
        for doc_id in update:
            writer.update_document(**_doc(doc_id, title=f"Revised {doc_id}"))


def _where(base: Path) -> dict[str, list[str]]:
    """Each live document's id -> the ids of the documents its own word finds (itself, if nothing moved)."""
    ix = open_index(base)
    with ix.searcher() as searcher:
        found = {}
        for fields in searcher.all_stored_fields():
            doc_id = fields["id"]
            hits = searcher.search(wq.Term("body_en", f"mark{doc_id}".lower()), limit=None)
            found.setdefault(doc_id, []).extend(hit["id"] for hit in hits)
        return found


def _files_outside_toc(base: Path) -> list[str]:
    ix = open_index(base)
    folder = Path(ix.storage.folder)
    names = {segment.segment_id() for segment in segments_of(ix)}
    return sorted(
        f.name
        for f in folder.iterdir()
        if f.name.startswith("MAIN_") and "." in f.name and f.name.split(".")[0] not in names
    )


def _merge_begun(base: Path) -> tuple[list[str], BackgroundMerges]:
    """Six segments, then a commit (adding "new0") whose rule picks five: another process merges them."""
    ids = _index_of_six_segments(base)
    merges = BackgroundMerges(min_docs=1)
    _commit(base, merges, add=["new0"])
    assert merges.started == 1 and busy_segment_ids(current_dir(base))
    return [*ids, "new0"], merges


def _progress(base: Path, phases: tuple[str, ...], timeout: float = 120.0) -> MergeProgress:
    """Wait until the merging process says it has reached one of ``phases`` (it writes a progress file)."""
    deadline = time.monotonic() + timeout
    while True:
        progress = merge_progress(current_dir(base))
        if progress is not None and progress.phase in phases:
            return progress
        assert time.monotonic() < deadline, f"the merging process never reached {phases} (last: {progress})"
        time.sleep(0.002)


def _assert_each_document_once(base: Path, ids: list[str]) -> None:
    """Every document is there once, each one's own word finds it, and no segment file is left over."""
    where = _where(base)
    assert sorted(where) == sorted(ids)
    assert all(found == [doc_id] for doc_id, found in where.items())
    assert _files_outside_toc(base) == []


def test_deletions_and_updates_made_during_the_merge_are_carried_into_it(tmp_path: Path):
    base = tmp_path / "index"
    ids, merges = _merge_begun(base)
    # Meanwhile the load goes on: a document is deleted and another replaced, both in segments being merged.
    _commit(base, merges, delete=["s0d1"], update=["s1d2"])
    merges.finish(base)
    assert merges.taken == 1 and merges.carried_deletions == 2

    expected = [i for i in ids if i != "s0d1"]
    _assert_each_document_once(base, expected)  # the deleted one gone, and each word finds its own document
    with open_index(base).searcher() as searcher:
        revised = [t.text for t in searcher.schema["title_en"].analyzer("Revised")]
        assert [hit["id"] for hit in searcher.search(wq.Term("title_en", revised[0]))] == ["s1d2"]
        assert searcher.doc_count() == len(expected)
    assert len(segments_of(open_index(base))) < 8
    assert not (Path(open_index(base).storage.folder) / RESERVATION).exists()


def _upload(base: Path) -> str:
    """A person's upload in another process, say: its commit deletes unlisted segment files and merges small
    segments, but not the reserved ones."""
    _commit(base, bounded_merge(), add=["upload0"])
    return "upload0"


def _optimize(base: Path) -> str:
    """Everything merged into one segment, the background merge's sources among them."""
    with write_lock(base), index_writer(base) as writer:
        writer.add_document(**_doc("late0"))
        writer.optimize = True
    return "late0"


@pytest.mark.parametrize(
    ("meanwhile", "taken"),
    [(_upload, 1), (_optimize, 0)],
    ids=["a finished merge survives another writer's commit", "a merge whose sources were merged is dropped"],
)
def test_another_writers_commit_before_the_merge_is_taken(tmp_path: Path, meanwhile, taken: int):
    base = tmp_path / "index"
    ids, merges = _merge_begun(base)
    merges.wait()  # the merged segment is written but not yet in the table of contents
    added = meanwhile(base)
    merges.finish(base)
    assert merges.taken == taken
    _assert_each_document_once(base, [*ids, added])


def _large_merge_begun(base: Path) -> tuple[list[str], BackgroundMerges]:
    """Thirteen segments of 100 documents, then a commit (adding "c0") whose rule picks twelve: another
    process merges 1,200 documents, long enough (a good part of a second) to act while it writes."""
    ids = [f"s{s}d{i}" for s in range(13) for i in range(100)]
    with write_lock(base):
        for s in range(13):
            with index_writer(base, merge=NO_MERGE) as writer:
                for doc_id in ids[s * 100 : (s + 1) * 100]:
                    writer.add_document(**_doc(doc_id))
    merges = BackgroundMerges(min_docs=1)
    _commit(base, merges, add=["c0"])
    assert merges.started == 1
    return [*ids, "c0"], merges


def test_a_merging_process_that_dies_loses_nothing(tmp_path: Path):
    base = tmp_path / "index"
    ids, merges = _large_merge_begun(base)
    child = _progress(base, ("writing",)).pid  # it has begun writing the merged segment
    os.kill(child, signal.SIGKILL)  # the out-of-memory killer, say
    merges.wait()  # until the process has ended
    assert merge_progress(current_dir(base)) == MergeProgress(child, "writing"), "it died before it was done"
    said = []
    merges.finish(base, waiting=said.append)  # `skh ingest` prints what it waits for
    assert said == ["finishing the index merge of 1,200 documents begun during the load"]
    assert merges.taken == 0
    _assert_each_document_once(base, ids)  # its half-written files are cleaned up by the last commit
    assert not (Path(open_index(base).storage.folder) / RESERVATION).exists()


def test_a_bulk_load_merges_in_the_background_and_finds_every_document(hub: Hub, tmp_path: Path):
    folder = tmp_path / "bulk"
    folder.mkdir()
    for i in range(24):
        (folder / f"r{i}.txt").write_text(f"Report {i}\n\nReverberation in lecture hall {i}, marker word hall{i}x.")
    hub.ingestor.batch_size = 2  # twelve commits of two documents
    hub.ingestor.background_merge_docs = 4  # stands in for the default 10,000
    report = hub.ingestor.ingest_paths([folder])
    assert report.summary()["added"] == 24, report.failed
    assert hub.ingestor.merges.started >= 1 and hub.ingestor.merges.taken == hub.ingestor.merges.started
    assert search(hub.pool.get(), SearchRequest(q="reverberation")).total == 24
    for i in (0, 7, 23):
        found = search(hub.pool.get(), SearchRequest(q=f"hall{i}x"))
        assert [hub.catalog.get(hit.id).title for hit in found.hits] == [f"Report {i}"]
    assert len(segments_of(open_index(hub.datadir.index))) < 12
    assert _files_outside_toc(hub.datadir.index) == []


def test_one_background_merge_holds_an_index_at_a_time(tmp_path: Path):
    assert reserve(tmp_path, "first", ["s1"])
    assert not reserve(tmp_path, "second", ["s2"])  # a second load's merge is made in its commit instead
    assert busy_segment_ids(tmp_path) == {"s1"}
    release(tmp_path)
    assert reserve(tmp_path, "second", ["s2"])
    release(tmp_path)
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    leftover = {"pid": int(ended.stdout), "segment": "crashed", "sources": ["s3"]}
    (tmp_path / RESERVATION).write_text(json.dumps(leftover))  # its owner died mid-merge
    assert busy_segment_ids(tmp_path) == set()
    assert reserve(tmp_path, "third", ["s4"])
    assert busy_segment_ids(tmp_path) == {"s4"}


def test_a_second_load_merges_in_its_commits_while_the_first_loads_merge_runs(tmp_path: Path):
    base = tmp_path / "index"
    ids = _index_of_six_segments(base)
    first, second = BackgroundMerges(min_docs=1), BackgroundMerges(min_docs=1)
    _commit(base, first, add=["a0"])
    assert first.started == 1
    with write_lock(base):  # the second load's first commits
        for s in range(5):
            with index_writer(base, merge=NO_MERGE) as writer:
                for i in range(3):
                    ids.append(f"t{s}d{i}")
                    writer.add_document(**_doc(ids[-1]))
    _commit(base, second, add=["b0"])  # its rule picks five free segments; the first load holds the index
    assert second.started == 0
    first.finish(base)
    second.finish(base)
    assert first.taken == 1
    _assert_each_document_once(base, [*ids, "a0", "b0"])


def test_the_load_commits_many_times_while_the_merge_is_written(tmp_path: Path):
    """Every commit of the load clears its writer's temporary files; the merging process keeps its own."""
    base = tmp_path / "index"
    ids, merges = _large_merge_begun(base)
    _progress(base, ("writing",))  # the merging process has made its writer: its temporary files are in use
    for n in range(1, 6):  # the load's commits go on meanwhile, each clearing its own writer's temporary files
        _commit(base, merges, add=[f"c{n}"])
        ids.append(f"c{n}")
        if n == 1:
            assert merge_progress(current_dir(base)).phase == "writing", "a whole commit made while it writes"
    merges.wait()
    merges.finish(base)
    assert merges.taken == merges.started == 1  # the fifth commit's own merge of c0..c4 is made in that commit
    _assert_each_document_once(base, ids)
