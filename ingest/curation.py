"""Staff corrections: editing a document's metadata and deleting it.

Both go through the same single writer as ingest, so the catalog and the
index never disagree about a document's areas or visibility.
"""

from __future__ import annotations

from ingest.catalog import Catalog
from ingest.datadir import DataDir
from ingest.indexing import delete_document, save_documents
from ingest.metadata import normalise
from ingest.model import Document
from ingest.orphans import HeldElsewhere

EDITABLE = ("title", "authors", "org", "year", "type", "areas", "visibility", "lang", "abstract")


class NotFound(LookupError):
    pass


def apply_changes(doc: Document, changes: dict[str, object]) -> Document:
    """Apply a reviewer's edits to ``doc``: the one set of rules for edits and reviewed uploads.

    Areas that differ from what the document has become manual (later
    automatic runs keep them); automatic areas submitted unchanged stay
    automatic, with their evidence; an empty choice leaves the areas alone.
    A cleared year clears the date; a cleared type falls back to "document".
    """
    clean = normalise({k: v for k, v in changes.items() if k in EDITABLE})
    for key, value in clean.items():
        if key != "areas":
            setattr(doc, key, value)
    areas = clean.get("areas") or []
    if areas and not (doc.areas_auto and set(areas) == set(doc.areas)):
        doc.areas, doc.areas_auto, doc.area_evidence = list(areas), False, {}
    if "year" in changes:
        doc.year = clean.get("year")
        if doc.date[:4] != str(doc.year):
            doc.date = str(doc.year) if doc.year else ""
    if "type" in changes and not clean.get("type"):
        doc.type = "document"
    return doc


def update_metadata(
    datadir: DataDir, catalog: Catalog, doc_id: str, changes: dict[str, object], max_merge_docs: int | None = None
) -> Document:
    """Apply ``changes`` (already validated by the caller) and reindex the document, merging at most
    ``max_merge_docs`` documents in the index (default: ``SKH_INTERACTIVE_MERGE_DOCS``)."""

    def decide(current: Catalog) -> list[Document]:
        doc = current.get(doc_id)
        if doc is None:
            raise NotFound(doc_id)
        return [apply_changes(doc, changes)]

    return save_documents(datadir, catalog, decide, max_merge_docs=max_merge_docs)[0]


def delete(
    datadir: DataDir,
    catalog: Catalog,
    doc_id: str,
    held_elsewhere: HeldElsewhere | None = None,
    max_merge_docs: int | None = None,
) -> None:
    """Delete a document; its original goes too unless something else holds it (:mod:`ingest.orphans`)."""
    if catalog.get(doc_id) is None:
        raise NotFound(doc_id)
    delete_document(datadir, catalog, doc_id, held_elsewhere, max_merge_docs)
