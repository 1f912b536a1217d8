"""Plain text in any common encoding, with optional ``Key: value`` header lines."""

from __future__ import annotations

import re

from charset_normalizer import from_bytes

from ingest.model import Parsed
from ingest.parsers import ParseError

# Header lines a plain-text report may start with, in English or Danish.
_HEADER_KEYS = {
    "title": "title",
    "titel": "title",
    "organisation": "org",
    "organization": "org",
    "authors": "authors",
    "author": "authors",
    "forfattere": "authors",
    "forfatter": "authors",
    "date": "date",
    "dato": "date",
    "type": "type",
    "language": "lang",
    "sprog": "lang",
    "doi": "doi",
    "url": "url",
}
_HEADER = re.compile(r"^([A-Za-zÆØÅæøå]+):\s*(.+)$")


def decode(data: bytes) -> str:
    """Decode bytes whose encoding nobody told us (UTF-8 first, then detect)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise ParseError("the text is in no encoding we recognise")
    return str(best)


def split_list(value: str) -> list[str]:
    """Split "A; B" or "A, B and C" (or Danish "og") into names."""
    parts = value.split(";") if ";" in value else re.split(r",|\s+(?:and|og|&)\s+", value)
    return [p.strip() for p in parts if p.strip()]


def parse_text(data: bytes) -> Parsed:
    text = decode(data).replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    metadata: dict[str, object] = {}
    # A title line, a blank line, then "Key: value" lines up to the next blank.
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    first = i
    j = first + 1
    while j < len(lines) and not lines[j].strip():
        j += 1
    k = j
    header: dict[str, object] = {}
    while k < len(lines) and (m := _HEADER.match(lines[k].strip())):
        key = _HEADER_KEYS.get(m.group(1).lower())
        if key is None:
            break
        value = m.group(2).strip()
        header[key] = split_list(value) if key == "authors" else value
        k += 1
    title_line = _HEADER.match(lines[first].strip()) if first < len(lines) else None
    title_is_header = bool(title_line and title_line.group(1).lower() in _HEADER_KEYS)
    if header and first < len(lines) and not title_is_header:
        metadata.update(header)
        metadata.setdefault("title", lines[first].strip())
        body = "\n".join(lines[k:]).strip()
    else:
        body = text.strip()
    return Parsed(format="text", body=body, metadata=metadata)
