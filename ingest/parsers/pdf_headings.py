"""Which of a PDF's reflowed paragraphs are section headings, from their words alone.

A PDF has no headings, only text set on a page. Three signs are cheap and reliable enough to show a report's
sections on its page:

* a line standing alone that is set larger than the text around it (:class:`FontSizes`: the body's size is
  the most common size at a few dozen places on each page, and a standing line's size is read where PDFium
  finds it, so no call per character is made); the largest such size is level 1, the next level 2, and so on;
* a numbered heading: "2. Methods", "3.1 Measurement set-up" (level = how many numbers), short, not a sentence,
  and not a table-of-contents line ending in a page number;
* a standing line that is one of the usual section names of a report or paper, in English or Danish
  ("Introduction", "Konklusion"), as a heading of the first level.

Everything else stays a paragraph: a false heading is worse than a missed one. PDF lists are not looked for
(bullets are glyphs set at a line's start, and reflowed lines run on).
"""

from __future__ import annotations

import re
from collections import Counter

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ingest.structure import Block, heading, paragraph

SECTION_NAMES = frozenset(
    {
        *["abstract", "summary", "executive summary", "introduction", "background", "method", "methods"],
        *["materials and methods", "methodology", "results", "discussion", "conclusion", "conclusions"],
        *["results and discussion", "references", "bibliography", "acknowledgements", "acknowledgments"],
        *["appendix", "related work", "future work", "outlook", "contents", "table of contents"],
        *["resumé", "sammenfatning", "sammendrag", "indledning", "introduktion", "baggrund", "metode"],
        *["metoder", "resultater", "diskussion", "konklusion", "konklusioner", "perspektivering"],
        *["referencer", "litteratur", "litteraturliste", "bilag", "tak", "indhold", "indholdsfortegnelse"],
    }
)
"""Section names that head a standing line (compared case-folded, without a number or a final colon)."""

_NUMBERED = re.compile(r"([1-9]\d?(?:\.\d{1,2}){0,3})\.?\s+(\S.*)")
_NOT_IN_TITLES = re.compile(r"[=,;:()\[\]{}<>→|+*^_$%]|\s\d+\.\d+\s")
"""Signs of a formula, a sentence or two headings run together ("3 Fundamentalgruppe 3.1 Homotopie")."""
MAX_WORDS = 12
LARGER = 1.15
"""A standing line at least this much larger than the body's text is a heading (11 pt text, 13 pt heading)."""
SAMPLES = 40
"""Places per page where the body's font size is read."""
MAX_LEVELS = 3
_NOT_IN_LARGE = re.compile(r"[=,;()\[\]{}<>→|+*^_$%]")
"""A large line with these is a formula, a figure's label ("Loudness = 3.41 [Sone]") or a date, not a heading."""


class FontSizes:
    """The font sizes of a PDF's text, gathered page by page while it is read: the body's, and each standing
    line's (the largest where the same words are set more than once: a heading and a sentence that starts
    with its words)."""

    def __init__(self) -> None:
        self.body: Counter[float] = Counter()
        self.lines: dict[str, float] = {}
        self.failed = False
        """Set when a page's sizes could not be read: the sizes are then not used at all."""

    def measure(self, textpage: pdfium.PdfTextPage, paragraphs: list[str]) -> None:
        count = textpage.count_chars()
        if count <= 0:
            return
        for n in range(SAMPLES):
            size = pdfium_c.FPDFText_GetFontSize(textpage.raw, n * count // SAMPLES)
            if size > 0:
                self.body[round(size, 1)] += 1
        for text in paragraphs:
            if not _standing_line(text) or text in self.lines:
                continue
            searcher = textpage.search(text, match_case=True)
            try:
                found = [searcher.get_next() for _ in range(3)]
            finally:
                searcher.close()
            sizes = [pdfium_c.FPDFText_GetFontSize(textpage.raw, hit[0]) for hit in found if hit]
            if sizes:
                self.lines[text] = round(max(sizes), 1)

    def levels(self) -> dict[str, int]:
        """The heading level of each standing line set larger than the body."""
        if not self.body or self.failed:
            return {}
        body = self.body.most_common(1)[0][0]
        large = {t: s for t, s in self.lines.items() if s >= LARGER * body and not _NOT_IN_LARGE.search(t)}
        ranks = {size: rank for rank, size in enumerate(sorted(set(large.values()), reverse=True), start=1)}
        return {t: min(ranks[s], MAX_LEVELS) for t, s in large.items()}


def _standing_line(text: str) -> bool:
    """Short, and not a sentence: what reflowing leaves standing alone as a possible heading."""
    short = len(text) <= 120 and len(text.split()) <= MAX_WORDS
    shaped = (text[:1].isupper() or text[:1].isdigit()) and not text.endswith((".", ","))
    return short and shaped and sum(c.isalpha() for c in text) >= 3 and not _NOT_IN_LARGE.search(text)


def section_level(text: str) -> int | None:
    """The heading level of a paragraph that is a section heading, else None."""
    if text.rstrip(":").casefold() in SECTION_NAMES:
        return 1
    return _numbered_level(text)


def _numbered_level(text: str) -> int | None:
    words = text.split()
    if not words or len(words) > MAX_WORDS or len(text) > 120:
        return None
    match = _NUMBERED.fullmatch(text)
    if match is None:
        return None
    title = match.group(2)
    if not title[:1].isupper() or text.endswith(".") or re.search(r"\d\s*$", title) or _NOT_IN_TITLES.search(title):
        return None  # a sentence, a formula, or a contents line with its page number
    if sum(c.isalpha() for c in title) < 3:
        return None  # a row of figures in a table
    return match.group(1).count(".") + 1


def pdf_blocks(paragraphs: list[str], sizes: FontSizes | None = None) -> list[Block]:
    """The reflowed paragraphs of a PDF as blocks: headings where their size (``sizes``) or
    :func:`section_level` says so. Where a PDF has headings set larger, its size is the better sign, and the
    words alone are used only for a PDF with none.

    Numbered lines one after another at the same level ("1. Measure", "2. Compare") are a numbered list or a
    table of contents, not sections, which have text between them: they stay paragraphs.
    """
    by_size = sizes.levels() if sizes is not None else {}
    if by_size:
        return [heading(t, by_size[t]) if t in by_size else paragraph(t) for t in paragraphs]
    levels = [section_level(text) for text in paragraphs]
    numbered = [_numbered_level(text) is not None for text in paragraphs]
    found = list(levels)
    for i in range(1, len(paragraphs)):
        if numbered[i] and numbered[i - 1] and found[i] == found[i - 1]:
            levels[i] = levels[i - 1] = None
    return [paragraph(t) if level is None else heading(t, level) for t, level in zip(paragraphs, levels, strict=True)]
