"""Deciding a file's format from its bytes, not its name.

A PDF renamed to ``.txt`` is still parsed as a PDF, and an executable renamed
to ``.pdf`` is refused as an unsupported type.
"""

from __future__ import annotations

import io
import re
import zipfile

FORMATS = ("pdf", "docx", "html", "markdown", "text")


class UnsupportedType(ValueError):
    """The bytes are not a format we can read."""


_HTML_START = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|article|main)\b",
    re.I | re.S,
)
_MD_HINTS = re.compile(r"^(?:---\s*\n|#{1,6} \S|\s*[-*+] \S.*\n\s*[-*+] \S|.*\[[^\]]+\]\([^)]+\))", re.M)
_BINARY_SIGNATURES = {
    b"\x7fELF": "an executable",
    b"MZ": "a Windows executable",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"\xd0\xcf\x11\xe0": "an old Office file (.doc/.xls/.ppt); save it as .docx or PDF",
    b"{\\rtf": "an RTF file; save it as .docx or PDF",
    b"%!PS": "a PostScript file; convert it to PDF",
    b"OggS": "an Ogg audio file",
    b"fLaC": "a FLAC audio file",
    b"ID3": "an MP3 audio file",
    b"RIFF": "a RIFF (WAV/AVI) file",
}


# What a ZIP holds when it is an office file we do not read (the first member that names it).
_ZIP_KINDS = (
    ("xl/workbook.xml", "an Excel workbook, not a document; save it as PDF"),
    ("ppt/presentation.xml", "a PowerPoint presentation; save it as PDF"),
    ("content.xml", "an OpenDocument file; save it as .docx or PDF"),
    ("META-INF/container.xml", "an EPUB e-book; save it as PDF"),
)
_UTF16_BOMS = ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def _sniff_text(head: bytes) -> str:
    """The start of the file as text, for the HTML and Markdown checks (UTF-16 too)."""
    for bom, encoding in _UTF16_BOMS:
        if head.startswith(bom):
            return head[2 : 2 + (len(head) - 2) // 2 * 2].decode(encoding, errors="ignore")
    return head.decode("utf-8", errors="ignore")


def detect_format(data: bytes) -> str:
    """Return one of :data:`FORMATS` or raise :class:`UnsupportedType`."""
    if not data:
        raise UnsupportedType("the file is empty (0 bytes)")
    if not data.strip():
        raise UnsupportedType("the file is empty (only blank space)")
    head = data[:1024]
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in head:
        return "pdf"
    if head[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile as exc:
            raise UnsupportedType("a damaged ZIP file (a Word document cut short?)") from exc
        if "word/document.xml" in names:
            return "docx"
        for member, kind in _ZIP_KINDS:
            if member in names:
                raise UnsupportedType(kind)
        raise UnsupportedType("a ZIP archive that is not a Word document")
    for signature, name in _BINARY_SIGNATURES.items():
        if head.startswith(signature):
            raise UnsupportedType(f"{name}, not a document")
    if b"\x00" in head and not (head.startswith((b"\xff\xfe", b"\xfe\xff"))):
        raise UnsupportedType("binary data, not a document")
    sample = _sniff_text(data[:8192])
    if _HTML_START.search(sample[:1024]):
        return "html"
    if _MD_HINTS.search(sample) or sample.startswith("---"):
        return "markdown"
    return "text"
