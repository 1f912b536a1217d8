"""Merging and normalising metadata from its three sources.

Precedence: explicit (command line, upload form, sidecar, folder manifest) >
embedded (tags and properties in the file) > heuristics (first heading, file
name). Each value is normalised once here, so the catalog holds one spelling
of a type, one date format and one language code.
"""

from __future__ import annotations

import re
from pathlib import Path

from ingest.model import VISIBILITIES

TYPE_SYNONYMS = {
    "publication": (
        "publication",
        "article",
        "journal article",
        "paper",
        "conference paper",
        "artikel",
        "forskningsartikel",
        "scholarlyarticle",
        "abstract",
    ),
    "report": ("report", "technical report", "rapport", "projektrapport", "project report"),
    "white-paper": ("white-paper", "white paper", "whitepaper", "hvidbog"),
    "case-study": ("case-study", "case study", "casestudie", "case"),
    "thesis": ("thesis", "dissertation", "phd thesis", "master thesis", "speciale", "specialeresumé", "afhandling"),
    "standard-summary": ("standard-summary", "standard summary", "standard", "standardresumé"),
    "event-report": ("event-report", "event report", "arrangementsreferat", "referat", "conference report"),
    "news": ("news", "nyhed", "nyheder", "press release", "pressemeddelelse", "newsarticle"),
}
_TYPE_LOOKUP = {syn: canonical for canonical, syns in TYPE_SYNONYMS.items() for syn in syns}
_GENERIC_TYPES = {"text", "document", "website", "webpage", "article:", "website:"}

FIELD_ALIASES = {
    "title": "title",
    "titel": "title",
    "authors": "authors",
    "author": "authors",
    "forfattere": "authors",
    "forfatter": "authors",
    "organisation": "org",
    "organization": "org",
    "org": "org",
    "publisher": "org",
    "date": "date",
    "dato": "date",
    "year": "year",
    "type": "type",
    "language": "lang",
    "lang": "lang",
    "sprog": "lang",
    "abstract": "abstract",
    "summary": "abstract",
    "description": "abstract",
    "doi": "doi",
    "url": "url",
    "source_url": "url",
    "areas": "areas",
    "visibility": "visibility",
}
"""Names people use for a metadata field (front matter, sidecars, manifests) -> our field."""

_DATE = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?(?!\d)")
_PDF_DATE = re.compile(r"^D:(\d{4})(\d{2})?(\d{2})?")


def normalise_date(value: object) -> tuple[str, int | None]:
    """Return (``YYYY-MM-DD`` or ``YYYY-MM`` or ``YYYY``, year) from many spellings."""
    text = str(value or "").strip()
    m = _PDF_DATE.match(text)
    parts = (m.group(1), m.group(2), m.group(3)) if m else None
    if parts is None:
        m = _DATE.search(text)
        if not m:
            return "", None
        parts = m.groups()
    year, month, day = parts
    if month and 1 <= int(month) <= 12:
        if day and 1 <= int(day) <= 31:
            return f"{year}-{int(month):02d}-{int(day):02d}", int(year)
        return f"{year}-{int(month):02d}", int(year)
    return year, int(year)


def normalise_type(value: object) -> str:
    text = " ".join(str(value or "").lower().replace("_", " ").split())
    if not text or text in _GENERIC_TYPES:
        return ""
    return (
        _TYPE_LOOKUP.get(text)
        or _TYPE_LOOKUP.get(text.replace("-", " "))
        or re.sub(r"[^a-z0-9æøå]+", "-", text).strip("-")
    )


def normalise_lang(value: object) -> str:
    text = str(value or "").strip().lower().replace("_", "-")
    code = text.split("-")[0][:3]
    return {"dan": "da", "eng": "en", "nb": "no", "nn": "no"}.get(code, code[:2])


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def strip_control(text: str) -> str:
    """Drop control characters (NUL and friends) that PDFs and old files leave in strings."""
    return _CONTROL.sub("", text)


def clean_text(value: object, limit: int = 2000) -> str:
    return " ".join(strip_control(str(value or "")).split())[:limit]


# Titles that tools write when the author did not: they say nothing about the document.
_PLACEHOLDER_TITLE = re.compile(
    r"^(?:untitled(?: document)?|no title|title|document\d*|dokument\d*|word document|slide \d+|"
    r"presentation\d*|microsoft word|pdf|unknown|ohne titel|uden titel|\W*)$",
    re.I,
)
_TOOL_PREFIX = re.compile(r"^microsoft (?:word|powerpoint|excel) - ", re.I)
_FILE_SUFFIX = re.compile(r"\.(?:docx?|pdf|tex|dvi|odt|rtf|txt|html?|indd|pptx?)$", re.I)


def clean_title(value: object) -> str:
    """A title as people write it, or "" for a tool's placeholder ("Microsoft Word - x.docx" -> "x")."""
    title = _FILE_SUFFIX.sub("", _TOOL_PREFIX.sub("", clean_text(value, 500)))
    return "" if _PLACEHOLDER_TITLE.match(title) else title


def normalise(raw: dict[str, object]) -> dict[str, object]:
    """Normalise one source's metadata; drops empty values."""
    out: dict[str, object] = {}
    for key, value in raw.items():
        if value in (None, "", []):
            continue
        if key == "title":
            title = clean_title(value)
            if title:
                out[key] = title
        elif key == "org":
            # Several organisations (a list in front matter or a sidecar) are kept as "A; B": search.organisations
            names = value if isinstance(value, list) else [value]
            out[key] = "; ".join(n for n in (clean_text(n, 500) for n in names) if n)[:500]
        elif key in ("doi", "url"):
            out[key] = clean_text(value, 500)
        elif key == "abstract":
            out[key] = clean_text(value, 4000)
        elif key == "authors":
            names = value if isinstance(value, list) else [value]
            out[key] = [clean_text(n, 200) for n in names if clean_text(n)][:50]
        elif key == "date":
            date, year = normalise_date(value)
            if date:
                out["date"] = date
                out["year"] = year
        elif key == "year":
            _, year = normalise_date(value)
            if year:
                out["year"] = year
        elif key == "type":
            kind = normalise_type(value)
            if kind:
                out["type"] = kind
        elif key == "lang":
            out["lang"] = normalise_lang(value)
        elif key == "visibility":
            vis = str(value).strip().lower()
            if vis in VISIBILITIES:
                out["visibility"] = vis
        elif key == "areas":
            values = value if isinstance(value, list) else re.split(r"[,;]", str(value))
            out["areas"] = [str(v).strip() for v in values if str(v).strip()]
    return out


# First lines that are not a title: a contents page, a section label, a page number.
_NOT_A_TITLE = re.compile(
    r"^(?:contents|table of contents|indhold|indholdsfortegnelse|abstract|resumé|resume|summary|"
    r"preface|forord|page \d+|side \d+|draft|udkast|confidential|fortroligt)$",
    re.I,
)


_CONTENTS_LINE = re.compile(r"^(?:\d+(?:\.\d+)*\.?\s+\S.*\s\d{1,4}|.+\.{2,}\s*\d{1,4})$")
"""A table-of-contents entry: "2.1 Method 14", "Results ........ 7"."""


def _letters(text: str) -> float:
    """Share of letters among the non-space characters (C-level loops: this reads 5,000 characters a file)."""
    chars = "".join(text.split())  # str.split() splits on exactly the characters str.isspace() is true for
    return sum(map(str.isalpha, chars)) / len(chars) if chars else 0.0


def _title_like(line: str, longest: int) -> bool:
    line = clean_text(line, 1000)
    return (
        3 <= len(line) <= longest
        and sum(c.isalpha() for c in line) >= 3
        and _letters(line) >= 0.6
        and not _NOT_A_TITLE.match(line.rstrip(":."))
        and not _CONTENTS_LINE.match(line)
        and not _PLACEHOLDER_TITLE.match(line)
    )


def filename_title(filename: str) -> str:
    """The file name as words: the last resort. A part repeated after "__" (exports often name a file
    "report-2021__report-2021.pdf") is said once."""
    parts: list[str] = []
    for part in Path(filename).stem.split("__"):
        words = re.sub(r"[-_]+", " ", part).strip()
        if words and not any(words.lower() in kept.lower() for kept in parts):
            parts.append(words)
    return " ".join(parts).capitalize() or "Untitled document"


_FIRST_SENTENCE = re.compile(r"^(.{3,100}?[.!?])(?:\s|$)")
"""A short first sentence ("Hello, here is some text without a meaning.")."""


def heuristic_title(headings: list[str], body: str, filename: str) -> str:
    """First heading (for a PDF: the largest type on page one), else first title-like line of text, else
    the text's short first sentence, else the file name.

    Text that is mostly numbers (a chart's axis labels, a table) has no title
    in it, so the file name is the better guess there.
    """
    for heading in headings:
        if _title_like(heading, 300):
            return clean_text(heading, 300)
    if _letters(body[:5000]) >= 0.5:
        for line in body[:20000].splitlines():
            if _title_like(line, 200):
                return clean_text(line, 200)
        # A first paragraph too long for a title may still open with a short sentence: the document's own
        # words say more than its file name ("004-pdflatex-4-pages__pdflatex-4-pages.pdf").
        sentence = _FIRST_SENTENCE.match(clean_text(body[:1000], 1000))
        if sentence and _title_like(sentence.group(1), 100):
            return sentence.group(1)
    return filename_title(filename)


def merge(*sources: dict[str, object]) -> dict[str, object]:
    """Merge normalised sources, earlier ones winning (explicit first)."""
    merged: dict[str, object] = {}
    rank: dict[str, int] = {}
    for position, source in enumerate(sources):
        for key, value in source.items():
            if key not in merged and value not in (None, "", []):
                merged[key] = value
                rank[key] = position
    # A year given with more authority than the date wins, and the date goes.
    if "date" in merged and rank.get("year", 99) < rank["date"] and merged["year"] != int(merged["date"][:4]):
        del merged["date"]
    elif "date" in merged:
        merged["year"] = int(str(merged["date"])[:4])
    return merged
