"""Deciding a file's format from its bytes, not its name.

A PDF renamed to ``.txt`` is still parsed as a PDF, and an executable renamed
to ``.pdf`` is refused as an unsupported type.
"""

from __future__ import annotations

import io
import re
import zipfile

from ingest.reasons import ReasonError, reason

FORMATS = ("pdf", "docx", "html", "markdown", "text")


class UnsupportedType(ReasonError):
    """The bytes are not a format we can read; the message (a :class:`ingest.reasons.Reason`) says what they are."""


_HTML_START = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|article|main)\b",
    re.I | re.S,
)
_MD_HINTS = re.compile(r"^(?:---\s*\n|#{1,6} \S|\s*[-*+] \S.*\n\s*[-*+] \S|.*\[[^\]]+\]\([^)]+\))", re.M)
_BINARY_SIGNATURES = {  # the reason's code (ingest.reasons) names what the bytes are
    b"\x7fELF": "binary_executable",
    b"MZ": "binary_windows_executable",
    b"\x89PNG": "binary_png",
    b"\xff\xd8\xff": "binary_jpeg",
    b"GIF8": "binary_gif",
    b"\x1f\x8b": "binary_gzip",
    b"Rar!": "binary_rar",
    b"7z\xbc\xaf": "binary_7zip",
    b"\xd0\xcf\x11\xe0": "binary_old_office",
    b"{\\rtf": "binary_rtf",
    b"%!PS": "binary_postscript",
    b"OggS": "binary_ogg",
    b"fLaC": "binary_flac",
    b"ID3": "binary_mp3",
    b"RIFF": "binary_riff",
}


# What a ZIP holds when it is an office file we do not read (the first member that names it).
_ZIP_KINDS = (
    ("xl/workbook.xml", "zip_excel"),
    ("ppt/presentation.xml", "zip_powerpoint"),
    ("content.xml", "zip_opendocument"),
    ("META-INF/container.xml", "zip_epub"),
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
        raise UnsupportedType(reason("empty"))
    if not data.strip():
        raise UnsupportedType(reason("blank"))
    head = data[:1024]
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in head:
        return "pdf"
    if head[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile as exc:
            raise UnsupportedType(reason("zip_damaged")) from exc
        if "word/document.xml" in names:
            return "docx"
        for member, kind in _ZIP_KINDS:
            if member in names:
                raise UnsupportedType(reason(kind))
        raise UnsupportedType(reason("zip_other"))
    for signature, kind in _BINARY_SIGNATURES.items():
        if head.startswith(signature):
            raise UnsupportedType(reason(kind))
    if b"\x00" in head and not (head.startswith((b"\xff\xfe", b"\xfe\xff"))):
        raise UnsupportedType(reason("binary_other"))
    sample = _sniff_text(data[:8192])
    if _HTML_START.search(sample[:1024]):
        return "html"
    if _MD_HINTS.search(sample) or sample.startswith("---"):
        return "markdown"
    return "text"
