"""Atom feeds of document lists, written by feedgen so the XML is valid Atom by construction.

A feed is read by a program with no session, often long after and by whoever it was shared with, so feeds
only ever list public documents (the views ask for them; nothing here sees a visitor). Ids are ``urn:uuid``
names derived from the document id (and from the feed's path and parameters), so they stay the same across
restarts, host names and proxies: a feed reader never shows an entry twice because the address changed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from feedgen.feed import FeedGenerator

from ingest.model import Document
from web.citations import date_parts, one_line

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:sound-knowledge-hub")
SERVICE = "Sound Knowledge Hub"


@dataclass(frozen=True)
class FeedInfo:
    """What a feed is about: its title, where it lives and the page it mirrors, its key for the id."""

    key: str  # the feed's path and parameters, e.g. "/feeds/areas/audio-tech.atom"
    title: str
    self_url: str
    page_url: str
    language: str


def entry_id(doc: Document) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, 'document:' + doc.id)}"


def feed_id(key: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, 'feed:' + key)}"


def _timestamp(text: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def published(doc: Document) -> dt.datetime | None:
    """The document's own date (a year alone is its 1 January), or None when it has none."""
    parts = date_parts(doc)
    if not parts:
        return None
    try:
        return dt.datetime(*(parts + [1, 1])[:3], tzinfo=dt.UTC)
    except ValueError:  # 2021-02-30 can come from a file's metadata
        return dt.datetime(parts[0], 1, 1, tzinfo=dt.UTC)


def updated(doc: Document) -> dt.datetime:
    """When the catalog last changed the document, else its own date, else the epoch (Atom requires one)."""
    return _timestamp(doc.updated_at) or published(doc) or dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def atom(
    info: FeedInfo,
    docs: list[Document],
    doc_url: Callable[[Document], str],
    area_label: Callable[[str], str],
    now: dt.datetime | None = None,
) -> bytes:
    """The Atom document of ``docs`` in their order (the views give newest first)."""
    fg = FeedGenerator()
    fg.id(feed_id(info.key))
    fg.title(one_line(info.title))
    fg.link(href=info.self_url, rel="self", type="application/atom+xml")
    fg.link(href=info.page_url, rel="alternate", type="text/html")
    fg.author({"name": SERVICE})  # Atom: the feed's author stands for entries that name none
    fg.language(info.language)
    stamps = [updated(doc) for doc in docs]
    fg.updated(max(stamps) if stamps else (now or dt.datetime.now(dt.UTC)))
    for doc, stamp in zip(docs, stamps, strict=True):
        entry = fg.add_entry(order="append")
        entry.id(entry_id(doc))
        entry.title(one_line(doc.title) or doc.id)
        entry.link(href=doc_url(doc), rel="alternate", type="text/html")
        entry.updated(stamp)
        if published(doc):
            entry.published(published(doc))
        for name in doc.authors:
            if one_line(name):
                entry.author({"name": one_line(name)})
        if one_line(doc.abstract):
            entry.summary(one_line(doc.abstract))
        for area in doc.areas:
            entry.category(term=area, label=one_line(area_label(area)))
    return fg.atom_str(pretty=True)
