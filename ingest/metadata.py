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


def clean_text(value: object, limit: int = 2000) -> str:
    return " ".join(str(value or "").split())[:limit]


def normalise(raw: dict[str, object]) -> dict[str, object]:
    """Normalise one source's metadata; drops empty values."""
    out: dict[str, object] = {}
    for key, value in raw.items():
        if value in (None, "", []):
            continue
        if key in ("title", "org", "doi", "url"):
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


def heuristic_title(headings: list[str], body: str, filename: str) -> str:
    """First heading, else first short line of text, else the file name."""
    for heading in headings:
        if 3 <= len(heading) <= 300:
            return heading
    for line in body.splitlines():
        line = line.strip()
        if 3 <= len(line) <= 200:
            return line
    stem = Path(filename).stem
    return re.sub(r"[-_]+", " ", stem).strip().capitalize() or "Untitled document"


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
