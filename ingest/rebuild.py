"""Rebuilding the index from the catalog while uploads, edits and deletions go on.

A rebuild of 3,075 documents takes about half a minute, of 100,000 many
minutes. Holding the write lock that long made every web publish wait
silently for it. So the rebuild holds the lock only for its last step:

1. it registers in the catalog's change log (:mod:`ingest.changelog`), so
   every write from then on is recorded;
2. without the lock it reads every document in one SQLite read transaction,
   together with the log's newest number, so the snapshot and that number
   agree, and builds a new generation (:func:`search.build_generation`);
3. still without the lock it applies what was written meanwhile (re-reading
   those documents from the catalog; a document no longer there is deleted),
   round after round while the rounds shrink;
4. under the write lock it applies the last few changes, swaps the new
   generation in and empties the log. No one writes while it does, so nothing
   written can fall between the last round and the swap.

Two rebuilds at once wait for each other on a lock file of their own
(``REBUILD.lock``), so one log and one new generation are in play at a time.

A bulk load's background merge (:class:`search.BulkLoad`) reserved on the
old generation needs nothing from here: when the load's next commit takes the
result it finds the live folder changed and drops it, and the documents of
every commit the load made meanwhile are in the change log.
"""

from __future__ import annotations

import fcntl
import logging
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ingest import changelog, works
from ingest.catalog import Catalog
from ingest.datadir import DataDir
from ingest.indexing import interactive_merge_docs, to_index_doc
from search import build_generation, make_live, new_generation, update_generation, write_lock

log = logging.getLogger(__name__)

LOCKED_CHANGES = 200
"""Catch up without the lock until a round finds at most this many written documents; the rest is applied
under the lock (a commit of a few hundred documents: well under a second)."""

MAX_ROUNDS = 5
"""Rounds of catching up without the lock: a steady stream of writes cannot keep a rebuild from ending."""

READ_CHUNK = 500
"""Documents fetched per query when catching up (SQLite bounds the parameters of one statement)."""

Say = Callable[[str], None]


@contextmanager
def rebuild_lock(base: Path, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """One rebuild of the index under ``base`` at a time (writers are not held up by it)."""
    base.mkdir(parents=True, exist_ok=True)
    with open(base / "REBUILD.lock", "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting()
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def rebuild(datadir: DataDir, catalog: Catalog, say: Say | None = None, max_merge_docs: int | None = None) -> int:
    """Rebuild the index from the catalog into a new generation and swap it in; the number of documents.

    ``say`` hears what the rebuild is doing; it is first called when the new generation is built and
    before what was written meanwhile is applied. Catching up merges at most ``max_merge_docs`` documents
    a commit (default: ``SKH_INTERACTIVE_MERGE_DOCS``).
    """
    tell = say or (lambda _message: None)
    merge_docs = interactive_merge_docs() if max_merge_docs is None else max_merge_docs
    with rebuild_lock(datadir.index, waiting=lambda: tell("waiting for another rebuild to finish")):
        conn = catalog.connection()
        with write_lock(datadir.index, waiting=lambda: tell("waiting for another writer to finish")):
            changelog.start_logging(conn)  # briefly: a writer's transaction is never half-way through
        folder: Path | None = None
        try:
            folder = new_generation(datadir.index)
            count, seq = _build(catalog, folder)
            tell(f"built {count:,} documents; applying what was written meanwhile")
            for _round in range(MAX_ROUNDS):
                seq, applied = _catch_up(catalog, folder, seq, merge_docs)
                if applied <= LOCKED_CHANGES:
                    break
            with write_lock(datadir.index, waiting=lambda: tell("waiting for another writer to swap it in")):
                seq, _applied = _catch_up(catalog, folder, seq, merge_docs)
                make_live(datadir.index, folder)
                folder = None  # live: no longer ours to remove
                count = catalog.count() - len(works.all_hidden(conn))
                changelog.stop_logging(conn)
        except BaseException:
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
            try:
                with write_lock(datadir.index):
                    changelog.stop_logging(conn)
            except Exception as exc:  # noqa: BLE001 - the next rebuild clears the log; the first error is the one to see
                log.warning("the failed rebuild could not stop the change log (%s); the next rebuild clears it", exc)
            raise
    return count


def _build(catalog: Catalog, folder: Path) -> tuple[int, int]:
    """Write every document into the new generation from one snapshot; the count and the log's number then."""
    conn = catalog.connection()
    count = 0
    with build_generation(folder) as index:  # commits after the read transaction ends
        conn.execute("BEGIN")  # deferred: the snapshot starts with the first read, the log's number
        try:
            seq = changelog.last_seq(conn)
            hidden = works.all_hidden(conn)  # a work is indexed once, as its representative (ingest.works)
            for doc in catalog.all():
                if doc.id not in hidden:
                    index.add(to_index_doc(doc))
                    count += 1
        finally:
            conn.execute("COMMIT")
    return count, seq


def _catch_up(catalog: Catalog, folder: Path, seq: int, max_merge_docs: int) -> tuple[int, int]:
    """Apply to the new generation the documents written after ``seq``; the log's new number, how many."""
    conn = catalog.connection()
    conn.execute("BEGIN")  # the log and the documents from one snapshot
    try:
        changes = changelog.changes_since(conn, seq)
        placed = works.plan(conn, changes.doc_ids)
        current = {}
        for start in range(0, len(changes.doc_ids), READ_CHUNK):
            current.update(catalog.get_many(changes.doc_ids[start : start + READ_CHUNK]))
    finally:
        conn.execute("COMMIT")
    if not changes.doc_ids:
        return changes.seq, 0
    with update_generation(folder, max_merge_docs) as index:
        for doc_id in changes.doc_ids:
            if doc_id in current and doc_id not in placed.hidden:
                index.put(to_index_doc(current[doc_id]))
            else:
                index.delete(doc_id)
    return changes.seq, len(changes.doc_ids)
