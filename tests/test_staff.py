"""Staff curation through the real app: upload, review, publish, edit, delete, audit; and web security."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from tests.accounts_support import csrf_token, login, make_users
from web.app import create_app

REPORT = (
    b"---\ntitle: Wind turbine infrasound near Fjordby\nauthors: [Ida Lund, Ole Berg]\norganisation: "
    b"Stoejfri Raadgivning A/S\ndate: 2023-05-02\ntype: report\n---\n# Wind turbine infrasound\n\n"
    b"We measured low-frequency noise and infrasound from six wind turbines at night. Sound pressure levels "
    b"at the facades stayed below the Danish limit values, but residents reported annoyance.\n"
)


@pytest.fixture
def staff(mini_hub):
    emails = make_users(mini_hub)
    client = create_app(mini_hub, TESTING=True).test_client()
    assert login(client, emails["staff"]).status_code == 302
    return mini_hub, client, emails


def upload(client, *files, visibility="public"):
    token = csrf_token(client, "/upload")
    data = {"csrf_token": token, "visibility": visibility, "files": [(io.BytesIO(b), n) for n, b in files]}
    return client.post("/upload", data=data, content_type="multipart/form-data")


def publish(client, page: str, **overrides):
    """Submit the review form as the page prefilled it, with some fields changed."""
    form = {"csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)}
    tokens = re.findall(r'name="token" value="([^"]+)"', page)
    form["token"] = tokens
    data = []
    for name, value in form.items():
        for v in value if isinstance(value, list) else [value]:
            data.append((name, v))
    for token in tokens:
        for name in ("title", "authors", "org", "year", "date", "type"):
            m = re.search(rf'name="{token}-{name}"[^>]*value="([^"]*)"', page)
            data.append((f"{token}-{name}", overrides.get(name, m.group(1) if m else "")))
        areas = overrides.get("areas")
        if areas is None:
            areas = re.findall(rf'name="{token}-areas" type="checkbox" value="([^"]+)" checked', page)
            areas += re.findall(rf'checked[^>]*name="{token}-areas"[^>]*value="([^"]+)"', page)
        data += [(f"{token}-areas", a) for a in areas]
        data.append((f"{token}-visibility", overrides.get("visibility", "public")))
    from werkzeug.datastructures import MultiDict

    return client.post("/upload/publish", data=MultiDict(data))


def test_upload_review_publish_and_find(staff):
    hub, client, _ = staff
    review = upload(client, ("infrasound.md", REPORT))
    page = review.get_data(as_text=True)
    assert review.status_code == 200 and "Check before publishing" in page
    assert 'value="Wind turbine infrasound near Fjordby"' in page  # prefilled from the file
    assert 'value="2023"' in page
    assert re.search(r'value="acoustics-noise"[^>]*checked|checked[^>]*value="acoustics-noise"', page)
    done = publish(client, page, org="Støjfri Rådgivning A/S")
    assert done.status_code == 302 and "/doc/" in done.headers["Location"]
    data = client.get("/api/search?q=infrasound").get_json()
    assert data["total"] == 1 and data["hits"][0]["org"] == "Støjfri Rådgivning A/S"
    assert data["hits"][0]["areas"] == ["acoustics-noise"]
    entry = hub.accounts.audit_log()[0]
    assert entry.action == "upload" and entry.actor == "staff@cluster.example"


def test_duplicate_upload_links_to_the_existing_document(staff):
    hub, client, _ = staff
    existing = next(hub.catalog.all())
    original = (hub.datadir.originals / existing.sha256[:2] / existing.sha256).read_bytes()
    page = upload(client, ("again.md", original)).get_data(as_text=True)
    assert "already in the hub" in page and f"/doc/{existing.id}" in page
    assert hub.catalog.count() == 8


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("empty.pdf", b"", "the file is empty"),
        ("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "a PNG image, not a document"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj garbage", "PDF"),
    ],
)
def test_bad_files_get_a_reason_next_to_the_field_and_nothing_is_saved(staff, name, data, reason):
    hub, client, _ = staff
    response = upload(client, (name, data))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and name in page and reason in page
    assert hub.catalog.count() == 8


def test_one_bad_file_does_not_stop_the_others(staff):
    _, client, _ = staff
    page = upload(client, ("empty.txt", b""), ("infrasound.md", REPORT)).get_data(as_text=True)
    assert "empty.txt" in page and "the file is empty" in page and "Check before publishing" in page


def test_oversized_upload_is_refused_clearly(mini_hub):
    emails = make_users(mini_hub)
    client = create_app(mini_hub, TESTING=True, MAX_CONTENT_LENGTH=4096).test_client()
    login(client, emails["staff"])
    response = upload(client, ("big.txt", b"noise " * 5000))
    assert response.status_code == 413 and "larger than the" in response.get_data(as_text=True)
    assert mini_hub.catalog.count() == 8


def test_zip_that_is_not_word_is_refused(staff):
    _, client, _ = staff
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    page = upload(client, ("fake.docx", buffer.getvalue())).get_data(as_text=True)
    assert "not a Word document" in page


def test_edit_makes_areas_manual_and_delete_removes_everywhere(staff):
    hub, client, _ = staff
    doc_id = client.get("/api/search?q=woofer").get_json()["hits"][0]["id"]
    token = csrf_token(client, f"/doc/{doc_id}/edit")
    form = {
        "csrf_token": token,
        "title": "Woofer distortion at high excursion",
        "authors": "A; B",
        "org": "Nordlyd Acoustics A/S",
        "year": "2021",
        "type": "publication",
        "areas": ["audio-tech", "sound-experience"],
        "visibility": "public",
    }
    assert client.post(f"/doc/{doc_id}/edit", data=form).status_code == 302
    doc = hub.catalog.get(doc_id)
    assert doc.areas == ["audio-tech", "sound-experience"] and not doc.areas_auto
    hit = client.get("/api/search?q=woofer&area=sound-experience").get_json()
    assert hit["total"] == 1

    token = csrf_token(client, f"/doc/{doc_id}/edit")
    assert client.post(f"/doc/{doc_id}/delete", data={"csrf_token": token}).status_code == 302
    assert client.get("/api/search?q=woofer").get_json()["total"] == 0
    assert client.get(f"/doc/{doc_id}").status_code == 404
    assert client.get(f"/doc/{doc_id}/original").status_code == 404
    actions = [e.action for e in hub.accounts.audit_log()]
    assert actions[:2] == ["trash", "edit"]


def test_forms_without_a_csrf_token_are_rejected(staff):
    hub, client, _ = staff
    doc_id = next(hub.catalog.all()).id
    assert client.post(f"/doc/{doc_id}/delete", data={}).status_code == 400
    assert client.post(f"/doc/{doc_id}/edit", data={"title": "Hijacked"}).status_code == 400
    assert client.post("/upload", data={"files": [(io.BytesIO(REPORT), "x.md")]}).status_code == 400
    assert hub.catalog.get(doc_id).title != "Hijacked" and hub.catalog.count() == 8


@pytest.mark.parametrize("path", ["/upload", "/doc/{id}/edit", "/admin/audit"])
def test_staff_pages_need_the_right_role(mini_hub, path):
    emails = make_users(mini_hub)
    doc_id = next(mini_hub.catalog.all()).id
    anonymous = create_app(mini_hub, TESTING=True).test_client()
    response = anonymous.get(path.format(id=doc_id))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    member = create_app(mini_hub, TESTING=True).test_client()
    login(member, emails["member"])
    assert member.get(path.format(id=doc_id)).status_code == 403


def test_only_admins_read_the_audit_log(mini_hub):
    emails = make_users(mini_hub)
    client = create_app(mini_hub, TESTING=True).test_client()
    login(client, emails["staff"])
    assert client.get("/admin/audit").status_code == 403
    admin = create_app(mini_hub, TESTING=True).test_client()
    login(admin, emails["admin"])
    assert admin.get("/admin/audit").status_code == 200


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_xss_in_every_metadata_field_and_the_text_is_inert(staff):
    hub, client, _ = staff
    doc = (
        f"---\ntitle: '{XSS} title'\nauthors: ['{XSS}']\norganisation: '{XSS}'\ntype: '{XSS}'\n"
        f"abstract: '{XSS} abstract'\n---\nText about loudspeaker magnets {XSS} and more words here.\n"
    ).encode()
    page = upload(client, ("xss.md", doc)).get_data(as_text=True)
    assert "<script>alert" not in page
    assert publish(client, page).status_code == 302
    doc_id = client.get("/api/search?q=magnets").get_json()["hits"][0]["id"]
    for url in (
        "/",
        "/search?q=magnets",
        f"/doc/{doc_id}",
        f"/doc/{doc_id}/edit",
        "/areas/audio-tech",
        "/search?org=" + XSS,
    ):
        body = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in body and "<img src=x" not in body, url
    api = client.get("/api/search?q=magnets").get_json()["hits"][0]
    assert "<script" not in api["snippet"] and "<img" not in api["snippet"] and "&gt;" in api["snippet"]


@pytest.mark.parametrize(
    "path",
    [
        "/doc/..%2f..%2fetc%2fpasswd",
        "/doc/0123456789ab/edit",
        "/doc/%00/original",
        "/doc/ABCDEF012345",
        "/api/documents/'%20OR%201=1--",
    ],
)
def test_tampered_ids_are_404(staff, path):
    _, client, _ = staff
    assert client.get(path).status_code == 404


def test_originals_are_downloads_that_never_render(staff):
    hub, client, _ = staff
    html = (
        b"<!doctype html><html><head><title>Evil page</title></head><body><p>Hearing aid text "
        b"with enough words to count.</p><script>alert(1)</script></body></html>"
    )
    page = upload(client, ("evil.html", html)).get_data(as_text=True)
    publish(client, page)
    doc_id = client.get("/api/search?q=evil").get_json()["hits"][0]["id"]
    response = client.get(f"/doc/{doc_id}/original")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.mimetype == "application/octet-stream"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
