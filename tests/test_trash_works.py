"""The trash and works together, with the real catalog, index and app: a restored document goes back into
the work it was trashed from, and the trashed file uploaded or ingested again is not a new document."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import works
from ingest.store import path_for
from ingest.trash import purge_expired, restore, trash
from tests.accounts_support import csrf_token, staff_client
from tests.test_staff import publish, upload
from tests.works_support import html, markdown, report_text, revised
from web.hub import Hub

TITLE = "Speech intelligibility in noisy restaurants"
STAFF = "staff@cluster.example"


@pytest.fixture
def staff_app(hub: Hub):
    return hub, staff_client(hub)


def hit_ids(client, query: str = "restaurants") -> list[str]:
    return [h["id"] for h in client.get(f"/api/search?q={query}&per_page=50").get_json()["hits"]]


def placed(hub: Hub, doc_id: str) -> list[tuple[str, int, str]]:
    """(member, version, kind) of ``doc_id``'s work, sorted."""
    return sorted((m.doc_id, m.version, m.kind) for m in works.work_of(hub.catalog.connection(), doc_id))


def two_formats(hub: Hub, folder: Path) -> dict[str, str]:
    folder.mkdir()
    body = report_text(21)
    (folder / "r.md").write_bytes(markdown(TITLE, body))
    (folder / "r.html").write_bytes(html(TITLE, body))
    report = hub.ingestor.ingest_paths([folder])
    return {Path(o.path).suffix: o.id for o in report.outcomes}


def test_a_restored_format_goes_back_into_its_work_and_is_the_hit_again(staff_app, tmp_path):
    hub, staff = staff_app
    ids = two_formats(hub, tmp_path / "in")
    before = placed(hub, ids[".md"])
    assert len(before) == 2 and hit_ids(staff) == [ids[".html"]]

    form = {"csrf_token": csrf_token(staff, f"/doc/{ids['.html']}/edit")}
    assert staff.post(f"/doc/{ids['.html']}/delete", data=form).status_code == 302
    assert hit_ids(staff) == [ids[".md"]] and placed(hub, ids[".md"]) == []  # the work came apart

    back = staff.post(f"/trash/{ids['.html']}/restore", data={"csrf_token": csrf_token(staff, "/trash")})
    assert back.status_code == 302
    assert placed(hub, ids[".md"]) == before
    assert hit_ids(staff) == [ids[".html"]]  # one hit again, the preferred format
    page = staff.get(f"/doc/{ids['.md']}").get_data(as_text=True)
    assert f'rel="canonical" href="http://localhost/doc/{ids[".html"]}"' in page


def test_a_restored_version_rejoins_the_work_that_went_on_without_it(staff_app, tmp_path):
    """Three members: the old edition in two formats and a new edition. The old Markdown is trashed and
    restored: it is again a format of version 1, and the new edition stays the hit."""
    hub, staff = staff_app
    folder = tmp_path / "in"
    folder.mkdir()
    body = report_text(22)
    (folder / "old.md").write_bytes(markdown(TITLE, body))
    (folder / "old.html").write_bytes(html(TITLE, body))
    ids = {Path(o.path).stem + Path(o.path).suffix: o.id for o in hub.ingestor.ingest_paths([folder]).outcomes}
    (tmp_path / "new.md").write_bytes(markdown(TITLE + " (2nd edition)", revised(body, 0.08, 5), year=2025))
    (new,) = hub.ingestor.ingest_paths([tmp_path / "new.md"]).outcomes
    works_form = {"csrf_token": csrf_token(staff, f"/doc/{new.id}"), "kind": "version", "other": ids["old.html"]}
    assert staff.post(f"/doc/{new.id}/work/link", data=works_form).status_code == 302
    before = placed(hub, new.id)
    assert [v for _, v, _ in before] == [1, 1, 2]

    trash(hub.datadir, hub.catalog, ids["old.md"], STAFF)
    assert len(placed(hub, new.id)) == 2
    restore(hub.datadir, hub.catalog, ids["old.md"], STAFF)
    assert placed(hub, new.id) == before
    assert hit_ids(staff) == [new.id]


def test_a_partner_placed_elsewhere_meanwhile_is_not_moved_by_a_restore(staff_app, tmp_path):
    hub, staff = staff_app
    ids = two_formats(hub, tmp_path / "in")
    trash(hub.datadir, hub.catalog, ids[".html"], STAFF)
    (tmp_path / "other.md").write_bytes(markdown("Loudspeaker port noise", report_text(23)))
    (other,) = hub.ingestor.ingest_paths([tmp_path / "other.md"]).outcomes
    form = {"csrf_token": csrf_token(staff, f"/doc/{ids['.md']}"), "kind": "version", "other": other.id}
    assert staff.post(f"/doc/{ids['.md']}/work/link", data=form).status_code == 302
    partners_now = placed(hub, ids[".md"])

    restore(hub.datadir, hub.catalog, ids[".html"], STAFF)
    assert placed(hub, ids[".md"]) == partners_now  # left where staff put it
    assert placed(hub, ids[".html"]) == []  # back, standing alone
    assert ids[".html"] in hit_ids(staff)


def test_purging_forgets_the_kept_work(staff_app, tmp_path):
    from datetime import UTC, datetime, timedelta

    hub, _staff = staff_app
    ids = two_formats(hub, tmp_path / "in")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    trash(hub.datadir, hub.catalog, ids[".html"], STAFF, now=start)
    kept = "SELECT COUNT(*) FROM trash_works"
    assert hub.catalog.connection().execute(kept).fetchone()[0] == 1
    purge_expired(hub.datadir, hub.catalog, 30, hub.pending.hashes, now=start + timedelta(days=31))
    assert hub.catalog.connection().execute(kept).fetchone()[0] == 0


def test_the_trashed_file_ingested_again_is_skipped_naming_the_trashed_document(mini_hub, tmp_path):
    hub = mini_hub
    doc = next(hub.catalog.all())
    count = hub.catalog.count()
    trash(hub.datadir, hub.catalog, doc.id, STAFF)
    (tmp_path / "again.md").write_bytes(path_for(hub.datadir.originals, doc.sha256).read_bytes())
    report = hub.ingestor.ingest_paths([tmp_path / "again.md"])
    (outcome,) = report.outcomes
    assert (outcome.status, outcome.id, outcome.reason.code) == ("skipped", doc.id, "in_trash")
    assert report.failed == [] and hub.catalog.count() == count - 1
    restore(hub.datadir, hub.catalog, doc.id, STAFF)  # nothing took its bytes: the restore goes through
    assert hub.catalog.get(doc.id) is not None


def test_the_trashed_file_uploaded_again_is_refused_with_the_way_back(staff_app, tmp_path):
    hub, staff = staff_app
    ids = two_formats(hub, tmp_path / "in")
    doc = hub.catalog.get(ids[".md"])
    trash(hub.datadir, hub.catalog, doc.id, STAFF)
    page = upload(staff, ("again.md", path_for(hub.datadir.originals, doc.sha256).read_bytes()))
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "is in the trash as document" in text and doc.id in text
    assert 'name="token"' not in text  # nothing waits for review
    staff.set_cookie("skh_lang", "da", domain="localhost")
    danish = upload(staff, ("again.md", path_for(hub.datadir.originals, doc.sha256).read_bytes()))
    assert "ligger i papirkurven" in danish.get_data(as_text=True)


def test_an_upload_whose_file_was_trashed_while_it_waited_is_not_published(staff_app, tmp_path):
    hub, staff = staff_app
    data = markdown("Port noise in small cabinets", report_text(24))
    page = upload(staff, ("port.md", data)).get_data(as_text=True)
    (tmp_path / "port.md").write_bytes(data)
    (added,) = hub.ingestor.ingest_paths([tmp_path / "port.md"]).outcomes  # the same file, by the command line
    trash(hub.datadir, hub.catalog, added.id, STAFF)

    answer = publish(staff, page)
    assert answer.status_code == 302 and f"/doc/{added.id}" not in answer.headers["Location"]
    shown = staff.get(answer.headers["Location"]).get_data(as_text=True)
    assert "is in the trash as document" in shown
    assert hub.catalog.get(added.id) is None and hub.catalog.count() == 0


def test_a_bulk_upload_refuses_the_trashed_file_alone(mini_hub):
    from tests.test_bulk_upload import settled, start_batch

    hub = mini_hub
    client = staff_client(hub)
    doc = next(hub.catalog.all())
    trash(hub.datadir, hub.catalog, doc.id, STAFF)
    data = path_for(hub.datadir.originals, doc.sha256).read_bytes()
    state = settled(client, start_batch(client, ("again.md", data), ("new.md", markdown(TITLE, report_text(25)))))
    assert {name: f["status"] for name, f in state.items()} == {"again.md": "refused", "new.md": "extracted"}
    assert "is in the trash as document" in state["again.md"]["outcome"]
