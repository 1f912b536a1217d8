"""The trash: a deleted document can be restored for a while, then it is purged with its original.

Trashing moves the document's row from the catalog's documents table to its trash table and deletes it
from the index in one save (:func:`ingest.indexing.save_documents`, the single writer). Every page, count,
feed, export and the API read the documents table or the index, so the document leaves all of them at once;
a rebuild (``skh reindex``) reads the documents table only, so it cannot bring it back, and ``skh check``
does not miss it. The original stays in the store (:meth:`ingest.catalog.Catalog.holds` counts the trash).

Restoring puts the row back exactly as it was, in its work again (:mod:`ingest.work_restore`), and indexes
it again. Purging, ``SKH_TRASH_DAYS`` (30) after trashing, forgets the row and its history and removes the
original unless another document (live or trashed) or a pending upload shares those bytes
(:mod:`ingest.orphans`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ingest import history, work_restore
from ingest.catalog import Catalog
from ingest.curation import NotFound
from ingest.datadir import DataDir
from ingest.indexing import save_documents
from ingest.model import Document, Trashed
from ingest.orphans import HeldElsewhere, release_originals
from search import write_lock


class NotInTrash(LookupError):
    pass


class RestoreConflict(ValueError):
    """Another document took the trashed one's id or its original's bytes meanwhile (it was uploaded again)."""

    def __init__(self, existing_id: str):
        super().__init__(existing_id)
        self.existing_id = existing_id


def stamp(now: datetime | None = None) -> str:
    """``now`` (default: the current time) as the trash stores times: ``YYYY-MM-DDTHH:MM:SSZ`` in UTC."""
    return (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def trash(
    datadir: DataDir,
    catalog: Catalog,
    doc_id: str,
    actor: str,
    now: datetime | None = None,
    max_merge_docs: int | None = None,
) -> Document:
    """Move ``doc_id`` to the trash (NotFound if it is not a live document); the document as it was."""
    taken: list[Document] = []

    def decide(current: Catalog) -> list[Document]:
        doc = current.get(doc_id)
        if doc is None:
            raise NotFound(doc_id)
        conn = current.connection()
        current.put_in_trash(conn, doc, actor, stamp(now))
        work_restore.keep(conn, doc_id)  # before save_documents takes it out of its work
        history.record(conn, doc_id, actor, "trash")
        taken.append(doc)
        return []

    # No held_elsewhere: nothing is released, the original stays for a restore.
    save_documents(datadir, catalog, decide, [doc_id], max_merge_docs=max_merge_docs)
    return taken[0]


def restore(datadir: DataDir, catalog: Catalog, doc_id: str, actor: str, max_merge_docs: int | None = None) -> Document:
    """Put a trashed document back into the catalog and the index as it was; NotInTrash, or RestoreConflict
    when a live document has its id or its bytes now."""

    def decide(current: Catalog) -> list[Document]:
        item = current.trashed(doc_id)
        if item is None:
            raise NotInTrash(doc_id)
        doc = item.doc
        clash = current.get(doc.id) or current.by_sha256(doc.sha256)
        if clash is not None:
            raise RestoreConflict(clash.id)
        conn = current.connection()
        current.remove_from_trash(conn, doc_id)
        current.insert_exact(conn, doc)  # keeps when it was added
        work_restore.rejoin(conn, doc_id)  # save_documents then indexes the work's representative
        history.record(conn, doc_id, actor, "restore")
        return [doc]

    return save_documents(datadir, catalog, decide, max_merge_docs=max_merge_docs)[0]


def purge_expired(
    datadir: DataDir,
    catalog: Catalog,
    days: float,
    held_elsewhere: HeldElsewhere,
    now: datetime | None = None,
    timeout: float | None = None,
) -> list[Trashed]:
    """Purge what was trashed more than ``days`` before ``now``: its row, its history and its original
    (unless something else holds those bytes). Runs as the single writer, waiting at most ``timeout``
    seconds for it (None: as long as it takes; search.WriterBusy after). The documents purged."""
    cutoff = stamp((now or datetime.now(UTC)) - timedelta(days=days))
    if not catalog.trashed_before(cutoff):  # the usual case, without the lock
        return []
    with write_lock(datadir.index, timeout=timeout):
        expired = catalog.trashed_before(cutoff)
        with catalog.transaction() as conn:
            for item in expired:
                catalog.remove_from_trash(conn, item.doc.id)
                history.forget(conn, item.doc.id)
                work_restore.forget(conn, item.doc.id)
        release_originals(datadir, catalog, {item.doc.sha256 for item in expired}, held_elsewhere)
    return expired
