"""Whether each file of a batch is a new document, a new version of one, or one the hub already has.

Decided inside the save's transaction (:func:`ingest.indexing.save_documents`), against what the catalog
holds at that moment, so two writers never both add the same file. Identity is the content: the same bytes
are the same document wherever they came from; the same text in other bytes (re-exported, re-saved) too; a
changed file at the same source keeps its document's id; bytes staff put in the trash are not added again
(restoring is the way back).
"""

from __future__ import annotations

from ingest.catalog import Catalog
from ingest.model import Document
from ingest.reasons import reason
from ingest.report import SKIPPED, Outcome


def choose(catalog: Catalog, batch: list[tuple[Document, Outcome]]) -> dict[str, Document]:
    """The documents of ``batch`` to save, by content hash; each outcome says what became of its file."""
    chosen: dict[str, Document] = {}
    by_text: dict[str, Document] = {}
    for doc, outcome in batch:
        outcome.duplicate_of, outcome.reason = None, ""  # decided afresh (a retry after a failed save)
        twin = chosen.get(doc.sha256) or by_text.get(doc.text_sha256)
        if twin is not None:  # the same content twice in one batch
            outcome.status, outcome.id, outcome.title = "unchanged", twin.id, twin.title
            outcome.duplicate_of = twin.id
        elif resolve(catalog, doc, outcome) is not None:
            chosen[doc.sha256] = by_text[doc.text_sha256] = doc
    return chosen


def resolve(catalog: Catalog, doc: Document, outcome: Outcome) -> Document | None:
    """Decide add / update / unchanged against what the catalog holds now."""
    same_bytes = catalog.by_sha256(doc.sha256)
    if same_bytes is not None:
        outcome.status, outcome.id, outcome.title = "unchanged", same_bytes.id, same_bytes.title
        if same_bytes.source != doc.source:
            outcome.duplicate_of = same_bytes.id
        return None
    if (trashed := catalog.trashed_with_sha256(doc.sha256)) is not None:
        # Staff deleted these bytes: ingesting a folder again must not bring them back as a new document.
        outcome.status, outcome.id, outcome.title = SKIPPED, trashed.doc.id, trashed.doc.title
        outcome.reason = reason("in_trash", doc_id=trashed.doc.id, title=trashed.doc.title)
        return None
    previous = catalog.by_source(doc.source)
    if previous is not None:
        doc.id = previous.id  # a changed file keeps its document id
        if doc.areas_auto and not previous.areas_auto:
            # Areas staff set by hand survive a new version of the file.
            doc.areas, doc.areas_auto, doc.area_evidence = previous.areas, False, {}
        outcome.status = "updated"
    elif (same_text := catalog.by_text_hash(doc.text_sha256)) is not None:
        # The same text in other bytes (re-exported, re-saved, metadata touched): one document.
        outcome.status, outcome.id, outcome.title = "unchanged", same_text.id, same_text.title
        outcome.duplicate_of = same_text.id
        return None
    else:
        # A prefix clash with an updated document, or a trashed one (its id stays its own until it is purged).
        while catalog.get(doc.id) is not None or catalog.trashed(doc.id) is not None:
            doc.id = doc.sha256[: len(doc.id) + 4]
        outcome.status = "added"
    outcome.id, outcome.title = doc.id, doc.title
    return doc
