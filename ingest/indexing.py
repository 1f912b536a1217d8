"""Handing catalog documents to the index, and rebuilding it from the catalog.

Every change goes through :func:`search.engine.writing.writer.write_lock`, so the catalog
transaction and the index commit happen together and one at a time: a
document is in both or in neither. A rebuild takes the lock only to swap its
new generation in (:mod:`ingest.rebuild`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ingest.catalog import Catalog
from ingest.datadir import DataDir
from ingest.limits import env_number
from ingest.model import Document
from ingest.orphans import HeldElsewhere, release_originals
from search.engine.writing.background_merge import MIN_BACKGROUND_DOCS
from search.engine.writing.merging import BULK_MERGE, INTERACTIVE_MERGE_DOCS, MergePolicy, bounded_merge
from search.engine.writing.writer import index_writer, write_lock
from search.schema import IndexDoc


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
    """``SKH_INTERACTIVE_MERGE_DOCS``: the most documents one person's save may merge in the index."""
    return max(0, int(env_number("SKH_INTERACTIVE_MERGE_DOCS", INTERACTIVE_MERGE_DOCS)))


def background_merge_docs() -> int:
    """``SKH_BACKGROUND_MERGE_DOCS``: a bulk load's merges of at least this many documents are written by
    another process while the load goes on (:mod:`search.engine.writing.background_merge`); 0 merges in the commits."""
    return max(0, int(env_number("SKH_BACKGROUND_MERGE_DOCS", MIN_BACKGROUND_DOCS)))


def save_documents(
    datadir: DataDir,
    catalog: Catalog,
    decide: Callable[[Catalog], list[Document]],
    delete_ids: Iterable[str] = (),
    bulk: bool = False,
    bulk_merge: MergePolicy = BULK_MERGE,
    held_elsewhere: HeldElsewhere | None = None,
) -> list[Document]:
    """Write documents to catalog and index together.

    ``decide`` runs inside the lock and the catalog transaction and returns
    the documents to write: deciding there (is this a duplicate? an update?)
    means two concurrent uploads of the same file cannot both be added.
    A ``bulk`` load's commits merge index segments as Whoosh would; anything
    else (an upload, an edit, a deletion: a person waits for it) merges a
    bounded amount (:mod:`search.engine.writing.merging`). ``bulk_merge`` is a bulk load's policy (one that merges in
    the background, :class:`search.engine.writing.background_merge.BackgroundMerges`, for ``skh ingest``).

    Originals the save stops referencing (a document's old bytes, a deleted document's) are removed
    after the commit if nothing else holds them; ``held_elsewhere`` says what the catalog cannot
    (pending uploads), and without it they are left for ``skh gc`` (:mod:`ingest.orphans`).
    """
    with write_lock(datadir.index):
        docs, replaced = _save(datadir, catalog, decide, list(delete_ids), bulk, bulk_merge)
        if replaced and held_elsewhere is not None:
            release_originals(datadir, catalog, replaced, held_elsewhere)
    return docs


def _save(
    datadir: DataDir,
    catalog: Catalog,
    decide: Callable[[Catalog], list[Document]],
    removed: list[str],
    bulk: bool,
    bulk_merge: MergePolicy,
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
        # The index commits last inside the transaction: if it fails the
        # catalog rolls back; if it succeeds the COMMIT that follows is a
        # local SQLite write.
        merge = bulk_merge if bulk else bounded_merge(interactive_merge_docs())
        with index_writer(datadir.index, merge=merge) as writer:
            for doc in docs:
                writer.update_document(**to_index_doc(doc).to_fields())
            for doc_id in removed:
                writer.delete_by_term("id", doc_id)
    return docs, replaced


def delete_document(
    datadir: DataDir, catalog: Catalog, doc_id: str, held_elsewhere: HeldElsewhere | None = None
) -> None:
    save_documents(datadir, catalog, lambda _catalog: [], delete_ids=[doc_id], held_elsewhere=held_elsewhere)


def reindex(datadir: DataDir, catalog: Catalog, say: Callable[[str], None] | None = None) -> int:
    """Rebuild the index from the catalog into a new generation, then swap it in; the number of documents.

    Writers go on meanwhile: the write lock is held only to swap (:mod:`ingest.rebuild`).
    """
    from ingest.rebuild import rebuild  # it builds on this module

    return rebuild(datadir, catalog, say)
