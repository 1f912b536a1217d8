"""PDF: text with pypdfium2 (PDFium), metadata from the info dictionary and XMP.

Why PDFium and not pypdf for the text: measured with ``bench/pdf_engines.py`` on
the 37 real-world PDFs of ``shared/fixtures/realworld`` plus the 12 corpus PDFs
(2 cores, a shared and noisy machine; best of 2 runs per file):

* failures: the same two files for both (one encrypted, one damaged);
* text: PDFium 227,776 characters, pypdf 222,821; both find text in the same
  files except one image-only scan, where pypdf reports 43 characters (the
  word "Background") and PDFium none. PDFium resolves ligatures
  ("Grundbegriffe", where pypdf returns "Grundbegriﬀe" with U+FB00, which no
  query matches) and spaces formulas and tables as laid out;
* speed: PDFium 0.46 s for all 49 files, pypdf 4.4-10.4 s (10-23x slower); on
  the 117-page GeoTopo book 0.29 s against 5.5 s, which matters when members
  upload long reports.

pypdf stays for the XMP packet, which PDFium does not expose; reading it does
not touch the page content, so it is cheap, and any failure there only costs
metadata, never the document. Both run in the parser child process
(:mod:`ingest.sandbox`): PDFium is C code, so a crash there ends a child, not
the batch.
"""

from __future__ import annotations

import io
import logging

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pypdf import PdfReader

from ingest.model import Parsed
from ingest.parsers import ParseError
from ingest.parsers.pdf_headings import FontSizes, pdf_blocks, section_level
from ingest.reasons import reason

logging.getLogger("pypdf").setLevel(logging.ERROR)


def _xmp(data: bytes) -> dict[str, object]:
    """Dublin Core fields from the XMP packet; empty on any trouble."""
    found: dict[str, object] = {}
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            return found
        xmp = reader.xmp_metadata
        if xmp is None:
            return found

        def first(value):
            if isinstance(value, dict):
                value = value.get("x-default") or next(iter(value.values()), None)
            if isinstance(value, list):
                value = value[0] if value else None
            return value

        if first(xmp.dc_title):
            found["title"] = str(first(xmp.dc_title))
        if xmp.dc_creator:
            found["authors"] = [str(a) for a in xmp.dc_creator]
        if xmp.dc_publisher:
            found["org"] = str(first(xmp.dc_publisher))
        if xmp.dc_type:
            found["type"] = str(first(xmp.dc_type))
        if xmp.dc_language:
            found["lang"] = str(first(xmp.dc_language))
        if xmp.dc_date:
            found["date"] = str(first(xmp.dc_date))
        if first(xmp.dc_description):
            found["abstract"] = str(first(xmp.dc_description))
    except Exception:  # noqa: BLE001 - damaged or exotic XMP is common; the info dict may still do
        return {}
    return found


def _info(pdf: pdfium.PdfDocument) -> dict[str, object]:
    found: dict[str, object] = {}
    try:
        info = pdf.get_metadata_dict(skip_empty=True)
    except Exception:  # noqa: BLE001 - a broken info dictionary costs metadata only
        return found
    if info.get("Title"):
        found["title"] = info["Title"]
    if info.get("Author"):
        found["authors"] = [a.strip() for a in str(info["Author"]).split(";") if a.strip()]
    if info.get("Subject"):
        found["abstract"] = info["Subject"]
    if info.get("CreationDate"):
        found["date"] = info["CreationDate"]
    return found


def _page_paragraphs(page: pdfium.PdfPage, sizes: FontSizes) -> list[str]:
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_bounded()
        lines = (" ".join(line.split()) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
        paragraphs = reflow_paragraphs([line for line in lines if line])
        try:
            sizes.measure(textpage, paragraphs)
        except Exception:  # noqa: BLE001 - font sizes only place headings: trouble there costs them, not the text
            sizes.failed = True
    finally:
        textpage.close()
    return paragraphs


def reflow(lines: list[str]) -> str:
    """:func:`reflow_paragraphs` as a page's text, paragraphs separated by blank lines."""
    return "\n\n".join(reflow_paragraphs(lines))


def reflow_paragraphs(lines: list[str]) -> list[str]:
    """Rebuild paragraphs from a page's printed lines.

    PDF text comes as lines of the printed layout. A line much shorter than
    the page's usual line ends a paragraph (or is a heading); other lines run
    on, and a word hyphenated across lines is joined again. Paragraphs are
    separated by blank lines, which is how pages and snippets show them.
    A short numbered section heading ("2. Methods") stands alone too, so the
    page can show it as one (:mod:`ingest.parsers.pdf_headings`); the words
    and their order, which is all the index reads, are the same either way.
    """
    if not lines:
        return []
    typical = sorted(len(line) for line in lines)[len(lines) * 3 // 4]
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        short = len(line) < 0.7 * typical
        capitalised = line[:1].isupper() and not line.endswith((".", ",", ";", ")", "!", "?"))
        if short and (capitalised or section_level(line) is not None):
            if current:  # a heading: it stands alone
                paragraphs.append(current)
            paragraphs.append(line)
            current = ""
            continue
        if current.endswith("-") and line[:1].islower():
            current = current[:-1] + line
        else:
            current = f"{current} {line}" if current else line
        if short:
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


def _has_images(page: pdfium.PdfPage) -> bool:
    return any(True for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=3))


def parse_pdf(data: bytes) -> Parsed:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise ParseError(reason("pdf_encrypted")) from exc
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise ParseError(reason("pdf_security")) from exc
        raise ParseError(reason("pdf_unopenable")) from exc
    try:
        count = len(pdf)
        if count == 0:
            raise ParseError(reason("pdf_no_pages"))
        paragraphs: list[str] = []
        sizes = FontSizes()
        image_pages = 0
        for index in range(count):
            page = pdf[index]
            try:
                found = _page_paragraphs(page, sizes)
                if not found and _has_images(page):
                    image_pages += 1
            finally:
                page.close()
            paragraphs.extend(found)
        metadata = _info(pdf)
    except pdfium.PdfiumError as exc:
        raise ParseError(reason("pdf_damaged", error=str(exc))) from exc
    finally:
        pdf.close()
    body = "\n\n".join(paragraphs)
    if not body.strip():
        if image_pages:
            raise ParseError(reason("pdf_scanned", images=image_pages, pages=count))
        raise ParseError(reason("pdf_no_text", pages=count))
    for key, value in _xmp(data).items():
        metadata[key] = value  # XMP is the richer, newer record
    return Parsed(format="pdf", body=body, metadata=metadata, blocks=pdf_blocks(paragraphs, sizes))
