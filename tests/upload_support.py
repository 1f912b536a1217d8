"""Files a staff member uploads in the review and bulk-upload tests: real PDFs, Word files and archives."""

from __future__ import annotations

import io
import zipfile

from fpdf import FPDF

from tests.filemakers import docx_bytes, zip_bomb_docx

BODY = (
    "We measured the insertion loss of perforated absorbers in a reverberation chamber and compared the "
    "sound absorption with the predictions of a porous material model for room acoustics in open offices."
)


def titled_pdf(title: str, pages: int = 4, body: str = BODY) -> bytes:
    """A PDF whose title is only in its type size (no info-dictionary title), as LaTeX often makes them."""
    pdf = FPDF()
    for page in range(pages):
        pdf.add_page()
        if page == 0:
            pdf.set_font("Helvetica", "B", size=22)
            pdf.multi_cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 6, f"{body} Page {page + 1}.", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def mixed_files() -> list[tuple[str, bytes]]:
    """One of each format people upload, plus a broken file."""
    return [
        ("004-pdflatex-4-pages__pdflatex-4-pages.pdf", titled_pdf("Absorbers in Open-Plan Offices")),
        ("cabin.docx", docx_bytes("Cabin Noise in Electric Ferries", [BODY.replace("offices", "ferries")])),
        (
            "hearing.md",
            b"# Hearing Aid Fitting for Musicians\n\nMusicians with hearing loss and hearing aids "
            b"judged the sound quality of music programmes in the clinic.\n",
        ),
        (
            "concert.html",
            b"<!doctype html><html lang='en'><head><title>Spatial Audio at Concerts</title></head>"
            b"<body><main><h1>Spatial Audio at Concerts</h1><p>Object-based loudspeaker arrays for live concerts "
            b"and immersive sound reinforcement.</p></main></body></html>",
        ),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj garbage"),
    ]


def archive(members: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return out.getvalue()


def hostile_archive() -> bytes:
    """Two good documents, a member that climbs out of the folder, a member that inflates 1000x and a
    Word file that is a ZIP bomb itself."""
    return archive(
        [
            ("reports/hearing.md", mixed_files()[2][1]),
            ("reports/concert.html", mixed_files()[3][1]),
            ("../../etc/evil.md", b"# Evil\n\nThis member tries to climb out of the folder it is unpacked in.\n"),
            ("padding.txt", bytes(3 * 1024 * 1024)),
            ("bomb.docx", zip_bomb_docx(inflated_mb=8)),
        ]
    )
