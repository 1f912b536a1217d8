"""The records that move through the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.structure import Block

VISIBILITIES = ("public", "members", "staff")


@dataclass
class Parsed:
    """What a parser found in one file: its text and the metadata it embeds."""

    format: str
    body: str
    metadata: dict[str, object] = field(default_factory=dict)
    headings: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    """The body as headings, paragraphs and lists (:mod:`ingest.structure`); empty: paragraphs only."""


@dataclass
class Document:
    """A document as the catalog holds it (the source of truth)."""

    id: str
    sha256: str
    source: str
    filename: str
    format: str
    size: int
    title: str
    body: str
    abstract: str = ""
    authors: list[str] = field(default_factory=list)
    org: str = ""
    date: str = ""
    year: int | None = None
    type: str = "document"
    lang: str = "en"
    areas: list[str] = field(default_factory=list)
    areas_auto: bool = False
    area_evidence: dict[str, list[str]] = field(default_factory=dict)
    visibility: str = "public"
    doi: str = ""
    url: str = ""
    text_sha256: str = ""
    """Hash of the normalised text: the same content in other bytes (a re-export) is one document."""
    structure: str = ""
    """The text's headings, paragraphs and lists as JSON (:mod:`ingest.structure`); "" for a text of paragraphs
    alone and for documents ingested before structure was kept: their page shows the body's paragraphs."""
    added_at: str = ""
    updated_at: str = ""


@dataclass
class Trashed:
    """A document in the trash: gone from every page and the index, kept whole until restored or purged."""

    doc: Document
    trashed_by: str
    trashed_at: str
    """``YYYY-MM-DDTHH:MM:SSZ`` (UTC)."""
