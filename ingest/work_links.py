"""Staff linking documents into works and out again, through the one index writer.

A link changes which member of a work the index holds (:mod:`ingest.works`), so it is saved like any other
change: the link and the index entries it moves are written together under the write lock, in one catalog
transaction, and a running rebuild hears of every member it touched.
"""

from __future__ import annotations

from ingest import works
from ingest.catalog import Catalog
from ingest.datadir import DataDir
from ingest.indexing import save_documents
from ingest.model import Document


class LinkError(ValueError):
    """The link cannot be made (a missing document, a document linked to itself)."""


def _relink(datadir: DataDir, catalog: Catalog, change, max_merge_docs: int | None) -> list[Document]:
    def decide(current: Catalog) -> list[Document]:
        touched = change(current.connection())
        return list(current.get_many(touched).values())

    return save_documents(datadir, catalog, decide, max_merge_docs=max_merge_docs)


def link_documents(
    datadir: DataDir,
    catalog: Catalog,
    doc_id: str,
    target_id: str,
    kind: str,
    by: str,
    max_merge_docs: int | None = None,
) -> None:
    """Make ``doc_id`` a new version (``kind`` "version") or another format ("format") of ``target_id``'s work."""
    if kind not in works.KINDS:
        raise LinkError(f"unknown kind {kind!r}")
    if doc_id == target_id:
        raise LinkError("a document cannot be linked to itself")

    def change(conn) -> list[str]:
        if len(catalog.get_many([doc_id, target_id], text=False)) != 2:
            raise LinkError("no such document")
        return works.link(conn, doc_id, target_id, kind, by)

    _relink(datadir, catalog, change, max_merge_docs)


def unlink_document(datadir: DataDir, catalog: Catalog, doc_id: str, max_merge_docs: int | None = None) -> None:
    """Make ``doc_id`` stand alone again (found by itself; its former partners stay one work)."""
    _relink(datadir, catalog, lambda conn: works.unlink(conn, doc_id), max_merge_docs)
