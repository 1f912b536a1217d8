"""Staff corrections: editing a document's metadata and deleting it.

Both go through the same single writer as ingest, so the catalog and the
index never disagree about a document's areas or visibility. An edit writes
its change history (:mod:`ingest.history`) in the same transaction.
"""

from __future__ import annotations

from dataclasses import replace

from ingest import history
from ingest.catalog import Catalog
from ingest.datadir import DataDir
from ingest.indexing import delete_document, save_documents
from ingest.metadata import normalise
from ingest.model import Document
from ingest.orphans import HeldElsewhere

EDITABLE = (
    "title", "authors", "org", "date", "year", "type", "areas", "visibility", "lang", "abstract", "doi", "url"
)  # fmt: skip
CLEARABLE = {"authors": [], "org": "", "abstract": "", "doi": "", "url": ""}
"""Fields an empty value clears (the rest keep their value, or fall back as :func:`apply_changes` says)."""


class NotFound(LookupError):
    pass


def apply_changes(doc: Document, changes: dict[str, object]) -> Document:
    """Apply a reviewer's edits to ``doc``: the one set of rules for edits and reviewed uploads.

    Areas that differ from what the document has become manual (later
    automatic runs keep them); automatic areas submitted unchanged stay
    automatic, with their evidence; an empty choice leaves the areas alone.
    A full date sets the year; a cleared year clears the date; a cleared date
    leaves the year; a cleared type falls back to "document".
    """
    clean = normalise({k: v for k, v in changes.items() if k in EDITABLE})
    for key, value in clean.items():
        if key not in ("areas", "date", "year"):
            setattr(doc, key, value)
    for key, empty in CLEARABLE.items():
        if key in changes and key not in clean:
            setattr(doc, key, type(empty)())
    areas = clean.get("areas") or []
    if areas and not (doc.areas_auto and set(areas) == set(doc.areas)):
        doc.areas, doc.areas_auto, doc.area_evidence = list(areas), False, {}
    if clean.get("date"):
        doc.date, doc.year = str(clean["date"]), clean.get("year")
    elif "year" in changes or "date" in changes:
        if "year" in changes:
            doc.year = clean.get("year")
        if "date" in changes or doc.date[:4] != str(doc.year):
            doc.date = str(doc.year) if doc.year else ""
    if "type" in changes and not clean.get("type"):
        doc.type = "document"
    return doc


Diff = dict[str, tuple[object, object]]
"""Changed fields: name -> (old, new)."""


def difference(before: Document, after: Document) -> Diff:
    """The editable fields whose value ``after`` changed (the areas as a set: their order is no change)."""
    diff: Diff = {}
    for name in EDITABLE:
        old, new = getattr(before, name), getattr(after, name)
        same = set(old) == set(new) if name == "areas" else old == new
        if not same:
            diff[name] = (old, new)
    return diff


def edit_document(
    datadir: DataDir,
    catalog: Catalog,
    doc_id: str,
    changes: dict[str, object],
    actor: str,
    max_merge_docs: int | None = None,
) -> tuple[Document, Diff]:
    """Apply ``changes`` (already validated by the caller), reindex the document and record what changed in
    its history, all in one save; the document and what changed. Merges at most ``max_merge_docs``
    documents in the index (default: ``SKH_INTERACTIVE_MERGE_DOCS``)."""
    found: Diff = {}

    def decide(current: Catalog) -> list[Document]:
        doc = current.get(doc_id)
        if doc is None:
            raise NotFound(doc_id)
        updated = apply_changes(replace(doc, authors=list(doc.authors), areas=list(doc.areas)), changes)
        found.update(difference(doc, updated))
        if not found:
            return []  # nothing to write: no index commit, no history
        history.record(current.connection(), doc_id, actor, "edit", found)
        return [updated]

    saved = save_documents(datadir, catalog, decide, max_merge_docs=max_merge_docs)
    doc = saved[0] if saved else catalog.get(doc_id)
    if doc is None:
        raise NotFound(doc_id)
    return doc, found


def update_metadata(
    datadir: DataDir,
    catalog: Catalog,
    doc_id: str,
    changes: dict[str, object],
    max_merge_docs: int | None = None,
    actor: str = "command line",
) -> Document:
    """:func:`edit_document` for a caller that needs only the document (``skh set-areas``)."""
    return edit_document(datadir, catalog, doc_id, changes, actor, max_merge_docs)[0]


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
