"""Why a file was refused or passed over, in Danish: every code ingest can give has its Danish, the real
pipeline hands the web coded reasons, and a staff upload of a damaged file says why in the reader's language."""

from __future__ import annotations

import ast
import io
import os
import string
import zipfile
from html import unescape
from pathlib import Path

import pytest

from ingest.pipeline import Explicit
from ingest.reasons import REASONS, reason
from tests.accounts_support import csrf_token, login, make_users
from tests.filemakers import docx_bytes, encrypted_pdf_bytes, scanned_pdf_bytes, zip_bomb_docx
from web.app import create_app
from web.i18n import available
from web.messages_ingest import MESSAGES, ingest_reason

ROOT = Path(__file__).resolve().parent.parent
DA = {"Accept-Language": "da-DK,da;q=0.9"}
EN = {"Accept-Language": "en-GB,en;q=0.9"}

pytestmark = pytest.mark.skipif(
    "da" not in available(), reason="web/translations/da has no compiled .mo: run `make .venv/.installed-test`"
)

REFUSALS = {"IngestError", "ParseError", "UnsupportedType", "UnsafeArchive", "ExplicitError", "ManifestError"}
"""Ingest's exceptions whose message a person reads; their message must be a coded reason."""


def sample(code: str):
    """The reason ``code`` with a stand-in for each parameter: a number where its format spec asks for one."""
    params: dict[str, object] = {}
    for _text, name, spec, _conversion in string.Formatter().parse(REASONS[code]):
        if name:
            params[name] = 2.5 if spec == "g" else 7 if spec in ("d", ",") else "SAMPLE"
    return reason(code, **params)


def test_every_reason_ingest_can_give_has_its_danish_and_the_same_english(client):
    """A new code in ingest.reasons without its message in web.messages_ingest (and the catalogue) fails here."""
    assert set(MESSAGES) == set(REASONS), (set(REASONS) - set(MESSAGES), set(MESSAGES) - set(REASONS))
    app = client.application
    with app.test_request_context("/", headers=DA):
        for code in REASONS:
            said = ingest_reason(sample(code))
            assert said != str(sample(code)) and "%(" not in said, (code, said)
        big = reason("too_large_bytes", mb=50.0, bytes=52428801)
        assert ingest_reason(big) == "filen er større end grænsen på 50 MB (52.428.801 byte)"
        assert ingest_reason(reason("exited", exit_code=1234)).endswith("(afslutningskode 1234)")
    with app.test_request_context("/", headers=EN):
        for code in REASONS:  # the English page says what the command line says
            assert ingest_reason(sample(code)) == str(sample(code)), code


def _name(call: ast.Call) -> str | None:
    return call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", None)


def _plain_text(node: ast.expr | None) -> bool:
    """A message written in place (a literal, an f-string, str(exc)) rather than a reason passed on."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(node.value)
    if isinstance(node, ast.JoinedStr | ast.BinOp):
        return True
    return isinstance(node, ast.Call) and _name(node) in ("str", "format")


def _uncoded(node: ast.AST) -> str | None:
    """What ``node`` writes as plain English where a person reads a reason, or None."""
    if isinstance(node, ast.Assign):
        to_reason = any(isinstance(t, ast.Attribute) and t.attr == "reason" for t in node.targets)
        return "a reason assigned as plain text" if to_reason and _plain_text(node.value) else None
    if not isinstance(node, ast.Call):
        return None
    name = _name(node)
    message = node.args[1 if name == "Skipped" else 0] if len(node.args) > (name == "Skipped") else None
    if (name in REFUSALS or name == "Skipped") and _plain_text(message):
        return f"{name} with plain text"
    if name == "append" and getattr(node.func.value, "id", None) == "notes" and _plain_text(message):
        return "a note as plain text"
    if any(k.arg == "reason" and _plain_text(k.value) for k in node.keywords):
        return "reason= as plain text"
    return None


def test_ingest_gives_every_reason_with_a_code():
    """Read from the source: no ingest refusal, skip or note is written as plain English, every code named is one
    of ingest.reasons.REASONS, and every one of those is used."""
    problems, named, constants = [], set(), set()
    for path in sorted((ROOT / "ingest").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and path.name != "reasons.py":
                constants.add(node.value)
            if (problem := _uncoded(node)) is not None:
                problems.append(f"{path.relative_to(ROOT)}:{node.lineno} {problem}")
            if isinstance(node, ast.Call) and _name(node) == "reason" and isinstance(node.args[0], ast.Constant):
                named.add(node.args[0].value)
    assert not problems, problems
    assert named <= set(REASONS), named - set(REASONS)
    assert set(REASONS) <= constants, set(REASONS) - constants  # a code nothing gives is a stale translation


def test_a_folder_s_skips_and_failures_reach_the_web_as_coded_reasons(hub, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    body = "Facade insulation against road traffic noise in dense housing, measured over a year."
    (docs / "report.txt").write_text(body)
    (docs / "report.txt.meta.json").write_text('{"visibility": "secret"}')
    (docs / "row.txt").write_text(body + " Second site.")
    (docs / "manifest.csv").write_text("path,year\nrow.txt,soon\n")
    (docs / "photo.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (docs / "tiny.txt").write_text("Hi there.")
    os.mkfifo(docs / "pipe")
    (docs / "out.txt").symlink_to(tmp_path)
    report = hub.ingestor.ingest_paths([docs], Explicit())
    outcomes = {Path(o.path).name: o for o in report.outcomes}
    expected = {
        "report.txt": "sidecar-filen report.txt.meta.json: synligheden (visibility) 'secret' er ikke en af "
        "public, members, staff",
        "row.txt": f"{docs / 'manifest.csv'}, rækken for row.txt: feltet year ('soon') er ikke et årstal",
        "photo.pdf": "et PNG-billede, ikke et dokument",
        "tiny.txt": "for lidt tekst til at indeksere: 9 tegn i TEKST-filen (der skal mindst 20 til)",
        "pipe": "en FIFO (navngivet pipe), ikke et dokument: ikke åbnet",
        "out.txt": f"et symbolsk link til {tmp_path}: ikke fulgt (--follow-symlinks følger links)",
    }
    app = create_app(hub, TESTING=True)
    with app.test_request_context("/", headers=DA):
        assert {name: ingest_reason(outcomes[name].reason) for name in expected} == expected
    with app.test_request_context("/", headers=EN):
        for name in expected:
            assert ingest_reason(outcomes[name].reason) == outcomes[name].reason


def test_a_staff_upload_of_damaged_word_and_pdf_files_says_why_in_danish(mini_hub):
    client = create_app(mini_hub, TESTING=True).test_client()
    assert login(client, make_users(mini_hub)["staff"]).status_code == 302
    broken_xml = io.BytesIO()
    with zipfile.ZipFile(broken_xml, "w") as archive:
        archive.writestr("word/document.xml", "<w:document><w:body>")
    files = {
        "broken.docx": broken_xml.getvalue(),
        "cut.docx": docx_bytes("Cut short", ["Nothing after this."])[:2000],
        "bomb.docx": zip_bomb_docx(inflated_mb=40),
        "secret.pdf": encrypted_pdf_bytes(),
        "garbage.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 8,
        "scan.pdf": scanned_pdf_bytes(pages=2),
    }
    danish = {
        "broken.docx": "Word-filen er beskadiget (XMLSyntaxError: ",
        "cut.docx": "en beskadiget ZIP-fil (et afkortet Word-dokument?)",
        "bomb.docx": "Word-filen er ikke sikker at åbne: word/media/padding.bin ville fylde 1.0",
        "secret.pdf": "PDF'en er krypteret med en adgangskode",
        "garbage.pdf": "PDF'en er beskadiget (PDFium kan ikke åbne den: ikke en gyldig PDF-struktur)",
        "scan.pdf": "PDF'en har intet tekstlag: 2 af 2 side(r) er kun billeder (en scanning; kør tekstgenkendelse",
    }
    english = {
        "broken.docx": "the Word file is damaged (XMLSyntaxError: ",
        "cut.docx": "a damaged ZIP file (a Word document cut short?)",
        "bomb.docx": "the Word file is unsafe to open: word/media/padding.bin would unpack 1",
        "secret.pdf": "the PDF is encrypted with a password",
        "garbage.pdf": "the PDF is damaged (PDFium cannot open it: not a valid PDF structure)",
        "scan.pdf": "the PDF has no text layer: 2 of 2 page(s) are images only (a scan; run OCR on it first)",
    }
    for headers, wanted, unwanted in ((DA, danish, english), (EN, english, danish)):
        form = {
            "csrf_token": csrf_token(client, "/upload"),
            "visibility": "public",
            "files": [(io.BytesIO(data), name) for name, data in files.items()],
        }
        response = client.post("/upload", data=form, headers=headers, content_type="multipart/form-data")
        page = unescape(response.get_data(as_text=True))
        assert response.status_code == 400
        for name, text in wanted.items():
            assert f"<strong>{name}</strong>: {text}" in page, (name, page)
        assert not [text for text in unwanted.values() if text in page]
        if headers is DA:  # the archive's own reason, inside the Word file's, in Danish too
            assert "40 MB; grænsen er 100 gange): en ZIP-bombe?" in page
