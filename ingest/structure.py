"""The body's structure: headings, paragraphs and lists, as the parsers find them and the document page shows them.

The index reads the plain body (paragraphs joined by blank lines), and that must not change with this: search
results and ranking stay as they were. But a page that shows the text needs to know which of those paragraphs
are headings (and of which level) and which are the items of a list. So a parser returns, beside the body, the
same text as a sequence of :class:`Block` values, in the same order and with the same words.

The catalog keeps them as compact JSON (:func:`to_json`) and only for documents that have some structure: a
text of paragraphs alone is its body, and its page builds the paragraphs from that (:func:`paragraphs`). What is
stored is bounded (:data:`MAX_CHARS`, :data:`MAX_BLOCKS`), so one huge document cannot make a huge page; the
JSON says when the text was cut there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from ingest.textnorm import clean_body

MAX_CHARS = 100_000
"""Characters of text kept for the page (about 40 printed pages); the full text is in the original."""
MAX_BLOCKS = 2_000
"""Blocks kept for the page: a text of tiny paragraphs (a data table read cell by cell) stops here."""
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Block:
    """One block of a text: a heading (``level`` 1 is the top, as the source has it), a paragraph, or a list."""

    kind: str
    """"heading", "paragraph" or "list"."""
    text: str = ""
    level: int = 0
    items: tuple[str, ...] = ()
    ordered: bool = False


def heading(text: str, level: int) -> Block:
    return Block("heading", text=text, level=max(1, min(int(level), 9)))


def paragraph(text: str) -> Block:
    return Block("paragraph", text=text)


def list_block(items: list[str] | tuple[str, ...], ordered: bool = False) -> Block:
    return Block("list", items=tuple(items), ordered=ordered)


@dataclass
class Structure:
    """Blocks as the page shows them, and whether the text was cut to :data:`MAX_CHARS`/:data:`MAX_BLOCKS`."""

    blocks: list[Block]
    cut: bool = False


class BlockBuilder:
    """Collects a parser's blocks in reading order; consecutive items of one list become one list block (their
    items gathered in a list, so a list of many items costs no more than as many paragraphs)."""

    def __init__(self) -> None:
        self._blocks: list[Block] = []
        self._items: list[str] = []
        self._list: tuple[object, bool] | None = None

    @property
    def blocks(self) -> list[Block]:
        self._close_list()
        return self._blocks

    def heading(self, text: str, level: int) -> None:
        self._close_list()
        self._blocks.append(heading(text, level))

    def paragraph(self, text: str) -> None:
        self._close_list()
        self._blocks.append(paragraph(text))

    def item(self, text: str, key: object, ordered: bool) -> None:
        """An item of the list ``key`` (any value that tells one list from the next)."""
        if self._list != (key, ordered):
            self._close_list()
            self._list = (key, ordered)
        self._items.append(text)

    def _close_list(self) -> None:
        if self._list is not None and self._items:
            self._blocks.append(list_block(self._items, ordered=self._list[1]))
        self._items, self._list = [], None


def texts(block: Block) -> tuple[str, ...]:
    """The body paragraphs ``block`` stands for: its text, or one per list item."""
    return block.items if block.kind == "list" else (block.text,)


def plain_text(blocks: list[Block]) -> str:
    """The text of ``blocks`` as a body: what the index reads, one paragraph per heading, paragraph or item."""
    return "\n\n".join(t for b in blocks for t in texts(b))


def paragraphs(body: str) -> list[Block]:
    """A body's paragraphs as blocks: the page of a text without stored structure."""
    return [paragraph(" ".join(p.split())) for p in body.split("\n\n") if p.strip()]


def _clean(text: str) -> str:
    # The body is cleaned the same way (ingest.textnorm.clean_body), so both split into the same words.
    return " ".join(clean_body(text).split())


def cleaned(blocks: list[Block]) -> list[Block]:
    """``blocks`` with their text cleaned as the body is, empty ones left out."""
    out: list[Block] = []
    for block in blocks:
        if block.kind == "list":
            items = tuple(t for t in (_clean(i) for i in block.items) if t)
            if items:
                out.append(replace(block, items=items))
        elif text := _clean(block.text):
            out.append(replace(block, text=text))
    return out


def drop_words(blocks: list[Block], count: int) -> list[Block]:
    """``blocks`` without their first ``count`` words: the front matter taken off the body
    (:mod:`ingest.front_matter`) taken off the blocks too."""
    out: list[Block] = []
    for index, block in enumerate(blocks):
        if count <= 0:
            return out + blocks[index:]
        if block.kind == "list":
            items: list[str] = []
            for item in block.items:
                words = item.split()
                if count >= len(words):
                    count -= len(words)
                    continue
                items.append(" ".join(words[count:]))
                count = 0
            if items:
                out.append(replace(block, items=tuple(items)))
            continue
        words = block.text.split()
        if count < len(words):
            out.append(replace(block, text=" ".join(words[count:])))
        count -= len(words)
    return out


def bounded(blocks: list[Block], max_chars: int = MAX_CHARS, max_blocks: int = MAX_BLOCKS) -> Structure:
    """The first blocks of ``blocks`` within ``max_chars`` characters and ``max_blocks`` blocks (a list's items
    count one each); a paragraph longer than what is left is cut at a word, so a text of one huge paragraph
    still shows its start."""
    out: list[Block] = []
    chars = count = 0
    for block in blocks:
        taken: list[str] = []
        for text in texts(block):
            if count >= max_blocks or chars + len(text) > max_chars:
                if not out and not taken and count < max_blocks:  # the first paragraph alone is too long
                    taken.append(text[:max_chars].rsplit(" ", 1)[0])
                if taken:
                    out.append(_holding(block, taken))
                return Structure(out, cut=True)
            taken.append(text)
            chars += len(text)
            count += 1
        out.append(block)
    return Structure(out, cut=False)


def _holding(block: Block, parts: list[str]) -> Block:
    """``block`` with only ``parts`` of its text: some of a list's items, or the start of its text."""
    return replace(block, items=tuple(parts)) if block.kind == "list" else replace(block, text=parts[0])


def to_json(structure: Structure) -> str:
    """Compact JSON: ``{"v": 1, "cut": false, "b": [["h", 2, text], ["p", text], ["ul"|"ol", [items]]]}``."""
    rows: list[list[object]] = []
    for block in structure.blocks:
        if block.kind == "heading":
            rows.append(["h", block.level, block.text])
        elif block.kind == "list":
            rows.append(["ol" if block.ordered else "ul", list(block.items)])
        else:
            rows.append(["p", block.text])
    data = {"v": FORMAT_VERSION, "cut": structure.cut, "b": rows}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def from_json(text: str) -> Structure | None:
    """The structure stored as :func:`to_json` wrote it; None when there is none or it cannot be read (the page
    then shows the body's paragraphs, so a damaged value costs the structure, never the text)."""
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("v") != FORMAT_VERSION or not isinstance(data.get("b"), list):
        return None
    blocks: list[Block] = []
    for row in data["b"]:
        if not isinstance(row, list) or not row:
            continue
        kind = row[0]
        if kind == "h" and len(row) == 3 and isinstance(row[1], int) and isinstance(row[2], str):
            blocks.append(heading(row[2], row[1]))
        elif kind == "p" and len(row) == 2 and isinstance(row[1], str):
            blocks.append(paragraph(row[1]))
        elif kind in ("ul", "ol") and len(row) == 2 and isinstance(row[1], list):
            items = [i for i in row[1] if isinstance(i, str)]
            if items:
                blocks.append(list_block(items, ordered=kind == "ol"))
    return Structure(blocks, cut=bool(data.get("cut")))


def stored_structure(blocks: list[Block], body: str, text: str) -> str:
    """The JSON to store for a document whose parser gave ``blocks`` for ``body``, of which ``text`` is kept
    (the body without its front matter); "" when there is nothing to add to the text's paragraphs.

    The blocks must hold the text's words in its order; when they do not (a parser that reads a text two ways
    would be a bug) nothing is stored, and the page shows the text's paragraphs as before.
    """
    blocks = cleaned(blocks)
    if not any(b.kind != "paragraph" for b in blocks):
        return ""
    words = text.split()
    blocks = drop_words(blocks, len(body.split()) - len(words))
    structure = bounded(blocks)
    kept = plain_text(structure.blocks).split()
    if kept != words[: len(kept)] or not any(b.kind != "paragraph" for b in structure.blocks):
        return ""
    return to_json(structure)
