"""Plain text in any common encoding, with optional ``Key: value`` header lines."""

from __future__ import annotations

import re

from charset_normalizer import from_bytes

from ingest.model import Parsed
from ingest.parsers import ParseError
from ingest.reasons import reason

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


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_WESTERN = ("cp1252", "latin_1", "iso8859_15")
_CJK = ("cp932", "shift_jis", "euc_jp", "big5", "cp950", "gb18030", "gb2312", "gbk", "cp949", "euc_kr", "johab", "hz")


def decode(data: bytes) -> str:
    """Decode bytes whose encoding nobody told us: a BOM, else UTF-8, else detect.

    Detection on short texts is a coin toss between code pages that share
    byte values ("Støj" is valid cp1250 and cp1252). Our members write Danish,
    English and German, so a Western code page wins every tie, and wins
    outright when the detector's choice is a CJK one for text that is mostly
    ASCII (real Shift-JIS or GBK text is mostly non-ASCII bytes).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise ParseError(reason("text_bad_bom", encoding=encoding)) from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    results = from_bytes(data)
    best = results.best()
    if best is None:
        raise ParseError(reason("text_no_encoding"))
    western = next((m for m in results if m.encoding in _WESTERN), None)
    if western is not None and western.chaos <= best.chaos + 0.01:
        return str(western)
    ascii_share = sum(b < 0x80 for b in data[:65536]) / min(len(data), 65536)
    if best.encoding in _CJK and ascii_share >= 0.8:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
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
