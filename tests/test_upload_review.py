"""Issue #19, the review after an upload, through the real app: the extracted text, the page count, a title
from the document itself, at least one area, and Cancel (which removes the upload's bytes unless a published
document holds the same)."""

from __future__ import annotations

import re

import pytest

from ingest.store import path_for, sha256_of
from tests.accounts_support import csrf_token, login, staff_client
from tests.test_staff import REPORT, publish, upload
from tests.upload_support import titled_pdf
from web.app import create_app


@pytest.fixture
def staff(mini_hub):
    return mini_hub, staff_client(mini_hub)


def test_review_shows_the_text_the_pages_and_the_title_from_the_pdf(staff):
    _, client = staff
    pdf = titled_pdf("Absorbers in Open-Plan Offices <b>", pages=4)
    response = upload(client, ("004-pdflatex-4-pages__pdflatex-4-pages.pdf", pdf))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Absorbers in Open-Plan Offices &lt;b&gt;"' in page  # the largest type, not the file name
    assert "pdflatex 4 pages" not in page.split("<legend>")[1].split("</legend>", 1)[1]
    assert "4 pages" in page
    preview = re.search(r'<div class="preview-text" lang="en"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert "insertion loss of perforated absorbers" in preview and "<b>" not in preview
    assert 'type="number"' in page and 'min="1900"' in page and 'max="2100"' in page


def test_the_preview_is_cut_and_escaped(staff):
    _, client = staff
    text = b"Long report\n\n" + b"Loudspeaker <script>alert(1)</script> measurement words. " * 200
    page = upload(client, ("long.txt", text)).get_data(as_text=True)
    preview = re.search(r'<div class="preview-text"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert "<script>" not in preview and "&lt;script&gt;" in preview
    assert len(preview.replace("&lt;", "<").replace("&gt;", ">")) <= 1501 and preview.endswith("…")


def test_suggested_areas_come_ticked_with_their_evidence(staff):
    _, client = staff
    page = upload(client, ("infrasound.md", REPORT)).get_data(as_text=True)
    assert re.search(r'value="acoustics-noise"[^>]*checked|checked[^>]*value="acoustics-noise"', page)
    assert re.search(r"Suggested: .*?from the words <span lang=\"en\">[^<]*(infrasound|noise)", page)


def test_publishing_needs_at_least_one_area(staff):
    hub, client = staff
    page = upload(client, ("infrasound.md", REPORT)).get_data(as_text=True)
    refused = publish(client, page, areas=[])
    assert refused.status_code == 400 and "Choose at least one strength area." in refused.get_data(as_text=True)
    assert hub.catalog.count() == 8
    assert publish(client, refused.get_data(as_text=True), areas=["acoustics-noise"]).status_code == 302
    assert hub.catalog.count() == 9


def test_the_review_has_a_date_widget_and_a_date_sets_the_year(staff):
    hub, client = staff
    page = upload(client, ("infrasound.md", REPORT)).get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    assert re.search(rf'id="{token}-date" name="{token}-date" type="date" value="2023-05-02"', page)
    refused = publish(client, page, year="2022")
    said = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "The year must be the date's year (2023)." in said
    done = publish(client, said, year="2024", date="2024-01-15")
    assert done.status_code == 302
    doc = hub.catalog.get(done.headers["Location"].rsplit("/", 1)[1])
    assert (doc.date, doc.year) == ("2024-01-15", 2024)


def test_no_suggestion_asks_staff_to_choose(staff):
    _, client = staff
    page = upload(client, ("plain.txt", b"Quarterly minutes of the board: budget, premises and the party.")).get_data(
        as_text=True
    )
    assert "The hub found no strength area in the text. Choose at least one." in page


def cancel(client, page: str, token: str):
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    tokens = re.findall(r'name="token" value="([^"]+)"', page)
    return client.post("/upload/cancel", data={"csrf_token": csrf, "token": tokens, "cancel": token})


def test_cancel_discards_the_upload_and_its_bytes(staff):
    hub, client = staff
    page = upload(client, ("infrasound.md", REPORT), ("other.md", REPORT.replace(b"six", b"seven"))).get_data(
        as_text=True
    )
    first, second = re.findall(r'name="token" value="([^"]+)"', page)
    original = path_for(hub.datadir.originals, sha256_of(REPORT))
    assert original.exists()
    response = cancel(client, page, first)
    assert response.status_code == 200 and "Discarded “infrasound.md”" in response.get_data(as_text=True)
    assert not original.exists() and hub.pending.peek("staff@cluster.example", first) is None
    assert f'value="{second}"' in response.get_data(as_text=True)  # the other file is still under review
    assert hub.catalog.count() == 8
    assert hub.accounts.audit_log()[0].action == "upload-cancel"
    done = cancel(client, response.get_data(as_text=True), second)
    assert done.status_code == 302 and done.headers["Location"].endswith("/upload")


def test_cancel_keeps_bytes_a_published_document_uses(staff):
    hub, client = staff
    page = upload(client, ("infrasound.md", REPORT)).get_data(as_text=True)
    (token,) = re.findall(r'name="token" value="([^"]+)"', page)
    doc = hub.pending.peek("staff@cluster.example", token)
    # The same bytes get published meanwhile (by the command line, say) while this review is still open.
    hub.ingestor.save(doc)
    assert cancel(client, page, token).status_code == 302
    assert path_for(hub.datadir.originals, doc.sha256).exists()
    assert client.get(f"/doc/{doc.id}/original").status_code == 200


def test_cancel_needs_csrf_and_the_owner(staff, mini_hub):
    hub, client = staff
    page = upload(client, ("infrasound.md", REPORT)).get_data(as_text=True)
    (token,) = re.findall(r'name="token" value="([^"]+)"', page)
    assert client.post("/upload/cancel", data={"cancel": token}).status_code == 400
    other = create_app(mini_hub, TESTING=True).test_client()
    login(other, "admin@cluster.example")
    csrf = csrf_token(other, "/upload")
    other.post("/upload/cancel", data={"csrf_token": csrf, "cancel": token})
    assert hub.pending.peek("staff@cluster.example", token) is not None


def test_parsers_say_how_many_pages_and_which_text_is_largest():
    from ingest.parsers.docx import parse_docx
    from ingest.parsers.pdf import parse_pdf
    from tests.filemakers import docx_bytes, pdf_bytes

    pdf = parse_pdf(titled_pdf("Noise Maps of Aarhus", pages=3))
    assert pdf.pages == 3 and pdf.headings == ["Noise Maps of Aarhus"]
    plain = parse_pdf(pdf_bytes(["All of this text is set in one size.", "So none of it stands out as a title."]))
    assert plain.headings == []  # no type stands out: the text's lines decide, as before
    assert parse_docx(docx_bytes("Heading", ["Some text for the body."])).pages == 1  # docProps/app.xml
