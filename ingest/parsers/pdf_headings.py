"""Which of a PDF's reflowed paragraphs are section headings, from their words alone.

A PDF has no headings, only text set on a page. Font sizes would tell more, but reading them is a call per
character into PDFium and what is "larger" differs from file to file; two cheap signs are reliable enough to
show a report's sections on its page:

* a numbered heading: "2. Methods", "3.1 Measurement set-up" (level = how many numbers), short, not a sentence,
  and not a table-of-contents line ending in a page number;
* a standing line that is one of the usual section names of a report or paper, in English or Danish
  ("Introduction", "Konklusion"), as a heading of the first level.

Everything else stays a paragraph: a false heading is worse than a missed one. PDF lists are not looked for
(bullets are glyphs set at a line's start, and reflowed lines run on).
"""

from __future__ import annotations

import re

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


def pdf_blocks(paragraphs: list[str]) -> list[Block]:
    """The reflowed paragraphs of a PDF as blocks: headings where :func:`section_level` finds one.

    Numbered lines one after another at the same level ("1. Measure", "2. Compare") are a numbered list or a
    table of contents, not sections, which have text between them: they stay paragraphs.
    """
    levels = [section_level(text) for text in paragraphs]
    numbered = [_numbered_level(text) is not None for text in paragraphs]
    found = list(levels)
    for i in range(1, len(paragraphs)):
        if numbered[i] and numbered[i - 1] and found[i] == found[i - 1]:
            levels[i] = levels[i - 1] = None
    return [paragraph(t) if level is None else heading(t, level) for t, level in zip(paragraphs, levels, strict=True)]
