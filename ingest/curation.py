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

EDITABLE = ("title", "authors", "org", "year", "type", "areas", "visibility", "lang", "abstract")


class NotFound(LookupError):
    pass


def update_metadata(datadir: DataDir, catalog: Catalog, doc_id: str, changes: dict[str, object]) -> Document:
    """Apply ``changes`` (already validated by the caller) and reindex the document.

    Areas set here are manual from then on: later automatic runs keep them.
    """
    clean = normalise({k: v for k, v in changes.items() if k in EDITABLE})
    if "areas" in changes and not changes["areas"]:
        clean["areas"] = []

    def decide(current: Catalog) -> list[Document]:
        doc = current.get(doc_id)
        if doc is None:
            raise NotFound(doc_id)
        for key, value in clean.items():
            setattr(doc, key, value)
        if "areas" in clean:
            doc.areas_auto, doc.area_evidence = False, {}
        if "year" in clean and doc.date[:4] != str(doc.year):
            doc.date = str(doc.year) if doc.year else ""
        return [doc]

    return save_documents(datadir, catalog, decide)[0]


def delete(datadir: DataDir, catalog: Catalog, doc_id: str) -> None:
    if catalog.get(doc_id) is None:
        raise NotFound(doc_id)
    delete_document(datadir, catalog, doc_id)
