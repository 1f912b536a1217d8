"""Handing catalog documents to the index, and rebuilding it from the catalog.

Every change goes through :func:`search.write_lock`, so the catalog
transaction and the index commit happen together and one at a time: a
document is in both or in neither. A rebuild takes the lock only to swap its
new generation in (:mod:`ingest.rebuild`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ingest import work_candidates, works
from ingest.catalog import Catalog
from ingest.datadir import DataDir
from ingest.limits import IngestSettings
from ingest.model import Document
from ingest.orphans import HeldElsewhere, release_originals
from search import BulkLoad, IndexDoc, write_documents, write_lock


def to_index_doc(doc: Document) -> IndexDoc:
    return IndexDoc(
        id=doc.id,
        title=doc.title,
        body=doc.body,
        abstract=doc.abstract,
        lang=doc.lang,
        authors=doc.authors,
        org=doc.org,
        areas=doc.areas,
        type=doc.type,
        year=doc.year,
        date=doc.date,
        visibility=doc.visibility,
    )


def interactive_merge_docs() -> int:
    """``SKH_INTERACTIVE_MERGE_DOCS`` as the environment says now (for a save made with no settings at hand)."""
    return IngestSettings.from_env().interactive_merge_docs


def save_documents(
    datadir: DataDir,
    catalog: Catalog,
    decide: Callable[[Catalog], list[Document]],
    delete_ids: Iterable[str] = (),
    load: BulkLoad | None = None,
    held_elsewhere: HeldElsewhere | None = None,
    max_merge_docs: int | None = None,
) -> list[Document]:
    """Write documents to catalog and index together.

    ``decide`` runs inside the lock and the catalog transaction and returns
    the documents to write: deciding there (is this a duplicate? an update?)
    means two concurrent uploads of the same file cannot both be added.
    The commits of a bulk ``load`` (:class:`search.BulkLoad`, ``skh ingest``) merge index segments as
    Whoosh would, the largest merges in the background; anything else (an upload, an edit, a deletion: a
    person waits for it) merges at most ``max_merge_docs`` documents (default: ``SKH_INTERACTIVE_MERGE_DOCS``).

    Originals the save stops referencing (a document's old bytes, a deleted document's) are removed
    after the commit if nothing else holds them; ``held_elsewhere`` says what the catalog cannot
    (pending uploads), and without it they are left for ``skh gc`` (:mod:`ingest.orphans`).
    """
    with write_lock(datadir.index):
        if max_merge_docs is None:
            max_merge_docs = interactive_merge_docs()
        docs, replaced = _save(datadir, catalog, decide, list(delete_ids), load, max_merge_docs)
        if replaced and held_elsewhere is not None:
            release_originals(datadir, catalog, replaced, held_elsewhere)
    return docs


def _save(
    datadir: DataDir,
    catalog: Catalog,
    decide: Callable[[Catalog], list[Document]],
    removed: list[str],
    load: BulkLoad | None,
    max_merge_docs: int,
) -> tuple[list[Document], set[str]]:
    """One catalog transaction and index commit; returns the documents and the hashes they replaced."""
    with catalog.transaction() as conn:
        docs = decide(catalog)
        if not docs and not removed:
            return [], set()
        before = catalog.get_many([doc.id for doc in docs] + removed)
        replaced = {d.sha256 for d in before.values()} - {doc.sha256 for doc in docs}
        for doc in docs:
            catalog.upsert(conn, doc)
        for doc_id in removed:
            catalog.delete(conn, doc_id)
        partners = works.forget(conn, removed)
        work_candidates.drop(conn, removed)
        # A work is in the index once, as its representative (ingest.works): a saved member may take the
        # place of another, or stay out of the index itself.
        placed = works.plan(conn, [doc.id for doc in docs] + partners)
        saved = {doc.id for doc in docs}
        others = catalog.get_many(sorted(placed.shown - saved - set(removed)))
        # The index commits last inside the transaction: if it fails the
        # catalog rolls back; if it succeeds the COMMIT that follows is a
        # local SQLite write.
        with write_documents(datadir.index, load, max_merge_docs) as index:
            for doc in [*docs, *others.values()]:
                if doc.id not in placed.hidden:
                    index.put(to_index_doc(doc))
            for doc_id in [*removed, *sorted(placed.hidden)]:
                index.delete(doc_id)
    return docs, replaced


def delete_document(
    datadir: DataDir,
    catalog: Catalog,
    doc_id: str,
    held_elsewhere: HeldElsewhere | None = None,
    max_merge_docs: int | None = None,
) -> None:
    save_documents(
        datadir, catalog, lambda _catalog: [], [doc_id], held_elsewhere=held_elsewhere, max_merge_docs=max_merge_docs
    )


def reindex(
    datadir: DataDir, catalog: Catalog, say: Callable[[str], None] | None = None, max_merge_docs: int | None = None
) -> int:
    """Rebuild the index from the catalog into a new generation, then swap it in; the number of documents.

    Writers go on meanwhile: the write lock is held only to swap (:mod:`ingest.rebuild`).
    """
    from ingest.rebuild import rebuild  # it builds on this module

    # A catalog from before works gets its documents' fingerprints once, here (ingest.work_candidates).
    work_candidates.WorkCandidates(catalog.connection).refresh(backfill=True)
    return rebuild(datadir, catalog, say, max_merge_docs)
