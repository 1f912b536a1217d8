"""Word documents: paragraphs and tables with python-docx, core properties, and
the company from ``docProps/app.xml`` (which python-docx does not expose)."""

from __future__ import annotations

import io
import re
import zipfile

import docx
from docx.opc.exceptions import PackageNotFoundError

from ingest.model import Parsed
from ingest.parsers import ParseError


def _company(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read("docProps/app.xml").decode("utf-8", errors="replace")
    except (KeyError, zipfile.BadZipFile):
        return ""
    m = re.search(r"<(?:\w+:)?Company>([^<]*)</(?:\w+:)?Company>", xml)
    return m.group(1).strip() if m else ""


def parse_docx(data: bytes) -> Parsed:
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ParseError(f"the Word file is damaged ({exc.__class__.__name__})") from exc
    paragraphs, headings = [], []
    for para in document.paragraphs:
        text = " ".join(para.text.split())
        if not text:
            continue
        paragraphs.append(text)
        style = (para.style.name if para.style is not None else "") or ""
        if style.startswith(("Heading", "Title")):
            headings.append(text)
    for table in document.tables:
        for row in table.rows:
            cells = [" ".join(c.text.split()) for c in row.cells]
            line = " | ".join(c for c in cells if c)
            if line:
                paragraphs.append(line)
    props = document.core_properties
    metadata: dict[str, object] = {}
    if props.title:
        metadata["title"] = props.title
    if props.author:
        metadata["authors"] = [a.strip() for a in props.author.split(";") if a.strip()]
    if props.subject:
        metadata["abstract"] = props.subject
    if props.category:
        metadata["type"] = props.category
    if props.language:
        metadata["lang"] = props.language
    if props.created:
        metadata["date"] = props.created.date().isoformat()
    company = _company(data)
    if company:
        metadata["org"] = company
    if "title" not in metadata and headings:
        metadata["title"] = headings[0]
    body = "\n\n".join(paragraphs)
    if not body.strip():
        raise ParseError("the Word document contains no text")
    return Parsed(format="docx", body=body, metadata=metadata, headings=headings)
