"""Re-running automatic area assignment over the catalog (``skh reindex``) while writers go on.

Classifying every document takes a while (all of them at 100,000), so it is
done without the write lock, and the results are written in batches through
:func:`ingest.indexing.save_documents`, each holding the lock for one small
commit. A document someone changed since it was read (an edit, a new version
of the file) is classified again from what the catalog holds now, inside that
batch's lock, so a refresh never overwrites a person's newer change.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from ingest.areas import AreaClassifier, assign_areas
from ingest.catalog import Catalog
from ingest.datadir import DataDir
from ingest.indexing import save_documents
from ingest.model import Document

BATCH = 250
"""Documents per batch: each holds the write lock for one commit of at most this many documents."""


def reassigned(doc: Document, classifier: AreaClassifier) -> Document | None:
    """``doc`` with its areas assigned afresh, or None if they are hand-set and still in the taxonomy.

    Hand-set areas are kept unless the taxonomy no longer has them; a document
    left with none is assigned automatically.
    """
    known = set(classifier.taxonomy.ids)
    if not doc.areas_auto and doc.areas and set(doc.areas) <= known:
        return None
    before = (list(doc.areas), doc.areas_auto)
    doc.areas = [] if doc.areas_auto else [a for a in doc.areas if a in known]
    assign_areas(doc, classifier)
    if (doc.areas, doc.areas_auto) != before or doc.areas_auto:
        return doc
    return None


def reassign_automatic_areas(
    datadir: DataDir,
    catalog: Catalog,
    classifier: AreaClassifier,
    batch_size: int = BATCH,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Re-run automatic assignment (after a taxonomy change or new hand labels); returns how many changed.

    The documents are read a batch at a time, each batch by its own query: a cursor left open across
    a batch's write would hold an old SQLite snapshot, and the write would then fail ("database is
    locked") whenever another process had written meanwhile. ``progress`` hears the documents
    looked at so far, after each batch.
    """
    ids = [row[0] for row in catalog.titles()]
    changed = 0
    for start in range(0, len(ids), batch_size):
        chunk = catalog.get_many(ids[start : start + batch_size])
        batch: list[tuple[Document, Document]] = []  # (as read, as reassigned)
        for doc in chunk.values():
            original = copy.deepcopy(doc)
            if (new := reassigned(doc, classifier)) is not None:
                batch.append((original, new))
        if batch:
            changed += save_reassigned(datadir, catalog, classifier, batch)
        if progress is not None:
            progress(min(start + batch_size, len(ids)))
    return changed


def save_reassigned(
    datadir: DataDir, catalog: Catalog, classifier: AreaClassifier, batch: list[tuple[Document, Document]]
) -> int:
    """Write ``batch`` (each document as read, and as reassigned); one changed since is classified afresh.

    Only documents whose areas changed are written to the index as well. The
    others (most of them, on a re-run with the same taxonomy: only the
    evidence is new) are updated in the catalog alone, in the same
    transaction: the index does not hold the evidence, and rewriting every
    document into the live index would leave it many new segments for the
    next commit to merge, under the write lock.
    """
    evidence_only = 0

    def decide(current: Catalog) -> list[Document]:
        nonlocal evidence_only
        now = current.get_many([original.id for original, _new in batch])
        conn = current.connection()  # inside save_documents' transaction
        out = []
        for original, new in batch:
            fresh = now.get(original.id)
            if fresh is None:
                continue  # deleted meanwhile
            areas = list(fresh.areas)
            doc = new if fresh == original else reassigned(fresh, classifier)
            if doc is None:
                continue
            if doc.areas != areas:
                out.append(doc)
            else:
                current.upsert(conn, doc)
                evidence_only += 1
        return out

    return len(save_documents(datadir, catalog, decide)) + evidence_only
