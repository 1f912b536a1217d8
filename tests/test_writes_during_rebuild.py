"""Writes never wait silently: a rebuild holds the writer only to swap, and a web write that must wait
gives up after a bound with a clear answer, keeping what the person submitted (issue 14, failure 5)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ingest.areas import assign_areas
from ingest.extract import extract
from ingest.indexing import reindex, save_documents
from search import BulkLoad
from search.engine.reading.index import current_dir, open_index
from search.engine.writing.merging import busy_segment_ids
from search.engine.writing.writer import WriterBusy, write_lock
from tests.accounts_support import csrf_token
from tests.test_staff import REPORT, publish, staff, upload  # noqa: F401 - staff is a fixture
from web.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
HOLD_LIMIT = 60
"""A lock-holding child lets go by itself after this long, so a test of a bug cannot hang for ever."""

HOLDER = """
import select, sys
from pathlib import Path
from search.engine.writing.writer import write_lock
with write_lock(Path(sys.argv[1])):
    print("held", flush=True)
    select.select([sys.stdin], [], [], float(sys.argv[2]))
"""


def wait_for_writer(hub, seconds: str) -> None:
    """The hub's settings as if ``SKH_WRITE_WAIT_SECONDS`` had been ``seconds`` when it started."""
    hub.settings = Settings.from_env({**os.environ, "SKH_WRITE_WAIT_SECONDS": seconds})


class HeldLock:
    """Another process holding the index writer until :meth:`release`."""

    def __init__(self, base: Path):
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(base), str(HOLD_LIMIT)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout.readline().strip() == "held"

    def release(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
        self.process.wait(timeout=60)


@pytest.fixture
def held(staff):  # noqa: F811 - the fixture imported above
    hub = staff[0]
    lock = HeldLock(hub.datadir.index)
    yield lock
    lock.release()


def _index_ids(hub) -> list[str]:
    with open_index(hub.datadir.index).searcher() as searcher:
        return sorted(fields["id"] for fields in searcher.all_stored_fields())


def _edit_form(client, doc, title: str) -> dict:
    return {
        "csrf_token": csrf_token(client, f"/doc/{doc.id}/edit"),
        "title": title,
        "authors": "; ".join(doc.authors),
        "org": doc.org,
        "year": str(doc.year or ""),
        "type": doc.type,
        "areas": list(doc.areas),
        "visibility": doc.visibility,
    }


def test_publish_edit_and_delete_during_a_rebuild_return_at_once_and_survive_the_swap(staff, monkeypatch):  # noqa: F811
    """The rebuild is held, built but not yet swapped in, until the three web writes have answered.

    With the writer held for the whole rebuild (as before), each write would wait for the rebuild and
    answer 503 after the bound: the rebuild cannot end before the test lets it go.
    """
    hub, client, _ = staff
    wait_for_writer(hub, "5")
    review = upload(client, ("infrasound.md", REPORT)).get_data(as_text=True)
    edited, deleted = sorted(hub.catalog.all(), key=lambda d: d.id)[:2]
    before = current_dir(hub.datadir.index)
    built, go, outcome = threading.Event(), threading.Event(), {}

    def hold_when_built(message: str) -> None:
        if message.startswith("built"):
            built.set()
            assert go.wait(timeout=120), "the test never let the rebuild go on"

    def rebuild() -> None:
        try:
            outcome["count"] = reindex(hub.datadir, hub.catalog, say=hold_when_built)
        except BaseException as exc:  # noqa: BLE001 - reported below
            outcome["error"] = exc

    thread = threading.Thread(target=rebuild)
    thread.start()
    try:
        assert built.wait(timeout=120)
        published = publish(client, review)
        changed = client.post(f"/doc/{edited.id}/edit", data=_edit_form(client, edited, "Retitled during rebuild"))
        token = csrf_token(client, f"/doc/{deleted.id}/edit")
        removed = client.post(f"/doc/{deleted.id}/delete", data={"csrf_token": token})
        assert thread.is_alive()  # the rebuild has not ended: the writes did not wait for it
        assert (published.status_code, changed.status_code, removed.status_code) == (302, 302, 302)
    finally:
        go.set()
        thread.join(timeout=120)
    assert "error" not in outcome, outcome
    assert current_dir(hub.datadir.index) != before  # the rebuilt generation is live

    new_id = published.headers["Location"].rsplit("/", 1)[-1]
    assert client.get("/api/search?q=infrasound").get_json()["hits"][0]["id"] == new_id
    hits = client.get("/api/search?q=%22Retitled+during+rebuild%22").get_json()["hits"]
    assert [h["id"] for h in hits] == [edited.id]
    assert deleted.id not in _index_ids(hub)
    assert _index_ids(hub) == sorted(d.id for d in hub.catalog.all())
    assert outcome["count"] == hub.catalog.count()


def test_a_web_publish_gives_up_with_a_clear_answer_and_keeps_the_upload(staff, held, monkeypatch):  # noqa: F811
    """Before: the publish waited as long as the other writer held the index (here until the holder's own
    limit), then the upload was taken from the pending list before it was saved."""
    hub, client, emails = staff
    wait_for_writer(hub, "1")
    review = upload(client, ("infrasound.md", REPORT)).get_data(as_text=True)
    token = review.split('name="token" value="')[1].split('"')[0]

    busy = publish(client, review, title="Infrasound, reviewed")
    page = busy.get_data(as_text=True)
    assert busy.status_code == 503 and busy.headers["Retry-After"]
    assert "The index is busy" in page and "Your upload is kept" in page
    assert hub.pending.peek(emails["staff"], token) is not None  # nothing lost
    assert 'value="Infrasound, reviewed"' in page  # the reviewer's correction is still in the form
    assert held.process.poll() is None  # it answered while the other writer still held the index

    held.release()
    done = publish(client, page)
    assert done.status_code == 302
    assert hub.pending.peek(emails["staff"], token) is None
    hits = client.get("/api/search?q=infrasound").get_json()["hits"]
    assert [h["title"] for h in hits] == ["Infrasound, reviewed"]


def test_a_web_edit_and_delete_give_up_with_a_clear_answer_and_change_nothing(staff, held, monkeypatch):  # noqa: F811
    hub, client, _ = staff
    wait_for_writer(hub, "1")
    doc = next(hub.catalog.all())

    busy = client.post(f"/doc/{doc.id}/edit", data=_edit_form(client, doc, "Changed while busy"))
    page = busy.get_data(as_text=True)
    assert busy.status_code == 503 and "The index is busy" in page
    assert 'value="Changed while busy"' in page  # the edit is kept in the form to send again
    token = csrf_token(client, f"/doc/{doc.id}/edit")
    gone = client.post(f"/doc/{doc.id}/delete", data={"csrf_token": token})
    assert gone.status_code == 503 and "The index is busy" in gone.get_data(as_text=True)
    assert held.process.poll() is None
    assert hub.catalog.get(doc.id) == doc
    assert doc.id in _index_ids(hub)


def test_write_lock_with_a_timeout_raises_writer_busy_and_says_once_that_it_waits(hub):
    lock = HeldLock(hub.datadir.index)
    heard = []
    try:
        with pytest.raises(WriterBusy), write_lock(hub.datadir.index, timeout=0.3, waiting=lambda: heard.append(1)):
            pytest.fail("the lock was taken while another process held it")
    finally:
        lock.release()
    assert heard == [1]
    with write_lock(hub.datadir.index, timeout=0.3, waiting=lambda: heard.append(2)):
        pass  # free now: taken at once, without a word
    assert heard == [1]


def run_while_another_writes(mini_hub, *args: str) -> tuple[int, str, str]:
    """Run ``skh ARGS`` while another process holds the write lock; it must say at once that it waits,
    then finish once the lock is let go. Returns its exit code, output and error output."""
    env = {"SKH_DATA_DIR": str(mini_hub.datadir.root), "PATH": "/usr/bin:/bin"}
    lock = HeldLock(mini_hub.datadir.index)
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "web.cli", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        first = proc.stderr.readline()
        assert "waiting for another writer" in first
    finally:
        lock.release()
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, first + err


def test_skh_reindex_says_it_waits_for_another_writer(mini_hub):
    returncode, out, err = run_while_another_writes(mini_hub, "reindex")
    assert returncode == 0, err
    assert f"reindexed {mini_hub.catalog.count()} documents" in out


def test_two_rebuilds_at_once_both_finish_and_leave_one_whole_index(mini_hub):
    hub = mini_hub
    results, errors = [], []

    def run() -> None:
        try:
            results.append(reindex(hub.datadir, hub.catalog))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors and results == [hub.catalog.count()] * 2
    assert _index_ids(hub) == sorted(d.id for d in hub.catalog.all())
    generations = [p for p in hub.datadir.index.iterdir() if p.is_dir() and p.name.startswith("gen-")]
    assert len(generations) <= 2


def _docs(hub, prefix: str, count: int) -> list:
    return [
        assign_areas(
            extract(
                f"Report {prefix}{i}\n\nLoudspeaker series {prefix}mark{i} measured.".encode(),
                f"{prefix}{i}.txt",
                f"{prefix}{i}.txt",
                {"visibility": "public"},
            ),
            hub.ingestor.classifier,
        )
        for i in range(count)
    ]


def test_a_background_merge_of_the_old_generation_is_dropped_at_the_swap_and_nothing_is_lost(hub):
    """A bulk load's merge child reserved the live generation; a rebuild swaps a new one in before the load
    takes the result. The result must not be applied to the new generation, and no document may be lost."""
    for s in range(6):  # six segments of three (saves that merge nothing): Whoosh's rule then merges five
        batch = _docs(hub, f"s{s}x", 3)
        save_documents(hub.datadir, hub.catalog, lambda _c, b=batch: b, max_merge_docs=0)
    with BulkLoad(hub.datadir.index, min_background_docs=1) as load:
        late = _docs(hub, "late", 1)
        save_documents(hub.datadir, hub.catalog, lambda _c: late, load=load)
        assert load.started == 1
        old = current_dir(hub.datadir.index)
        assert busy_segment_ids(old)  # reserved in the old generation
        reindex(hub.datadir, hub.catalog)
        after = _docs(hub, "after", 1)
        save_documents(hub.datadir, hub.catalog, lambda _c: after, load=load)
        load.finish()  # waits for the merge; the commit that takes its result finds the generation changed
    assert load.taken == 0  # dropped: its sources belong to a generation no longer live
    assert not busy_segment_ids(current_dir(hub.datadir.index))
    assert _index_ids(hub) == sorted(d.id for d in hub.catalog.all())
    assert len(_index_ids(hub)) == 6 * 3 + 2


def test_an_area_refresh_does_not_overwrite_an_edit_made_after_it_read_the_document(mini_hub):
    """The refresh classifies without the write lock; a staff edit that lands in between must win."""
    import copy

    from ingest.area_refresh import reassigned, save_reassigned
    from ingest.curation import update_metadata

    hub = mini_hub
    doc = next(hub.catalog.all())
    doc.areas, doc.areas_auto = [], True  # as if assigned automatically: the refresh will rewrite it
    save_documents(hub.datadir, hub.catalog, lambda _c: [doc])
    read = hub.catalog.get(doc.id)
    computed = reassigned(copy.deepcopy(read), hub.ingestor.classifier)
    assert computed is not None and computed.areas_auto
    update_metadata(hub.datadir, hub.catalog, doc.id, {"areas": ["sound-experience"]})  # meanwhile, by hand
    save_reassigned(hub.datadir, hub.catalog, hub.ingestor.classifier, [(read, computed)])
    now = hub.catalog.get(doc.id)
    assert now.areas == ["sound-experience"] and not now.areas_auto


def test_an_area_refresh_goes_on_while_another_connection_writes_between_its_batches(mini_hub):
    """Seen in the soak bench: with one catalog cursor open across the batches, the first batch written
    after another process's write failed with "database is locked" (its snapshot was stale)."""
    from ingest.area_refresh import reassign_automatic_areas
    from ingest.curation import update_metadata

    hub = mini_hub
    docs = list(hub.catalog.all())
    for doc in docs:
        doc.areas, doc.areas_auto = [], True  # all automatic: every batch writes
    save_documents(hub.datadir, hub.catalog, lambda _c: docs)
    title = "Retitled between two batches"

    def write_elsewhere(_done: int) -> None:
        edit = threading.Thread(target=update_metadata, args=(hub.datadir, hub.catalog, docs[-1].id, {"title": title}))
        edit.start()  # another thread: its own SQLite connection
        edit.join()

    changed = reassign_automatic_areas(hub.datadir, hub.catalog, hub.ingestor.classifier, 2, write_elsewhere)
    assert changed == len(docs)
    assert hub.catalog.get(docs[-1].id).title == title  # the edit kept


def test_an_area_refresh_that_changes_no_areas_leaves_the_live_index_alone(mini_hub):
    """Seen in the soak bench: the refresh rewrote every automatic document into the live index, and the
    next one-file `skh ingest` merged those segments under the write lock for a minute."""
    from ingest.area_refresh import reassign_automatic_areas

    hub = mini_hub
    docs = list(hub.catalog.all())
    for doc in docs:
        doc.areas, doc.areas_auto = [], True
    save_documents(hub.datadir, hub.catalog, lambda _c: docs)
    reassign_automatic_areas(hub.datadir, hub.catalog, hub.ingestor.classifier)  # areas assigned: indexed
    segments = [s.segment_id() for s in open_index(hub.datadir.index)._segments()]
    evidence = {d.id: d.area_evidence for d in hub.catalog.all()}
    assert reassign_automatic_areas(hub.datadir, hub.catalog, hub.ingestor.classifier) == len(docs)
    assert [s.segment_id() for s in open_index(hub.datadir.index)._segments()] == segments
    assert {d.id: d.area_evidence for d in hub.catalog.all()} == evidence


def test_skh_ingest_says_that_it_waits_for_another_writer_and_how_long(mini_hub, tmp_path):
    path = tmp_path / "late.txt"
    path.write_text("Late note\n\nA note about anechoic rooms.\n", encoding="utf-8")
    returncode, out, err = run_while_another_writes(mini_hub, "ingest", str(path))
    assert returncode == 0 and "1 added" in out, err
    assert re.search(r"waited \d+\.\d s for another writer", err)
