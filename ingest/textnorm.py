"""Cleaning extracted text, and the hash that says two files hold the same content."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
"""Control characters, non-characters and lone surrogates (which SQLite and the index cannot store)."""
_LIGATURES = re.compile("[\ufb00-\ufb06]")


def clean_body(text: str) -> str:
    """Text as the index should see it: no control characters, ligatures spelled out, tidy lines.

    A ligature ("ﬁ", U+FB01) left in the text makes "definition" unfindable;
    NFKC on the ligatures alone fixes that without touching anything else.
    """
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _LIGATURES.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def text_hash(body: str) -> str:
    """SHA-256 of the words, case-folded: the same text from another file hashes the same."""
    return hashlib.sha256(" ".join(body.split()).casefold().encode("utf-8")).hexdigest()
