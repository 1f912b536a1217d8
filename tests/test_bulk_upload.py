"""Issue #19, bulk upload through the real app: a mixed set of files and a ZIP archive go into a batch, the
background job extracts them one by one (each outcome recorded: extracted, duplicate, refused and why), and
the batch page publishes some or all of them. The job is the server's own thread; the tests wait for it
through the batch's status, as the page's script does."""

from __future__ import annotations

import io
import json
import os
import re
import sqlite3
import time
from dataclasses import replace

import pytest
from werkzeug.datastructures import MultiDict

from ingest.archive import unpack
from ingest.limits import MB
from tests.accounts_support import csrf_token, login, staff_client
from tests.upload_support import archive, hostile_archive, mixed_files
from web import batch_intake
from web.app import create_app


@pytest.fixture
def staff(mini_hub):
    return mini_hub, staff_client(mini_hub)


def start_batch(client, *files, visibility="public"):
    token = csrf_token(client, "/upload")
    data = {
        "bulk-csrf_token": token,
        "bulk-visibility": visibility,
        "bulk-files": [(io.BytesIO(b), n) for n, b in files],
    }
    response = client.post("/upload/batch", data=data, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def settled(client, page: str, deadline_s: float = 120) -> dict[str, dict]:
    """Each file's state once the job has reached every file (keyed by name)."""
    end = time.monotonic() + deadline_s
    while True:
        state = client.get(page + "/status").get_json()
        if state["done"] or time.monotonic() > end:
            break
        time.sleep(0.2)
    assert state["done"], state
    return {f["name"]: f for f in state["files"]}


def test_a_mixed_set_each_file_gets_its_outcome(staff, mini_hub):
    hub, client = staff
    hub.ingestor.limits = replace(hub.ingestor.limits, max_file_bytes=MB)  # SKH_MAX_FILE_MB=1
    existing = next(hub.catalog.all())
    duplicate = (hub.datadir.originals / existing.sha256[:2] / existing.sha256).read_bytes()
    oversized = b"loudspeaker " * (MB // 12 + 1)
    files = [*mixed_files(), ("again.md", duplicate), ("huge.txt", oversized)]
    page = start_batch(client, *files)
    state = settled(client, page)
    outcome = {name: f["status"] for name, f in state.items()}
    assert outcome == {
        "004-pdflatex-4-pages__pdflatex-4-pages.pdf": "extracted",
        "cabin.docx": "extracted",
        "hearing.md": "extracted",
        "concert.html": "extracted",
        "broken.pdf": "refused",
        "again.md": "duplicate",
        "huge.txt": "refused",
    }, {name: f["outcome"] for name, f in state.items()}
    assert "PDF" in state["broken.pdf"]["outcome"] and "larger than the" in state["huge.txt"]["outcome"]
    html = client.get(page).get_data(as_text=True)
    assert 'value="Absorbers in Open-Plan Offices"' in html  # the title from the PDF itself
    assert f"/doc/{existing.id}" in html  # the duplicate links to what is already there
    assert hub.catalog.count() == 8  # nothing is published before the review


def test_outcomes_are_in_the_interface_language(staff):
    _, client = staff
    client.set_cookie("skh_lang", "da")
    page = start_batch(client, ("broken.pdf", b"%PDF-1.4\n1 0 obj garbage"), ("empty.txt", b""))
    state = settled(client, page)
    assert state["empty.txt"]["outcome"].startswith("Afvist: ") and "tom" in state["empty.txt"]["outcome"]


def test_a_zip_unpacks_and_refuses_the_bomb_and_the_climber_alone(staff):
    hub, client = staff
    page = start_batch(client, ("reports.zip", hostile_archive()))
    state = settled(client, page)
    outcome = {name: f["status"] for name, f in state.items()}
    assert outcome == {
        "reports.zip/reports/hearing.md": "extracted",
        "reports.zip/reports/concert.html": "extracted",
        "reports.zip/../../etc/evil.md": "refused",
        "reports.zip/padding.txt": "refused",
        "reports.zip/bomb.docx": "refused",
    }
    assert "outside the archive" in state["reports.zip/../../etc/evil.md"]["outcome"]
    assert "ZIP bomb" in state["reports.zip/padding.txt"]["outcome"]
    assert "unsafe" in state["reports.zip/bomb.docx"]["outcome"]
    assert not (hub.datadir.root.parent / "etc").exists()


def test_an_archive_that_is_a_bomb_as_a_whole_is_refused_with_the_reason(staff):
    _, client = staff
    members = [(f"n{i}.txt", b"x") for i in range(5001)]
    page = start_batch(client, ("many.zip", archive(members)), ("hearing.md", mixed_files()[2][1]))
    state = settled(client, page)
    assert state["many.zip"]["status"] == "refused" and "5,001 members" in state["many.zip"]["outcome"]
    assert state["hearing.md"]["status"] == "extracted"


def test_a_member_larger_than_one_file_may_be_is_refused_alone():
    members = list(unpack(archive([("big.txt", os.urandom(2 * MB)), ("ok.txt", b"fine")]), max_file_bytes=MB))
    assert members[0].data is None and "larger than" in members[0].reason and members[1].data == b"fine"


def batch_form(page_html: str, action: str, select: list[str] | None = None, **overrides) -> MultiDict:
    """The batch table as the page prefilled it, with some fields changed."""
    data = [("csrf_token", re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page_html).group(1))]
    data.append(("action", action))
    tokens = re.findall(r'name="select" value="([^"]+)"', page_html)
    for token in select if select is not None else []:
        data.append(("select", token))
    for token in tokens:
        for name in ("title", "org", "year"):
            m = re.search(rf'name="{token}-{name}"[^>]*value="([^"]*)"', page_html) or re.search(
                rf'value="([^"]*)"[^>]*name="{token}-{name}"', page_html
            )
            data.append((f"{token}-{name}", overrides.get(name, m.group(1) if m else "")))
        areas = overrides.get("areas")
        if areas is None:
            areas = re.findall(rf'name="{token}-areas" type="checkbox" value="([^"]+)" checked', page_html)
            areas += re.findall(rf'checked[^>]*name="{token}-areas"[^>]*value="([^"]+)"', page_html)
        data += [(f"{token}-areas", a) for a in areas]
        data.append((f"{token}-visibility", "public"))
    return MultiDict(data)


def test_publish_selected_then_all_then_the_batch_page_still_shows_everything(staff):
    hub, client = staff
    page = start_batch(client, *mixed_files()[1:4])
    settled(client, page)
    html = client.get(page).get_data(as_text=True)
    tokens = re.findall(r'name="select" value="([^"]+)"', html)
    assert len(tokens) == 3
    done = client.post(page, data=batch_form(html, "publish", select=tokens[:1], title="Cabin noise, edited"))
    assert done.status_code == 303 and hub.catalog.count() == 9
    assert client.get("/api/search?q=ferries").get_json()["hits"][0]["title"] == "Cabin noise, edited"
    html = client.get(page).get_data(as_text=True)
    assert "Published" in html and len(re.findall(r'name="select"', html)) == 2
    assert client.post(page, data=batch_form(html, "publish-all")).status_code == 303
    assert hub.catalog.count() == 11
    assert client.get("/api/search?q=concerts").get_json()["total"] >= 1
    html = client.get(page).get_data(as_text=True)  # a reload: every file and its outcome, from SQLite
    assert html.count("outcome-published") == 3 and 'name="select"' not in html
    assert [e.action for e in hub.accounts.audit_log()[:3]] == ["upload"] * 3


def test_publish_needs_an_area_per_row_and_discard_removes_the_bytes(staff):
    hub, client = staff
    page = start_batch(client, *mixed_files()[2:4])
    settled(client, page)
    html = client.get(page).get_data(as_text=True)
    tokens = re.findall(r'name="select" value="([^"]+)"', html)
    refused = client.post(page, data=batch_form(html, "publish-all", areas=[]))
    assert refused.status_code == 400 and "Choose at least one strength area." in refused.get_data(as_text=True)
    assert hub.catalog.count() == 8
    sha = hub.pending.peek("staff@cluster.example", tokens[0]).sha256
    assert client.post(page, data=batch_form(html, "discard", select=tokens[:1])).status_code == 303
    assert hub.pending.peek("staff@cluster.example", tokens[0]) is None
    assert not (hub.datadir.originals / sha[:2] / sha).exists()
    assert "Discarded" in client.get(page).get_data(as_text=True)


def test_batches_belong_to_their_owner_and_need_csrf(staff, mini_hub):
    hub, client = staff
    page = start_batch(client, mixed_files()[2])
    settled(client, page)
    admin = create_app(mini_hub, TESTING=True).test_client()
    login(admin, "admin@cluster.example")
    assert admin.get(page).status_code == 404 and admin.get(page + "/status").status_code == 404
    assert client.post(page, data={"action": "publish-all"}).status_code == 400
    assert client.post("/upload/batch", data={"bulk-visibility": "public"}).status_code == 400
    member = create_app(mini_hub, TESTING=True).test_client()
    login(member, "member@cluster.example")
    assert member.get(page).status_code == 403
    assert hub.catalog.count() == 8


def test_a_batch_takes_no_more_than_its_limit(staff, monkeypatch):
    _, client = staff
    monkeypatch.setattr(batch_intake, "MAX_BATCH_FILES", 2)  # SKH's limit is 200; three files show it here
    page = start_batch(client, *mixed_files()[1:4])
    state = settled(client, page)
    assert [f["status"] for f in state.values()] == ["extracted", "extracted", "refused"]
    assert "already holds 2 files" in state["concert.html"]["outcome"]


def test_one_person_cannot_fill_the_queue(staff):
    hub, client = staff
    for _ in range(batch_intake.MAX_OPEN_BATCHES):  # batches still waiting for the job (not woken here)
        hub.batches.add(hub.batches.create("staff@cluster.example", "public"), "x.md", b"# Waiting\n\nText here.")
    token = csrf_token(client, "/upload")
    data = {"bulk-csrf_token": token, "bulk-visibility": "public", "bulk-files": [(io.BytesIO(b"x"), "y.md")]}
    response = client.post("/upload/batch", data=data, content_type="multipart/form-data")
    assert response.status_code == 429 and "still being extracted" in response.get_data(as_text=True)


def test_the_page_script_sends_files_one_by_one_and_reads_json(staff):
    _, client = staff
    token = csrf_token(client, "/upload")
    json_headers = {"Accept": "application/json"}
    created = client.post(
        "/upload/batch", data={"bulk-csrf_token": token, "bulk-visibility": "members"}, headers=json_headers
    ).get_json()
    added = client.post(
        created["files"],
        data={"csrf_token": token, "files": [(io.BytesIO(hostile_archive()), "reports.zip")]},
        content_type="multipart/form-data",
        headers=json_headers,
    ).get_json()
    assert [f["status"] for f in added["files"]] == ["waiting", "waiting", "refused", "refused", "waiting"]
    assert client.post(created["files"], data={"files": [(io.BytesIO(b"x"), "a.md")]}).status_code == 400
    state = settled(client, created["page"])
    assert state["reports.zip/reports/hearing.md"]["status"] == "extracted"


def test_pending_uploads_made_before_page_counts_upgrade_in_place(tmp_path):
    import sqlite3

    from web.uploads import PendingUploads

    path = tmp_path / "accounts.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE pending_uploads (token TEXT PRIMARY KEY, owner TEXT NOT NULL, created_at TEXT NOT NULL "
            "DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')), document TEXT NOT NULL)"
        )
        doc = {"id": "a", "sha256": "b", "source": "s", "filename": "f.md", "format": "markdown", "size": 1}
        doc |= {"title": "T", "body": "text"}
        conn.execute("INSERT INTO pending_uploads (token, owner, document) VALUES ('t', 'o', ?)", (json.dumps(doc),))
    pending = PendingUploads(path)
    assert pending.peek("o", "t").title == "T" and pending.facts("o", "t") == {}
    token = pending.park("o", pending.peek("o", "t"), {"pages": 3})
    assert pending.facts("o", token) == {"pages": 3}


def test_a_file_that_runs_out_of_time_gets_one_more_go_then_its_reason(staff):
    from tests.filemakers import xobject_bomb_pdf

    hub, client = staff
    hub.ingestor.limits = replace(hub.ingestor.limits, timeout_s=2)  # SKH_PARSE_TIMEOUT_S=2
    page = start_batch(client, ("forms.pdf", xobject_bomb_pdf(depth=7)), mixed_files()[2])
    state = settled(client, page)
    assert state["forms.pdf"]["status"] == "refused" and "time limit" in state["forms.pdf"]["outcome"]
    assert state["hearing.md"]["status"] == "extracted"
    assert [f.tries for f in hub.batches.files(page.rsplit("/", 1)[1])] == [2, 1]


def test_a_file_whose_review_expired_says_so(staff):
    hub, client = staff
    page = start_batch(client, mixed_files()[2])
    settled(client, page)
    (file,) = hub.batches.files(page.rsplit("/", 1)[1])
    hub.pending.take("staff@cluster.example", file.token)  # as a day's expiry (or skh gc) does
    html = client.get(page).get_data(as_text=True)
    assert "No longer waiting for review" in html and 'name="select"' not in html


def test_the_upload_page_lists_ones_recent_batches_and_gc_forgets_old_ones(staff, mini_hub):
    """A closed tab loses no batch: the upload page links the last week's, with what came of their files;
    another person's are not listed, and `skh gc` forgets batch pages older than 30 days."""
    from click.testing import CliRunner

    from web.cli import main

    hub, client = staff
    page = start_batch(client, ("notes.md", b"# Notes on Ferry Noise\n\nFerries at night.\n"), ("empty.txt", b""))
    settled(client, page)
    batch_id = page.rsplit("/", 1)[1]
    upload_page = client.get("/upload").get_data(as_text=True)
    listed = upload_page.split('id="recent-batches"')[1]
    assert f'href="/upload/batch/{batch_id}"' in listed and "2 files, 1 to review" in listed
    other = create_app(mini_hub, TESTING=True).test_client()
    hub.accounts.add("other.staff@cluster.example", "staff", "another long password")
    assert login(other, "other.staff@cluster.example", "another long password").status_code == 302
    assert batch_id not in other.get("/upload").get_data(as_text=True)

    hub.batches.forget_older_than(30)  # young: kept
    assert hub.batches.recent("staff@cluster.example") != []
    conn = sqlite3.connect(hub.datadir.root / "accounts.sqlite3")
    with conn:
        conn.execute("UPDATE upload_batches SET created_at = '2026-01-01T00:00:00Z'")
    conn.close()
    gc = CliRunner().invoke(main, ["gc", "--json"], env={"SKH_DATA_DIR": str(hub.datadir.root)})
    assert gc.exit_code == 0 and json.loads(gc.output)["old_batches"] == 1
    assert not (hub.datadir.root / "upload-spool" / batch_id).exists()
    assert client.get(page).status_code == 404 and 'id="recent-batches"' not in client.get("/upload").get_data(
        as_text=True
    )
