"""PDF: text with pypdf, metadata from the info dictionary and XMP."""

from __future__ import annotations

import io
import logging

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError

from ingest.model import Parsed
from ingest.parsers import ParseError

logging.getLogger("pypdf").setLevel(logging.ERROR)


def _xmp(reader: PdfReader) -> dict[str, object]:
    found: dict[str, object] = {}
    try:
        xmp = reader.xmp_metadata
    except Exception:  # noqa: BLE001 - damaged XMP is common; the info dict may still do
        return found
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
    return found


def parse_pdf(data: bytes) -> Parsed:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise ParseError("the PDF is encrypted with a password")
            except (NotImplementedError, FileNotDecryptedError) as exc:
                raise ParseError("the PDF is encrypted with a password") from exc
        pages = [page.extract_text() or "" for page in reader.pages]
    except ParseError:
        raise
    except FileNotDecryptedError as exc:
        raise ParseError("the PDF is encrypted with a password") from exc
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise ParseError(f"the PDF is damaged ({exc.__class__.__name__}: {str(exc)[:120]})") from exc
    metadata: dict[str, object] = {}
    info = reader.metadata or {}
    if info.get("/Title"):
        metadata["title"] = str(info["/Title"])
    if info.get("/Author"):
        metadata["authors"] = [a.strip() for a in str(info["/Author"]).split(";") if a.strip()]
    if info.get("/Subject"):
        metadata["abstract"] = str(info["/Subject"])
    if info.get("/CreationDate"):
        metadata["date"] = str(info["/CreationDate"])
    for key, value in _xmp(reader).items():
        metadata[key] = value  # XMP is the richer, newer record
    body = "\n\n".join(" ".join(p.split()) for p in pages if p.strip())
    if not body.strip():
        raise ParseError(f"the PDF has no text layer ({len(pages)} page(s), probably scanned images)")
    return Parsed(format="pdf", body=body, metadata=metadata)
