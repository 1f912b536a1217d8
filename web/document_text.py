"""A document's text as its page shows it: headings, paragraphs and lists, bounded, with heading levels fitted
to the page.

The page's h1 is the document's title, so the text's own headings start at h2. Their levels keep the text's
relative order, but never go deeper than one step below the heading before them (a page that jumps from h2 to
h4 loses screen-reader users, and axe reports it) and never deeper than h4. A document without stored
structure (a plain text, or one ingested before structure was kept) shows its body's paragraphs.
"""

from __future__ import annotations

from dataclasses import replace

from ingest.model import Document
from ingest.structure import MAX_BLOCKS, MAX_CHARS, Block, Structure, bounded, from_json, paragraphs

TOP_LEVEL = 2
"""The level of the text's top headings: h1 is the page's title."""
DEEPEST_LEVEL = 4


def page_text(doc: Document) -> Structure:
    """The blocks of ``doc``'s text for its page, at most :data:`ingest.structure.MAX_CHARS` characters."""
    structure = from_json(doc.structure)
    if structure is None:
        # Only the start of a long body is split: a 5-million-character text costs no more than a short one.
        head = doc.body[: 2 * MAX_CHARS]
        structure = bounded(paragraphs(head), MAX_CHARS, MAX_BLOCKS)
        structure.cut = structure.cut or len(doc.body) > len(head)
    return Structure(page_levels(structure.blocks), structure.cut)


def page_levels(blocks: list[Block]) -> list[Block]:
    """``blocks`` with each heading's level set for the page (module docstring)."""
    levels = [b.level for b in blocks if b.kind == "heading"]
    if not levels:
        return blocks
    top = min(levels)
    previous = TOP_LEVEL - 1  # the h1 of the title
    out: list[Block] = []
    for block in blocks:
        if block.kind == "heading":
            level = min(TOP_LEVEL + block.level - top, previous + 1, DEEPEST_LEVEL)
            block = replace(block, level=level)
            previous = level
        out.append(block)
    return out
