"""What the pages show of a work (ingest.works): its formats and versions, only those the visitor may see.

A hit and a document page list the members of the document's work that the current visitor may see,
versions numbered among those alone, so neither a list, a count nor a number tells of a member hidden from
them. The review of an upload shows the documents it may be another format or version of.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest import works
from ingest.model import Document
from ingest.near_duplicates import SAME_WORK
from ingest.work_candidates import MAX_CANDIDATES, fingerprint_of
from web.access import visible_levels
from web.hub import get_hub

CHOICE = re.compile(r"(separate)|(version|format):([0-9a-f]{12,64})")
"""A review's answer for one upload: ``separate``, ``version:<id>`` or ``format:<id>``."""


@dataclass
class Version:
    number: int
    newest: bool
    docs: list[Document]


@dataclass
class WorkListing:
    versions: list[Version]
    """Newest first; each version's formats in the order of preference."""
    current: Document
    """The newest version's preferred format that the visitor may see: where a page links as "current"."""

    @property
    def formats(self) -> list[Document]:
        return self.versions[0].docs

    def version_of(self, doc: Document) -> Version | None:
        return next((v for v in self.versions if any(d.id == doc.id for d in v.docs)), None)


def work_listing(doc: Document) -> WorkListing | None:
    """The visible members of ``doc``'s work, or None when it stands alone (or the visitor sees it alone)."""
    catalog = get_hub().catalog
    members = works.work_of(catalog.connection(), doc.id)
    levels = visible_levels()
    visible = [m for m in members if m.visibility in levels]
    if len(visible) < 2:
        return None
    docs = catalog.get_many([m.doc_id for m in visible], text=False)
    numbers = sorted({m.version for m in visible})
    versions: list[Version] = []
    for m in visible:  # ordered: newest version first
        if m.doc_id not in docs:
            continue
        if not versions or versions[-1].number != numbers.index(m.version) + 1:
            versions.append(Version(numbers.index(m.version) + 1, not versions, []))
        versions[-1].docs.append(docs[m.doc_id])
    return WorkListing(versions, versions[0].docs[0])


@dataclass
class Candidate:
    doc: Document
    similarity: float
    suggested: str
    """The choice offered first: "format" (the formats differ), "version" (the same format) or "separate"."""


def work_candidates(doc: Document) -> list[Candidate]:
    """Works in the hub that ``doc`` (an upload under review, staff only) may be another format or version of:
    one candidate per work (its representative, with the best similarity of its members), best first.
    "format" is offered first when the work's newest version has no file of ``doc``'s format yet."""
    hub = get_hub()
    conn = hub.catalog.connection()
    best: dict[str, tuple[float, list[works.Member]]] = {}
    for doc_id, score in hub.ingestor.candidates.similar(fingerprint_of(doc)):
        members = works.work_of(conn, doc_id)
        head = works.representative(members).doc_id if members else doc_id
        if head not in best:
            best[head] = (score, members)
    chosen = list(best.items())[:MAX_CANDIDATES]
    docs = hub.catalog.get_many([head for head, _found in chosen], text=False)
    out: list[Candidate] = []
    for head, (score, members) in chosen:
        if head not in docs:
            continue
        newest = [m.format for m in members if m.version == members[0].version] or [docs[head].format]
        kind = "version" if doc.format in newest else "format"
        out.append(Candidate(docs[head], score, kind if score >= SAME_WORK and not out else "separate"))
    return out
