"""A Danish page shows no English interface text: every page a visitor, member, staff member or admin can
reach, with its form errors, flash messages, upload problems and error pages, read through the real app."""

from __future__ import annotations

import io
import re
from html import unescape
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.accounts_support import csrf_token, login, make_users
from web.app import create_app
from web.i18n import available

PO = Path(__file__).resolve().parent.parent / "web" / "translations" / "da" / "LC_MESSAGES" / "messages.po"
DA = {"Accept-Language": "da-DK,da;q=0.9"}

pytestmark = pytest.mark.skipif(
    "da" not in available(), reason="web/translations/da has no compiled .mo: run `make .venv/.installed-test`"
)

OUTSIDE_THE_CATALOGUE = [
    "Method Not Allowed",  # Werkzeug's own error pages
    "The method is not allowed for the requested URL",
    "Bad Request",
    "changes",  # the audit log's stored field names
    "TEXT",  # the format name
    "not a document",  # ingest's English reasons
    "the file is",
]
"""English that reached Danish pages from outside gettext before: the web server, stored data, lower layers."""


def catalogue_english() -> set[str]:
    """Every run of two or more English words of the catalogue that its Danish does not contain."""
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="da")
    found = set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        danish = " ".join(message.string) if isinstance(message.string, tuple) else message.string
        for english in ids:
            for piece in re.split(r"%\(\w+\)[sd]|<[^>]+>", english):
                piece = piece.strip(" .,:;()–—…?")
                if len(piece.split()) >= 2 and len(piece) >= 10 and piece not in danish:
                    found.add(piece)
    return found


def readable(page: str) -> str:
    """What a person reads or hears: the text, the title and the labels and hints of its elements."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    attributes = re.findall(r'\s(?:title|placeholder|aria-label|label|alt|data-[a-z-]+-label)="([^"]*)"', page)
    return unescape(" ".join([re.sub(r"<[^>]+>", " ", page), *attributes]))


def danish_pages(hub) -> dict[str, str]:
    """Pages in Danish, by a name that says which, as the four kinds of visitor see them."""
    app = create_app(hub, TESTING=True)
    emails = make_users(hub)
    pages: dict[str, str] = {}

    def keep(name: str, response) -> None:
        pages[name] = response.get_data(as_text=True)

    anonymous = app.test_client()
    doc = anonymous.get("/api/search?q=classrooms").get_json()["hits"][0]["id"]
    for path in (
        "/",
        "/search?q=hearing&area=hearing-health&year_from=2015&year_to=2024",
        "/search?q=zzzqqq",
        "/search?q=",
        "/areas/acoustics-noise",
        f"/doc/{doc}",
        "/login",
        "/doc/0123456789ab",
        "/logout",
    ):
        keep(path, anonymous.get(path, headers=DA))
    token = csrf_token(anonymous, "/login")
    keep("login, empty", anonymous.post("/login", data={"csrf_token": token, "email": ""}, headers=DA))
    keep(
        "login, wrong",
        anonymous.post("/login", data={"csrf_token": token, "email": "x@y.dk", "password": "no"}, headers=DA),
    )

    member = app.test_client()
    assert login(member, emails["member"]).status_code == 302
    keep("member /upload (403)", member.get("/upload", headers=DA))

    staff = app.test_client()
    assert login(staff, emails["admin"]).status_code == 302
    for path in ("/", f"/doc/{doc}", f"/doc/{doc}/edit", "/upload", f"/doc/{doc}/delete"):
        keep(f"admin {path}", staff.get(path, headers=DA))
    edit = {"csrf_token": csrf_token(staff, f"/doc/{doc}/edit"), "title": "", "year": "1066", "visibility": "x"}
    keep("edit, errors", staff.post(f"/doc/{doc}/edit", data=edit, headers=DA))
    edit.update(title="Efterklang i klasseværelser", year="2016", visibility="members", areas="audio-tech")
    keep("edit, saved", staff.post(f"/doc/{doc}/edit", data=edit, headers=DA, follow_redirects=True))
    keep("delete without a token", staff.post(f"/doc/{doc}/delete", data={}, headers=DA))
    problems = [("kort.txt", b"Hej."), ("foto.pdf", b"\x89PNG\r\n\x1a\n" + bytes(64)), ("tom.md", b"")]
    upload = {"csrf_token": csrf_token(staff, "/upload"), "visibility": "public"}
    upload["files"] = [(io.BytesIO(data), name) for name, data in problems]
    keep("upload problems", staff.post("/upload", data=upload, headers=DA, content_type="multipart/form-data"))
    report = "Lydisolering\n\nEtageadskillelser og trinlyd i boliger, målt i tolv nye byggerier.".encode()
    upload.update(files=[(io.BytesIO(report), "lyd.txt"), (io.BytesIO(problems[0][1]), problems[0][0])])
    review = staff.post("/upload", data=upload, headers=DA, content_type="multipart/form-data")
    keep("review", review)
    keep("admin /admin/audit", staff.get("/admin/audit", headers=DA))
    keep("admin history", staff.get(f"/doc/{doc}/history", headers=DA))
    bad = {"csrf_token": csrf_token(staff, f"/doc/{doc}/edit"), "title": "T", "doi": "x", "url": "ftp://x"}
    bad.update(date="2019-01-02", year="2018", lang="da", visibility="public")
    keep("edit, bad doi, address, date and no area", staff.post(f"/doc/{doc}/edit", data=bad, headers=DA))
    token = csrf_token(staff, f"/doc/{doc}/delete")
    keep("trash", staff.post(f"/doc/{doc}/delete", data={"csrf_token": token}, headers=DA, follow_redirects=True))
    keep("history in the trash", staff.get(f"/doc/{doc}/history", headers=DA))
    return pages


def test_a_danish_page_shows_no_english_interface_text(mini_hub):
    english = catalogue_english()
    assert "Only the first" in english and "Check before publishing" in english  # the list is the catalogue's
    pages = danish_pages(mini_hub)
    found = {}
    for name, page in pages.items():
        assert '<html lang="da">' in page, name
        text = readable(page)
        leaks = [e for e in english if e in text]
        leaks += [e for e in OUTSIDE_THE_CATALOGUE if re.search(rf"\b{re.escape(e)}\b", text)]
        if leaks:
            found[name] = leaks
    assert not found, found
    # What these pages say instead, where the English came from outside the catalogue.
    assert "Denne adresse modtager ikke den slags forespørgsler." in readable(pages["/logout"])
    audit = readable(pages["admin /admin/audit"])
    assert "Titel : Reverberation in classrooms → Efterklang i klasseværelser" in re.sub(r"\s+", " ", audit)
    assert "Synlighed : Offentlig → Medlemmer" in re.sub(r"\s+", " ", audit)
    assert "Styrkeområder : Akustik & støj → Audioteknologi" in re.sub(r"\s+", " ", audit)
    assert 'title="Administrator"' in pages["admin /"] and 'title="Medlem"' in pages["member /upload (403)"]
    assert "4 tegn i TEKST-filen" in readable(pages["upload problems"])
    assert "et PNG-billede, ikke et dokument" in readable(pages["upload problems"])
    assert "(TEKST, dansk)" in readable(pages["review"])
    refused = readable(pages["edit, bad doi, address, date and no area"])
    for message in ("Ikke en DOI", "Ikke en webadresse", "Året skal være datoens år (2019).", "Vælg mindst ét"):
        assert message in refused, message
    assert "Flyttede “Efterklang i klasseværelser” til papirkurven." in readable(pages["trash"])
    assert "Titel : Reverberation in classrooms → Efterklang i klasseværelser" in re.sub(
        r"\s+", " ", readable(pages["admin history"])
    )
    assert "flyttede til papirkurven" in readable(pages["history in the trash"])
