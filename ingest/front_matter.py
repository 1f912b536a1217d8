"""The front matter at the top of an extracted text: its title, byline and the abstract's copy, taken off.

A report's first page restates what its metadata already says: the title (often broken over two lines), a
byline of authors, organisation and date, a DOI, and an "Abstract" heading over a copy of the abstract. Kept in
the body, that text is shown twice on the document page, gives snippets their worst passages ("Camilla
Vestergaard… DOI: 10.5555/…") and lets a query match a document through its organisation's name in the
byline, as if the text were about it ("hearing" finds a report by "Aurora Hearing A/S" first). The metadata
fields keep all of it, where it is searched and shown as what it is.

:func:`strip_front_matter` removes leading blocks only, and only while each one is recognisably front matter:
part of the title, a byline (names of the document's authors or organisation, dates, DOIs, separators and
little else), an abstract heading, a copy of the abstract, a keywords line. The first block that is none of
these ends the front matter, so running text is never taken; and a text that would keep fewer than
``minimum`` characters is returned whole.
"""

from __future__ import annotations

import re
import unicodedata

ABSTRACT_HEADINGS = frozenset(
    {"abstract", "summary", "executive summary", "resumé", "resume", "sammenfatning", "sammendrag", "resumé og"}
)
"""Headings over the abstract's copy, in English and Danish."""

KEYWORDS = re.compile(r"^(?:keywords?|key words|nøgleord|emneord)\s*[:.]", re.IGNORECASE)
ABSTRACT_PREFIX = re.compile(r"^(?:abstract|summary|resumé|resume|sammenfatning|sammendrag)\s*[:.—–-]\s*", re.I)
DOI = re.compile(r"(?:doi\s*:?\s*|https?://(?:dx\.)?doi\.org/)10\.\d{4,9}/\S+", re.IGNORECASE)
DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\.?\s+\w+\s+\d{4}\b|\b(?:19|20)\d{2}\b")
BLOCKS = 10
"""Leading blocks looked at: front matter is the top of the first page."""

_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def strip_front_matter(body: str, title: str, authors: list[str], org: str, abstract: str, minimum: int = 0) -> str:
    """``body`` without its leading title, byline and abstract copy (module docstring)."""
    blocks = body.split("\n\n")
    title_words = _words(title)
    abstract_words = set(_words(abstract))
    names = [v for n in [*authors, org] if n.strip() for v in _spellings(n)]
    taken_title = 0  # title words consumed so far: a title broken over blocks is taken block by block
    drop = 0
    for number, block in enumerate(blocks[:BLOCKS]):
        text = block.strip()
        words = _words(text)
        if not words:
            drop += 1
            continue
        if number == 0 and len(words) <= 3 and len(blocks) > 1 and _starts(_words(blocks[1]), title_words):
            drop += 1  # a genre label over the title ("Publication", "Rapport", "Case study")
            continue
        if title_words and words == title_words[taken_title : taken_title + len(words)]:
            taken_title += len(words)
            drop += 1
            continue
        if drop == number and not taken_title and _short_title(text, words, title_words):
            taken_title = len(title_words)
            drop += 1
            continue
        if " ".join(words) in ABSTRACT_HEADINGS or KEYWORDS.match(text) or _is_byline(text, names):
            drop += 1
            continue
        copy = _words(ABSTRACT_PREFIX.sub("", text))
        if abstract_words and copy and sum(w in abstract_words for w in copy) >= 0.9 * len(copy):
            drop += 1
            continue
        break
    if not drop:
        return body
    rest = "\n\n".join(blocks[drop:]).strip()
    return rest if len(rest) >= minimum and rest else body


def complete_abstract(abstract: str, body: str) -> str:
    """``abstract`` or, when it is a cut copy of a paragraph near the top of ``body``, that whole paragraph.

    A DOCX's subject property is where its abstract comes from, and files cut it (at 250 characters in the
    sample corpus: "...who reported litt"). Shown and indexed cut, it ends in half a word; the paragraph in the
    text is the same abstract whole. The cut copy matches the paragraph's start but for its last, cut word.
    """
    words = _words(abstract)
    if len(words) < 12:
        return abstract
    for block in body.split("\n\n")[:BLOCKS]:
        text = ABSTRACT_PREFIX.sub("", block.strip())
        found = _words(text)
        if (
            len(found) > len(words)
            and found[: len(words) - 1] == words[:-1]
            and found[len(words) - 1].startswith(words[-1])
        ):
            return text
    return abstract


LABELS = frozenset(
    {
        "by",
        "af",
        "and",
        "og",
        "et",
        "al",
        "authors",
        "author",
        "forfattere",
        "forfatter",
        "organisation",
        "organization",
        "date",
        "dato",
        "published",
        "udgivet",
        "publiceret",
        "doi",
        "case",
        "study",
        *[
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        *["januar", "februar", "marts", "maj", "juni", "juli", "oktober"],
    }
)
"""Words a byline holds besides names and dates (a genre, "Case study by ...", and the month of a date)."""
FIELDS = re.compile(r"\b(?:organi[sz]ation|authors?|date|type|forfattere?|dato)\s*:", re.IGNORECASE)
"""Labels of a metadata block written into the text ("Organisation: ... Authors: ... Date: ...")."""


def _spellings(name: str) -> list[str]:
    """A name as written and, for "Kjærgaard, Mette" (a catalog's inverted form), as a byline writes it."""
    last, comma, first = name.partition(",")
    if comma and first.strip() and last.strip():
        return [name, f"{first.strip()} {last.strip()}"]
    return [name]


def _short_title(text: str, words: list[str], title_words: list[str]) -> bool:
    """A heading at the very top made of the title's own words, shortened ("Ground-Borne Vibration during Light
    Rail Construction" over a title that goes on): at most 12 words, no sentence, all but one from the title."""
    if len(words) < 2 or len(words) > 12 or text.endswith((".", ":")) or "\n" in text:
        return False
    known = set(title_words)
    return sum(w not in known for w in words) <= min(1, len(words) // 4)


def _starts(words: list[str], title_words: list[str]) -> bool:
    return bool(words) and words == title_words[: len(words)]


def _is_byline(text: str, names: list[str]) -> bool:
    """A short block that is mostly the document's own names, dates and DOIs (a byline may name other
    organisations too: "Signe Dalsgaard (Aurora Hearing A/S), Amelia Hartley (Kattegat University)")."""
    if len(text) > 400:
        return False
    if names and len(FIELDS.findall(text)) >= 2:
        return True  # only when the metadata has names: else the block is the one place they are written
    total = len(_words(text))
    rest = DOI.sub(" ", text)
    found = rest != text
    for name in names:
        pattern = re.compile(re.escape(name), re.IGNORECASE)
        if pattern.search(rest):
            found = True
            rest = pattern.sub(" ", rest)
    dated = bool(DATE.search(rest))
    rest = DATE.sub(" ", rest)
    left = [w for w in _words(rest) if w not in LABELS]
    if not found:  # no name of its own: only a date line ("Published 18 March 2022")
        return dated and len(left) <= 1
    return len(left) <= 3 or len(left) <= 0.4 * total
