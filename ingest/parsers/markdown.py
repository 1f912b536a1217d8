"""Markdown with optional YAML front matter, rendered to text with markdown-it-py."""

from __future__ import annotations

import frontmatter
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

from ingest.metadata import FIELD_ALIASES
from ingest.model import Parsed
from ingest.parsers.html_blocks import read_blocks
from ingest.parsers.text import decode, split_list

_md = MarkdownIt("commonmark").enable("table")


def parse_markdown(data: bytes) -> Parsed:
    text = decode(data)
    try:
        post = frontmatter.loads(text)
        content, raw = post.content, dict(post.metadata)
    except Exception:  # noqa: BLE001 - broken front matter: keep the text, skip the metadata
        content, raw = text, {}
    metadata: dict[str, object] = {}
    for key, value in raw.items():
        name = FIELD_ALIASES.get(str(key).lower())
        if name is None or value in (None, ""):
            continue
        if name in ("authors", "areas"):
            metadata[name] = [str(v) for v in value] if isinstance(value, list) else split_list(str(value))
        elif name == "org" and isinstance(value, list):  # several organisations: ingest.metadata joins them
            metadata[name] = [str(v) for v in value]
        else:
            metadata[name] = str(value).strip()
    # Render, then take the text: this drops markup but keeps the words.
    soup = BeautifulSoup(_md.render(content), "html.parser")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    found = read_blocks(
        soup, ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "td", "th", "blockquote"), ("p", "li", "pre")
    )
    headings = found.headings
    if "title" not in metadata and headings:
        metadata["title"] = headings[0]
    body = "\n\n".join(found.paragraphs)
    return Parsed(format="markdown", body=body, metadata=metadata, headings=headings, blocks=found.blocks)
