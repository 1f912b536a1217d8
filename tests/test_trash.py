"""The trash through the real app: delete asks first, a trashed document leaves every path for every role,
a restore brings it back as it was, the purge after SKH_TRASH_DAYS removes it with its original, and a
rebuild does not resurrect it (issue #19)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from ingest import history
from ingest.check import check
from ingest.indexing import reindex
from ingest.store import path_for
from ingest.trash import purge_expired, restore, trash
from tests.accounts_support import csrf_token, login, make_users
from web.app import create_app
from web.trash_expiry import purge

TITLE = "MEMS microphone drift"  # the Beamforming report lists it as related
ORG = "Mikrofonfabrikken A/S"


@pytest.fixture
def clients(mini_hub, monkeypatch):
    """One logged-in client per role, and the anonymous one.

    A hundred searches in a row, some of them prefixes (completions), on a machine other tests keep busy:
    the one slot for expensive searches and its rest (tests/test_query_limits.py) would turn some into 503s.
    """
    from search import limits

    monkeypatch.setattr(limits, "LIMITS", replace(limits.LIMITS, expensive_slots=0))
    emails = make_users(mini_hub)
    app = create_app(mini_hub, TESTING=True)
    found = {"anonymous": app.test_client()}
    for role, email in emails.items():
        found[role] = app.test_client()
        assert login(found[role], email).status_code == 302
    return mini_hub, found


def target_id(client) -> str:
    return client.get("/api/search?q=mems").get_json()["hits"][0]["id"]


def related_host(hub, client, doc_id: str) -> str:
    """A document whose page lists ``doc_id`` among its related documents."""
    for doc in hub.catalog.all():
        if doc.id != doc_id and f'href="/doc/{doc_id}"' in client.get(f"/doc/{doc.id}").get_data(as_text=True):
            return doc.id
    pytest.fail("no document lists the MEMS report as related")


def paths_that_show(hub, client, doc_id: str) -> dict[str, str]:
    """Every path that shows the document now, with what shows it (its id or its title)."""
    host = related_host(hub, client, doc_id)
    return {
        "/api/search?q=mems": doc_id,
        "/api/search?q=": ORG,  # the organisation facet
        "/search?q=mems": TITLE,
        "/search?q=sensitivity+compensates": "adaptive filter",  # the snippet
        "/api/suggest?q=mem": TITLE,
        f"/doc/{host}": f"/doc/{doc_id}",  # related documents
        "/search?sort=newest": TITLE,  # the newest
        "/areas/audio-tech": TITLE,
        "/feeds/areas/audio-tech.atom": TITLE,
        "/feeds/search.atom?q=mems": TITLE,
        "/feeds/org.atom?org=Mikrofonfabrikken+A%2FS": TITLE,
        "/sitemaps/1.xml": doc_id,
        "/search/cite.bib?q=mems": TITLE,
        f"/doc/{doc_id}/cite.ris": TITLE,
        f"/api/documents/{doc_id}": doc_id,
        "/orgs": "Mikrofonfabrikken",
        "/authors/anna-jensen": TITLE,
        "/experts?q=mems": "Mikrofonfabrikken",
        f"/doc/{doc_id}": TITLE,
        f"/doc/{doc_id}/original": "sensitivity",
    }


def test_delete_asks_first_then_the_document_leaves_every_path_for_every_role(clients):
    hub, by_role = clients
    staff = by_role["staff"]
    doc_id = target_id(staff)
    shows = paths_that_show(hub, staff, doc_id)
    for path, needle in shows.items():  # public: every role sees it; the anonymous view stands for them
        response = by_role["anonymous"].get(path)
        assert needle in response.get_data(as_text=True), (path, response.status_code)

    confirm = staff.get(f"/doc/{doc_id}/delete")
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Delete this document?" in page and 'name="csrf_token"' in page
    assert hub.catalog.get(doc_id) is not None  # asking is not deleting
    assert staff.post(f"/doc/{doc_id}/delete", data={}).status_code == 400  # no CSRF token: nothing happens
    assert hub.catalog.get(doc_id) is not None
    token = csrf_token(staff, f"/doc/{doc_id}/delete")
    done = staff.post(f"/doc/{doc_id}/delete", data={"csrf_token": token}, follow_redirects=True)
    assert done.request.path == "/trash" and f"Moved “{TITLE}” to the trash." in done.get_data(as_text=True)

    for role, client in by_role.items():
        for path, needle in shows.items():
            response = client.get(path)
            assert response.status_code in (200, 404), (role, path)
            assert needle not in response.get_data(as_text=True), (role, path)
    assert by_role["staff"].get(f"/doc/{doc_id}").status_code == 404
    assert by_role["admin"].get("/orgs/mikrofonfabrikken-a-s").status_code == 404
    assert hub.accounts.audit_log()[0].action == "trash"
    item = hub.catalog.trashed(doc_id)
    assert item.trashed_by == "staff@cluster.example" and item.doc.title == TITLE
    assert path_for(hub.datadir.originals, item.doc.sha256).exists()  # kept for a restore
    listing = staff.get("/trash").get_data(as_text=True)
    assert TITLE in listing and "staff@cluster.example" in listing and f"/trash/{doc_id}/restore" in listing


def test_a_restore_brings_the_document_back_exactly_as_it_was(clients):
    hub, by_role = clients
    staff = by_role["staff"]
    doc_id = target_id(staff)
    before = hub.catalog.get(doc_id)
    api_before = by_role["anonymous"].get(f"/api/documents/{doc_id}").get_json()
    staff.post(f"/doc/{doc_id}/delete", data={"csrf_token": csrf_token(staff, f"/doc/{doc_id}/delete")})
    assert by_role["anonymous"].get("/api/search?q=mems").get_json()["total"] == 0

    token = csrf_token(staff, "/trash")
    assert staff.post(f"/trash/{doc_id}/restore", data={}).status_code == 400
    member_token = csrf_token(by_role["member"], "/")  # the logout form's
    assert by_role["member"].post(f"/trash/{doc_id}/restore", data={"csrf_token": member_token}).status_code == 403
    back = staff.post(f"/trash/{doc_id}/restore", data={"csrf_token": token})
    assert back.status_code == 302 and back.headers["Location"].endswith(f"/doc/{doc_id}")
    assert replace(hub.catalog.get(doc_id), updated_at="") == replace(before, updated_at="")
    assert by_role["anonymous"].get(f"/api/documents/{doc_id}").get_json() == api_before
    assert [h["id"] for h in by_role["member"].get("/api/search?q=mems").get_json()["hits"]] == [doc_id]
    assert f"Restored “{TITLE}”." in staff.get(f"/doc/{doc_id}").get_data(as_text=True)
    assert hub.catalog.trashed(doc_id) is None and TITLE not in staff.get("/trash").get_data(as_text=True)
    assert [e.action for e in hub.accounts.audit_log()[:2]] == ["restore", "trash"]
    assert [e.action for e in history.for_document(hub.catalog.connection(), doc_id)] == ["restore", "trash"]
    assert staff.post(f"/trash/{doc_id}/restore", data={"csrf_token": token}).status_code == 404  # not in the trash


def test_the_trash_and_delete_pages_are_for_staff(clients):
    hub, by_role = clients
    doc_id = next(hub.catalog.all()).id
    for path in ("/trash", f"/doc/{doc_id}/delete", f"/doc/{doc_id}/history"):
        assert by_role["anonymous"].get(path).status_code == 302
        assert by_role["member"].get(path).status_code == 403
        assert by_role["staff"].get(path).status_code == 200
    token = csrf_token(by_role["member"], "/")  # the logout form's
    assert by_role["member"].post(f"/doc/{doc_id}/delete", data={"csrf_token": token}).status_code == 403
    assert hub.catalog.get(doc_id) is not None


def test_purge_after_the_configured_days_removes_the_row_history_and_original(mini_hub):
    hub = mini_hub
    doc = hub.catalog.get(next(hub.catalog.all()).id)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    trash(hub.datadir, hub.catalog, doc.id, "staff@cluster.example", now=start)
    original = path_for(hub.datadir.originals, doc.sha256)
    assert purge(hub, now=start + timedelta(days=29)) == [] and original.exists()
    assert hub.catalog.trashed(doc.id) is not None

    (purged,) = purge(hub, now=start + timedelta(days=30, seconds=1))
    assert purged.doc.id == doc.id
    assert hub.catalog.trashed(doc.id) is None and hub.catalog.get(doc.id) is None
    assert not original.exists()
    assert history.for_document(hub.catalog.connection(), doc.id) == []
    assert hub.accounts.audit_log()[0].action == "purge"


def test_the_trash_days_setting_decides(mini_hub, monkeypatch):
    hub = mini_hub
    doc = next(hub.catalog.all())
    start = datetime(2026, 1, 1, tzinfo=UTC)
    trash(hub.datadir, hub.catalog, doc.id, "staff@cluster.example", now=start)
    hub.settings = replace(hub.settings, ingest=replace(hub.settings.ingest, trash_days=7))
    assert purge(hub, now=start + timedelta(days=6)) == []
    assert [t.doc.id for t in purge(hub, now=start + timedelta(days=8))] == [doc.id]


def test_opening_the_trash_page_purges_what_is_expired(clients):
    hub, by_role = clients
    doc = next(hub.catalog.all())
    trash(hub.datadir, hub.catalog, doc.id, "staff@cluster.example", now=datetime.now(UTC) - timedelta(days=31))
    page = by_role["staff"].get("/trash").get_data(as_text=True)
    assert doc.title not in page and "The trash is empty." in page
    assert hub.catalog.trashed(doc.id) is None
    assert not path_for(hub.datadir.originals, doc.sha256).exists()


def test_skh_purge_trash(mini_hub, skh):
    doc = next(mini_hub.catalog.all())
    trash(mini_hub.datadir, mini_hub.catalog, doc.id, "staff@cluster.example")
    kept = skh("purge-trash")
    assert kept.exit_code == 0 and "0 purged, 1 left in the trash" in kept.output
    gone = skh("purge-trash", "--days", "0")
    assert gone.exit_code == 0 and f"purged {doc.id}" in gone.output and "1 purged, 0 left" in gone.output
    assert not path_for(mini_hub.datadir.originals, doc.sha256).exists()


def test_purge_keeps_an_original_a_pending_upload_shares(mini_hub):
    """Purging removes the original unless something else holds those bytes: here an upload of the same
    file waiting for its review (its publish is then refused: tests/test_trash_works.py)."""
    hub = mini_hub
    doc = next(hub.catalog.all())
    original = path_for(hub.datadir.originals, doc.sha256)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    trash(hub.datadir, hub.catalog, doc.id, "staff@cluster.example", now=start)
    hub.pending.park("staff@cluster.example", replace(doc, id="waiting1"))
    purge_expired(hub.datadir, hub.catalog, 30, hub.pending.hashes, now=start + timedelta(days=31))
    assert hub.catalog.trashed(doc.id) is None and original.exists()


def test_rebuild_does_not_resurrect_and_check_does_not_miss_a_trashed_document(clients, skh):
    hub, by_role = clients
    doc_id = target_id(by_role["staff"])
    trash(hub.datadir, hub.catalog, doc_id, "staff@cluster.example")
    assert reindex(hub.datadir, hub.catalog) == 7
    assert by_role["staff"].get("/api/search?q=mems").get_json()["total"] == 0
    report = check(hub.datadir, hub.catalog, hub.pending.hashes(), grace_s=0)
    assert report.ok, [f for f in report.findings if not f.ok]
    checked = skh("check")
    assert checked.exit_code == 0, checked.output
    gc = skh("gc", "--grace-minutes", "0")
    assert gc.exit_code == 0 and path_for(hub.datadir.originals, hub.catalog.trashed(doc_id).doc.sha256).exists()


def test_a_catalog_from_before_the_trash_gains_its_tables_in_place(mini_hub):
    """A data dir written by the previous version has no trash or history table: opening it adds them and
    keeps every document."""
    from ingest.catalog import Catalog

    path = mini_hub.datadir.catalog
    conn = mini_hub.catalog.connection()
    conn.executescript("DROP TABLE trash; DROP TABLE history;")
    reopened = Catalog(path)
    assert reopened.count() == 8 and reopened.trash_count() == 0
    doc = next(reopened.all())
    trash(mini_hub.datadir, reopened, doc.id, "staff@cluster.example")
    assert reopened.trashed(doc.id).doc == doc and reopened.count() == 7


def test_serve_purges_the_expired_trash_as_it_starts(mini_hub):
    from tests.browser_support import served

    doc = next(mini_hub.catalog.all())
    trash(mini_hub.datadir, mini_hub.catalog, doc.id, "staff@cluster.example", now=datetime(2026, 1, 1, tzinfo=UTC))
    kept = list(mini_hub.catalog.all())[0]
    trash(mini_hub.datadir, mini_hub.catalog, kept.id, "staff@cluster.example")  # just now: it stays
    with served(mini_hub.datadir.root, {"SKH_TRASH_DAYS": "3"}):
        assert mini_hub.catalog.trashed(doc.id) is None
        assert not path_for(mini_hub.datadir.originals, doc.sha256).exists()
        assert mini_hub.catalog.trashed(kept.id) is not None


def test_a_backup_keeps_the_trash_with_its_originals(mini_hub, tmp_path):
    from ingest.backup import backup
    from ingest.backup import restore as restore_backup
    from ingest.catalog import Catalog
    from ingest.datadir import DataDir

    doc = next(mini_hub.catalog.all())
    trash(mini_hub.datadir, mini_hub.catalog, doc.id, "staff@cluster.example")
    backup(mini_hub.datadir, tmp_path / "copy", lambda _folder: set())
    target = DataDir.at(tmp_path / "restored")
    _manifest, indexed = restore_backup(tmp_path / "copy", target, False)
    catalog = Catalog(target.catalog)
    assert indexed == 7 and catalog.trashed(doc.id).doc == doc
    assert path_for(target.originals, doc.sha256).exists()
    assert restore(target, catalog, doc.id, "staff@cluster.example").id == doc.id and catalog.count() == 8
