"""The text of an HTML tree, block by block: its paragraphs for the body, and the same as typed blocks.

Shared by the HTML parser and the Markdown parser (which renders to HTML first), so both read headings and
lists the same way. Each innermost block element is one body paragraph, as before; the blocks add what kind it
was: ``h1``-``h6`` a heading of that level, an element inside a ``ul``/``ol`` an item of that list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.structure import Block, BlockBuilder

_HEADINGS = {f"h{n}": n for n in range(1, 7)}


@dataclass
class HtmlText:
    paragraphs: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)


def read_blocks(root, tags: tuple[str, ...], inner: tuple[str, ...]) -> HtmlText:
    """The leaf elements among ``tags`` under ``root`` (those holding none of ``inner``), in document order."""
    found = HtmlText()
    builder = BlockBuilder()
    for node in root.find_all(tags):
        if node.find(inner):
            continue  # the inner block will be visited on its own
        text = " ".join(node.get_text().split())
        if not text:
            continue
        found.paragraphs.append(text)
        if node.name in _HEADINGS:
            found.headings.append(text)
            builder.heading(text, _HEADINGS[node.name])
            continue
        owner = node.find_parent(["ul", "ol", "table"])
        if owner is not None and owner.name != "table" and (node.name == "li" or node.find_parent("li")):
            builder.item(text, id(owner), ordered=owner.name == "ol")
        else:
            builder.paragraph(text)
    found.blocks = builder.blocks
    return found
