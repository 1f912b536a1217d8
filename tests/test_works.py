"""Works (issue #19): formats and versions of one report are one hit, through ingest, upload review, staff
links, visibility and rebuilds, with the real catalog, index and app."""

from __future__ import annotations

import io
import re
import sqlite3
from pathlib import Path

import pytest

from ingest import works
from ingest.catalog import Catalog
from ingest.check import check
from ingest.indexing import reindex
from search import index_state
from tests.accounts_support import csrf_token, login, make_users
from tests.conftest import ROOT
from tests.test_staff import publish, upload
from tests.works_support import html, markdown, report_text, revised
from web.app import create_app
from web.hub import Hub

TITLE = "Speech intelligibility in noisy restaurants"


@pytest.fixture
def app_hub(hub: Hub):
    emails = make_users(hub)
    return hub, create_app(hub, TESTING=True), emails


def client_as(app, emails, role: str | None):
    client = app.test_client()
    if role:
        assert login(client, emails[role]).status_code == 302
    return client


def total(client, query: str) -> int:
    return client.get(f"/api/search?q={query}").get_json()["total"]


def hit_ids(client, query: str) -> list[str]:
    return [h["id"] for h in client.get(f"/api/search?q={query}&per_page=50").get_json()["hits"]]


def choice(page: str, token: str) -> str:
    """The work choice the review page checked for the upload ``token``."""
    found = re.search(rf'name="{token}-work" value="([^"]+)"[^>]*checked', page)
    return found.group(1) if found else ""


def publish_with(client, page: str, work: str | None = None, **overrides):
    """Publish the one upload on ``page`` with the work choice ``work`` (None: as the page checked it)."""
    from werkzeug.datastructures import MultiDict

    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    work = work if work is not None else choice(page, token)
    original = client.post

    def post(path, data):  # add the choice to the form publish() builds
        data = MultiDict(data)
        data.add(f"{token}-work", work)
        return original(path, data=data)

    client.post = post
    try:
        return publish(client, page, **overrides)
    finally:
        client.post = original


def test_ingesting_the_whole_corpus_gives_one_result_per_work(app_hub):
    hub, app, emails = app_hub
    report = hub.ingestor.ingest_paths([ROOT / "corpus"])
    assert not report.failed
    added = [o for o in report.outcomes if o.status == "added"]
    # corpus/src/X.md is the source of corpus/docs/<visibility>/X.pdf or .docx: one work per file name
    expected = {Path(o.path).stem for o in added}
    sources = {Path(p).stem for p in (ROOT / "corpus" / "src").glob("*.md")}
    assert len(expected) == len(added) - len(sources)
    assert len(index_state(hub.datadir.index).ids) == len(expected)
    staff = client_as(app, emails, "staff")
    by_path = {Path(o.path): o.id for o in added}
    for source in sorted((ROOT / "corpus" / "src").glob("*.md")):
        md_id = by_path[source]
        members = works.work_of(hub.catalog.connection(), md_id)
        generated = [hub.catalog.get(m.doc_id) for m in members if m.doc_id != md_id]
        assert [Path(d.source).stem for d in generated] == [source.stem], source.name
        assert works.representative(members).doc_id == generated[0].id  # PDF or DOCX before Markdown
        title = hub.catalog.get(md_id).title
        query = " ".join(re.findall(r"\w+", title)[:6])
        found = hit_ids(staff, query)
        assert generated[0].id in found and md_id not in found, (source.name, found)


def test_a_revised_upload_is_offered_as_a_new_version_and_becomes_the_hit(app_hub):
    hub, app, emails = app_hub
    staff = client_as(app, emails, "staff")
    body = report_text(1)
    first = upload(staff, ("restaurants.md", markdown(TITLE, body, year=2021))).get_data(as_text=True)
    assert 'class="work-choice"' not in first  # nothing similar yet
    assert publish_with(staff, first).status_code == 302
    old_id = hit_ids(staff, "restaurants")[0]

    page = upload(staff, ("restaurants-2.md", markdown(TITLE + " (2nd ed.)", revised(body, 0.07, 2)))).get_data(
        as_text=True
    )
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    assert "Similar documents already in the hub" in page and TITLE in page
    assert choice(page, token) == f"version:{old_id}"  # same format, close text: a new version
    done = publish_with(staff, page, year="2023", date="2023-03-01")
    new_id = done.headers["Location"].rsplit("/", 1)[1]
    assert hit_ids(staff, "restaurants") == [new_id]
    results = staff.get("/search?q=restaurants").get_data(as_text=True)
    assert "2 versions" in results
    doc_page = staff.get(f"/doc/{new_id}").get_data(as_text=True)
    assert "Formats and versions" in doc_page and f"/doc/{old_id}" in doc_page and "older version" in doc_page
    old_page = staff.get(f"/doc/{old_id}").get_data(as_text=True)
    assert "This is an older version" in old_page and f'href="/doc/{new_id}"' in old_page
    entry = hub.accounts.audit_log()[0]
    assert (entry.action, entry.doc_id, entry.detail) == ("version_link", new_id, {"kind": "version", "to": old_id})


def test_another_format_is_offered_as_a_format_and_separate_keeps_two_hits(app_hub):
    hub, app, emails = app_hub
    staff = client_as(app, emails, "staff")
    body = report_text(3)
    publish_with(staff, upload(staff, ("r.md", markdown(TITLE, body))).get_data(as_text=True))
    md_id = hit_ids(staff, "restaurants")[0]

    page = upload(staff, ("r.html", html(TITLE, body))).get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    assert choice(page, token) == f"format:{md_id}"
    html_id = publish_with(staff, page).headers["Location"].rsplit("/", 1)[1]
    assert hit_ids(staff, "restaurants") == [html_id]  # HTML before Markdown
    hit = staff.get("/search?q=restaurants").get_data(as_text=True)
    assert f"/doc/{html_id}/original" in hit and f"/doc/{md_id}/original" in hit and "versions" not in hit
    # The Markdown's page points search engines at the work's current page; that page points nowhere.
    canonical = re.compile(r'<link rel="canonical" href="([^"]+)">')
    assert canonical.findall(staff.get(f"/doc/{md_id}").get_data(as_text=True)) == [f"http://localhost/doc/{html_id}"]
    assert canonical.findall(staff.get(f"/doc/{html_id}").get_data(as_text=True)) == []

    page = upload(staff, ("r3.md", markdown(TITLE + " revised", revised(body, 0.06, 4)))).get_data(as_text=True)
    publish_with(staff, page, work="separate")
    assert len(hit_ids(staff, "restaurants")) == 2


def test_a_hidden_member_never_shows_through_the_work(app_hub, tmp_path):
    hub, app, emails = app_hub
    folder = tmp_path / "in"
    (folder / "public").mkdir(parents=True)
    body = report_text(5)
    (folder / "public" / "r.md").write_bytes(markdown(TITLE, body))
    staff = client_as(app, emails, "staff")
    hub.ingestor.ingest_paths([folder / "public"])
    md_id = hit_ids(staff, "restaurants")[0]
    page = upload(staff, ("r.html", html(TITLE, body)), visibility="members").get_data(as_text=True)
    html_id = publish_with(staff, page, visibility="members").headers["Location"].rsplit("/", 1)[1]
    assert hub.catalog.get(html_id).visibility == "members"
    assert len(works.work_of(hub.catalog.connection(), md_id)) == 2

    anonymous, member = client_as(app, emails, None), client_as(app, emails, "member")
    assert hit_ids(anonymous, "restaurants") == [md_id]  # the public format represents the work
    for client, sees in ((anonymous, False), (member, True)):
        results = client.get("/search?q=restaurants").get_data(as_text=True)
        doc_page = client.get(f"/doc/{md_id}").get_data(as_text=True)
        assert (html_id in results) is sees and (html_id in doc_page) is sees
        assert ("Formats and versions" in doc_page) is sees
        assert (client.get(f"/doc/{html_id}/original").status_code == 200) is sees
        work = client.get(f"/api/documents/{md_id}").get_json()["work"]
        assert (work is not None) is sees and (html_id in str(work)) is sees
    assert anonymous.get(f"/doc/{html_id}").status_code == 404
    assert member.get(f"/api/documents/{md_id}").get_json()["work"] == {
        "current": md_id,  # public before members-only
        "versions": [
            {
                "number": 1,
                "formats": [
                    {"id": md_id, "format": "markdown", "url": f"/api/documents/{md_id}"},
                    {"id": html_id, "format": "html", "url": f"/api/documents/{html_id}"},
                ],
            }
        ],
    }
    assert total(anonymous, "restaurants") == 1 and total(member, "restaurants") == 1


def test_a_newer_members_only_version_hides_the_work_from_anonymous_search_but_leaks_nothing(app_hub):
    hub, app, emails = app_hub
    staff = client_as(app, emails, "staff")
    body = report_text(6)
    publish_with(staff, upload(staff, ("r.md", markdown(TITLE, body))).get_data(as_text=True))
    old_id = hit_ids(staff, "restaurants")[0]
    page = upload(staff, ("r2.md", markdown(TITLE, revised(body, 0.05, 7)))).get_data(as_text=True)
    new_id = publish_with(staff, page, visibility="members").headers["Location"].rsplit("/", 1)[1]
    anonymous = client_as(app, emails, None)
    assert total(anonymous, "restaurants") == 0  # the work is found by its newest version, which they may not see
    old_page = anonymous.get(f"/doc/{old_id}").get_data(as_text=True)
    assert new_id not in old_page and "older version" not in old_page
    assert hit_ids(client_as(app, emails, "member"), "restaurants") == [new_id]


def test_staff_link_and_unlink_from_the_document_page_and_rebuild_keeps_works(app_hub, tmp_path):
    hub, app, emails = app_hub
    folder = tmp_path / "in"
    folder.mkdir()
    body = report_text(8)
    (folder / "a.md").write_bytes(markdown(TITLE, body))
    (folder / "b.md").write_bytes(markdown(TITLE + " revised", revised(body, 0.08, 9), year=2024))
    report = hub.ingestor.ingest_paths([folder])
    a_id, b_id = (o.id for o in report.outcomes)
    staff = client_as(app, emails, "staff")
    assert len(hit_ids(staff, "restaurants")) == 2  # one format twice: versions are never linked automatically

    form = {"csrf_token": csrf_token(staff, f"/doc/{b_id}"), "kind": "version", "other": f"https://hub/doc/{a_id}"}
    assert staff.post(f"/doc/{b_id}/work/link", data=form).status_code == 302
    assert hit_ids(staff, "restaurants") == [b_id]
    assert hub.accounts.audit_log()[0].action == "version_link"
    assert staff.post(f"/doc/{b_id}/work/link", data={**form, "other": b_id}).status_code == 302  # itself: refused
    assert hit_ids(staff, "restaurants") == [b_id]
    assert staff.post(f"/doc/{b_id}/work/link", data={"kind": "version", "other": a_id}).status_code == 400  # CSRF
    member = client_as(app, emails, "member")
    assert member.post(f"/doc/{b_id}/work/unlink", data={"csrf_token": csrf_token(member, "/")}).status_code == 403

    reindex(hub.datadir, hub.catalog)
    assert set(index_state(hub.datadir.index).ids) == {b_id}
    found = check(hub.datadir, hub.catalog, held=[], grace_s=3600)
    assert found.ok, [f for f in found.findings if not f.ok]

    unlinked = staff.post(f"/doc/{b_id}/work/unlink", data={"csrf_token": csrf_token(staff, f"/doc/{b_id}")})
    assert unlinked.status_code == 302
    assert sorted(hit_ids(staff, "restaurants")) == sorted([a_id, b_id])
    assert hub.accounts.audit_log()[0].detail == {"kind": "separate"}


def test_deleting_the_representative_brings_the_other_format_back(app_hub, tmp_path):
    hub, app, emails = app_hub
    folder = tmp_path / "in"
    folder.mkdir()
    body = report_text(10)
    (folder / "r.md").write_bytes(markdown(TITLE, body))
    (folder / "r.html").write_bytes(html(TITLE, body))
    report = hub.ingestor.ingest_paths([folder])
    ids = {Path(o.path).suffix: o.id for o in report.outcomes}
    staff = client_as(app, emails, "staff")
    assert hit_ids(staff, "restaurants") == [ids[".html"]]
    form = {"csrf_token": csrf_token(staff, f"/doc/{ids['.html']}/edit")}
    assert staff.post(f"/doc/{ids['.html']}/delete", data=form).status_code == 302
    assert hit_ids(staff, "restaurants") == [ids[".md"]]
    assert works.work_of(hub.catalog.connection(), ids[".md"]) == []


def test_a_catalog_from_before_works_upgrades_in_place_and_gets_fingerprints(mini_hub):
    path = mini_hub.datadir.catalog
    conn = sqlite3.connect(path)
    conn.executescript("DROP TABLE work_members; DROP TABLE fingerprints;")
    conn.close()
    catalog = Catalog(path)
    assert catalog.connection().execute("SELECT count(*) FROM work_members").fetchone()[0] == 0
    reindex(mini_hub.datadir, catalog)
    kept = catalog.connection().execute("SELECT count(*) FROM fingerprints").fetchone()[0]
    assert kept == catalog.count() > 0


def test_the_work_parts_of_pages_speak_danish(app_hub):
    from tests.test_i18n_pages import DA, catalogue_english, readable

    hub, app, emails = app_hub
    staff = client_as(app, emails, "staff")
    body = report_text(12)
    publish_with(staff, upload(staff, ("r.md", markdown(TITLE, body))).get_data(as_text=True))
    review = upload(staff, ("r2.md", markdown(TITLE, revised(body, 0.06, 13)))).get_data(as_text=True)
    new_id = publish_with(staff, review).headers["Location"].rsplit("/", 1)[1]
    token = csrf_token(staff, "/upload")
    data = {"csrf_token": token, "visibility": "public", "files": [(io.BytesIO(markdown(TITLE, body + " x")), "r3.md")]}
    pages = {
        "review": staff.post("/upload", data=data, content_type="multipart/form-data", headers=DA),
        "document": staff.get(f"/doc/{new_id}", headers=DA),
        "results": staff.get("/search?q=restaurants", headers=DA),
    }
    english = catalogue_english()
    for name, response in pages.items():
        text = readable(response.get_data(as_text=True))
        assert "Formater og versioner" in text or name != "document"
        assert "Lignende dokumenter" in text or name != "review"
        assert "2 versioner" in text or name != "results"
        assert not [e for e in english if e in text], name


def test_a_link_made_while_a_rebuild_runs_is_in_the_new_index(hub, tmp_path):
    from ingest.work_links import link_documents

    folder = tmp_path / "in"
    folder.mkdir()
    body = report_text(14)
    (folder / "a.md").write_bytes(markdown(TITLE, body))
    (folder / "b.md").write_bytes(markdown(TITLE, revised(body, 0.05, 15), year=2024))
    a_id, b_id = (o.id for o in hub.ingestor.ingest_paths([folder]).outcomes)
    linked = []

    def link_when_built(message: str) -> None:
        if message.startswith("built") and not linked:
            link_documents(hub.datadir, hub.catalog, b_id, a_id, "version", "staff@cluster.example")
            linked.append(message)

    assert reindex(hub.datadir, hub.catalog, say=link_when_built) == 1
    assert linked and set(index_state(hub.datadir.index).ids) == {b_id}


def test_a_format_made_staff_only_gives_its_place_to_the_public_one(app_hub, tmp_path):
    from ingest.curation import update_metadata

    hub, app, emails = app_hub
    folder = tmp_path / "in"
    folder.mkdir()
    body = report_text(16)
    (folder / "r.md").write_bytes(markdown(TITLE, body))
    (folder / "r.html").write_bytes(html(TITLE, body))
    ids = {Path(o.path).suffix: o.id for o in hub.ingestor.ingest_paths([folder]).outcomes}
    anonymous = client_as(app, emails, None)
    assert hit_ids(anonymous, "restaurants") == [ids[".html"]]
    update_metadata(hub.datadir, hub.catalog, ids[".html"], {"visibility": "staff"})
    assert hit_ids(anonymous, "restaurants") == [ids[".md"]]
    page = anonymous.get(f"/doc/{ids['.md']}").get_data(as_text=True)
    assert ids[".html"] not in page and "Formats and versions" not in page


def test_staff_publish_a_new_version_from_the_document_page(app_hub):
    hub, app, emails = app_hub
    staff = client_as(app, emails, "staff")
    body = report_text(17)
    publish_with(staff, upload(staff, ("r.md", markdown(TITLE, body))).get_data(as_text=True))
    old_id = hit_ids(staff, "restaurants")[0]
    newer = b"# " + TITLE.encode() + b" 2025\n\n" + revised(body, 0.06, 18).encode()  # no organisation in it

    def post(client, data, name="r-2025.md"):
        form = {"file": (io.BytesIO(data), name), "csrf_token": csrf_token(client, "/")}
        return client.post(f"/doc/{old_id}/work/new-version", data=form, content_type="multipart/form-data")

    assert staff.post(f"/doc/{old_id}/work/new-version", data={"file": (io.BytesIO(newer), "x.md")}).status_code == 400
    member = client_as(app, emails, "member")
    assert post(member, newer).status_code == 403
    assert post(staff, b"\x00\x01\x02 not a document", "bad.md").status_code == 302  # refused with its reason
    assert hit_ids(staff, "restaurants") == [old_id]
    done = post(staff, newer)
    new_id = done.headers["Location"].rsplit("/", 1)[1]
    assert hit_ids(staff, "restaurants") == [new_id]
    new = hub.catalog.get(new_id)
    assert new.org == "Aurora Hearing A/S" and new.visibility == "public"  # carried over from the old version
    assert [m.doc_id for m in works.work_of(hub.catalog.connection(), new_id)] == [new_id, old_id]
    assert "Published as the new version." in staff.get(done.headers["Location"]).get_data(as_text=True)


def test_check_reports_a_member_found_in_the_index_and_repair_puts_it_back_out(hub, tmp_path):
    from ingest.check import repair
    from ingest.indexing import to_index_doc
    from search import write_documents, write_lock

    folder = tmp_path / "in"
    folder.mkdir()
    body = report_text(19)
    (folder / "r.md").write_bytes(markdown(TITLE, body))
    (folder / "r.html").write_bytes(html(TITLE, body))
    ids = {Path(o.path).suffix: o.id for o in hub.ingestor.ingest_paths([folder]).outcomes}
    assert check(hub.datadir, hub.catalog, held=[], grace_s=3600).ok
    with write_lock(hub.datadir.index), write_documents(hub.datadir.index, None, 1000) as index:
        index.put(to_index_doc(hub.catalog.get(ids[".md"])))  # as an index from before works would hold it
    found = check(hub.datadir, hub.catalog, held=[], grace_s=3600)
    assert [(f.name, f.examples) for f in found.findings if not f.ok] == [("works", [ids[".md"]])]
    repair(hub.datadir, hub.catalog, found, lambda: set(), 3600)
    assert set(index_state(hub.datadir.index).ids) == {ids[".html"]}
