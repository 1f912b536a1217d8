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
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|article|main)\b", re.I | re.S
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
    b"\xd0\xcf\x11\xe0": "an old Office (OLE) file",
    b"ID3": "an MP3 audio file",
    b"RIFF": "a RIFF (WAV/AVI) file",
}


def detect_format(data: bytes) -> str:
    """Return one of :data:`FORMATS` or raise :class:`UnsupportedType`."""
    if not data.strip():
        raise UnsupportedType("the file is empty")
    head = data[:1024]
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in head:
        return "pdf"
    if head[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return "docx"
        except zipfile.BadZipFile as exc:
            raise UnsupportedType("a damaged ZIP file") from exc
        raise UnsupportedType("a ZIP archive that is not a Word document")
    for signature, name in _BINARY_SIGNATURES.items():
        if head.startswith(signature):
            raise UnsupportedType(f"{name}, not a document")
    if b"\x00" in head and not (head.startswith((b"\xff\xfe", b"\xfe\xff"))):
        raise UnsupportedType("binary data, not a document")
    if _HTML_START.search(head):
        return "html"
    sample = head.decode("utf-8", errors="ignore")
    if _MD_HINTS.search(data[:8192].decode("utf-8", errors="ignore")) or sample.startswith("---"):
        return "markdown"
    return "text"
