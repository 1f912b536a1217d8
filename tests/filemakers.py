"""Real files for ingest tests, made with real tools (fpdf2, pypdf, python-docx, zipfile).

The hostile ones are small files that do what hostile files do: a PDF whose
forms draw each other exponentially (hangs a parser), a DOCX that inflates a
thousandfold (a ZIP bomb), YAML front matter whose aliases expand to
gigabytes (a memory bomb).
"""

from __future__ import annotations

import io
import zipfile

import docx
from fpdf import FPDF
from PIL import Image
from pypdf import PdfReader, PdfWriter

XMP = """<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
<dc:publisher><rdf:Bag><rdf:li>{org}</rdf:li></rdf:Bag></dc:publisher>
<dc:date><rdf:Seq><rdf:li>{date}</rdf:li></rdf:Seq></dc:date>
</rdf:Description></rdf:RDF></x:xmpmeta>"""


def pdf_bytes(lines: list[str], title: str = "", author: str = "", xmp: dict[str, str] | None = None) -> bytes:
    pdf = FPDF()
    if title:
        pdf.set_title(title)
    if author:
        pdf.set_author(author)
    if xmp:
        pdf.set_xmp_metadata(XMP.format(**xmp))
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def scanned_pdf_bytes(pages: int = 2) -> bytes:
    """Pages that are pictures of text, as a scanner makes them: no text layer."""
    pdf = FPDF()
    picture = Image.new("L", (200, 100), color=255)
    for _ in range(pages):
        pdf.add_page()
        pdf.image(picture, x=10, y=10, w=190)
    return bytes(pdf.output())


def encrypted_pdf_bytes(password: str = "hemmelig") -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(["Confidential loudspeaker test results."]))))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def xobject_bomb_pdf(depth: int = 7, fanout: int = 10) -> bytes:
    """A 3 KB PDF whose page draws a form that draws the next form ``fanout`` times, ``depth`` deep.

    Text extraction walks fanout**depth text runs: depth 6 takes PDFium minutes.
    """

    def stream(head: bytes, content: bytes) -> bytes:
        return head + b" /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"

    font = b"<< /Font << /F1 5 0 R >>"
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /XObject << /X 10 0 R >> /Font << /F1 5 0 R >> >> >>",
        4: stream(b"<<", b"BT /F1 12 Tf 72 712 Td (Loudspeaker report) Tj ET /X Do"),
        5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    for level in range(depth):
        if level == depth - 1:
            content, resources = b"BT /F1 2 Tf 0 0 Td (ab) Tj ET", font + b" >>"
        else:
            content = b" ".join(b"q 1 0 0 1 %d 0 cm /X Do Q" % i for i in range(fanout))
            resources = b"<< /XObject << /X %d 0 R >> /Font << /F1 5 0 R >> >>" % (11 + level)
        objs[10 + level] = stream(
            b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources " + resources, content
        )
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for num in sorted(objs):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objs[num] + b"\nendobj\n"
    size = max(objs) + 1
    xref = len(out)
    out += b"xref\n0 %d\n" % size
    for num in range(size):
        out += b"%010d 00000 n \n" % offsets[num] if num in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


def docx_bytes(
    heading: str,
    paragraphs: list[str],
    table: list[list[str]] | None = None,
    **core: object,
) -> bytes:
    """A Word document with a heading, paragraphs, an optional table and core properties."""
    document = docx.Document()
    if heading:
        document.add_heading(heading, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    for name, value in core.items():
        setattr(document.core_properties, name, value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zip_bomb_docx(inflated_mb: int = 40) -> bytes:
    """A genuine Word document plus one member that inflates ~1000x (zeros)."""
    out = io.BytesIO()
    genuine = io.BytesIO(docx_bytes("Quarterly report", ["Nothing to see here, really."]))
    with zipfile.ZipFile(genuine) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("word/media/padding.bin", bytes(inflated_mb * 1024 * 1024))
    return out.getvalue()


def yaml_bomb_markdown(levels: int = 9) -> bytes:
    """Markdown whose front-matter title is 10**levels copies of "lol" by YAML aliases (about 500 bytes)."""
    lines = ["---", "a0: &a0 [" + ", ".join(['"lol"'] * 10) + "]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    lines += [f"title: *a{levels - 1}", "---", "# Heading", "", "Some text about loudspeakers in a room."]
    return "\n".join(lines).encode()
