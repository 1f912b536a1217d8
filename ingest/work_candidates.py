"""Which catalog documents may be the same work as a new one: kept fingerprints and their LSH index.

Each saved document's MinHash signature (:mod:`ingest.near_duplicates`) is kept in the catalog's
``fingerprints`` table (512 bytes a document), so the LSH index survives a restart without re-reading any
text: it is built from the table the first time it is asked, then brought up to date from the rows added
since (another process, ``skh ingest`` beside the web service, may have saved documents meanwhile). A
document saved before fingerprints existed gets one then, once, from its catalog text.

Bulk ingest (:mod:`ingest.pipeline`) groups formats of one work with :func:`format_partner`: the texts must
agree closely (:data:`ingest.near_duplicates.SAME_WORK`, metadata support is not enough), the two must have
the same visibility and different formats, and the partner's version must not have that format yet.
Versions are never linked automatically: telling a revision from another format is for staff.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable

from ingest import works
from ingest.model import Document
from ingest.near_duplicates import SAME_WORK, Candidates, Fingerprint, fingerprint, from_bytes
from ingest.reasons import reason
from ingest.report import Outcome

SCHEMA = """
CREATE TABLE IF NOT EXISTS fingerprints (
    doc_id TEXT PRIMARY KEY,
    signature BLOB NOT NULL
);
"""

MAX_CANDIDATES = 5
"""Candidates a reviewer is shown for one upload (the most similar)."""


def fingerprint_of(doc: Document) -> Fingerprint:
    return fingerprint(doc.body, doc.title, doc.org, doc.year)


def keep(conn: sqlite3.Connection, doc_id: str, found: Fingerprint) -> None:
    """Store ``found`` as ``doc_id``'s fingerprint (inside the save's transaction)."""
    conn.execute("INSERT OR REPLACE INTO fingerprints (doc_id, signature) VALUES (?, ?)", (doc_id, found.to_bytes()))


def drop(conn: sqlite3.Connection, doc_ids: list[str]) -> None:
    conn.executemany("DELETE FROM fingerprints WHERE doc_id = ?", [(i,) for i in doc_ids])


class WorkCandidates:
    """The LSH index over the catalog's fingerprints, loaded lazily and refreshed from newer rows."""

    def __init__(self, connection: Callable[[], sqlite3.Connection]):
        self._connection = connection
        self._index = Candidates()
        self._seen = 0  # the highest fingerprints rowid loaded
        self._backfilled = False
        self._lock = threading.Lock()

    def _backfill(self, conn: sqlite3.Connection) -> None:
        """Fingerprint the documents saved before fingerprints were kept (once per catalog)."""
        rows = conn.execute(
            "SELECT id, title, org, year, body FROM documents WHERE id NOT IN (SELECT doc_id FROM fingerprints)"
        ).fetchall()
        if rows:
            conn.executemany(
                "INSERT OR IGNORE INTO fingerprints (doc_id, signature) VALUES (?, ?)",
                [(r[0], fingerprint(r[4], r[1], r[2], r[3]).to_bytes()) for r in rows],
            )

    def refresh(self, backfill: bool = False) -> None:
        """Take in the fingerprints added since the last call (the first call reads them all); with
        ``backfill`` (a writer's first call, under the write lock) first fingerprint the documents saved before
        fingerprints were kept. Call it before the caller's transaction writes any: a fingerprint written and
        rolled back must not count as seen."""
        conn = self._connection()
        with self._lock:
            if backfill and not self._backfilled:
                self._backfill(conn)
                self._backfilled = True
            rows = conn.execute(
                "SELECT f.rowid, f.doc_id, f.signature, d.title, d.org, d.year FROM fingerprints f "
                "JOIN documents d ON d.id = f.doc_id WHERE f.rowid > ? ORDER BY f.rowid",
                (self._seen,),
            ).fetchall()
            for rowid, doc_id, signature, title, org, year in rows:
                self._index.add(doc_id, from_bytes(signature, title, org, year))
                self._seen = max(self._seen, rowid)

    def add(self, doc_id: str, found: Fingerprint) -> None:
        """Know ``doc_id`` now (a document of the batch being saved, not yet committed)."""
        with self._lock:
            self._index.add(doc_id, found)

    def similar(self, found: Fingerprint, exclude: str = "", refresh: bool = True) -> list[tuple[str, float]]:
        """``(doc_id, similarity)`` of the documents most likely the same work as ``found``, best first."""
        if refresh:
            self.refresh()
        with self._lock:
            return [(i, s) for i, s in self._index.related(found) if i != exclude]


def format_partner(
    conn: sqlite3.Connection, doc: Document, found: list[tuple[str, float]], batch: dict[str, Document]
) -> str | None:
    """The document ``doc`` is most likely another format of (module docstring), or None."""
    for other_id, score in found:
        if score < SAME_WORK or other_id == doc.id:
            continue
        other = batch.get(other_id) or _current(conn, other_id)
        if other is None or other.visibility != doc.visibility or other.format == doc.format:
            continue
        formats = {(batch.get(i) or _current(conn, i) or other).format for i in works.same_version(conn, other_id)}
        if doc.format not in formats:
            return other_id
    return None


def _current(conn: sqlite3.Connection, doc_id: str) -> Document | None:
    row = conn.execute("SELECT id, format, visibility FROM documents WHERE id = ?", (doc_id,)).fetchone()
    if row is None:
        return None
    return Document(
        id=row[0], sha256="", source="", filename="", format=row[1], size=0, title="", body="", visibility=row[2]
    )


def place_in_works(
    conn: sqlite3.Connection,
    candidates: WorkCandidates,
    saving: list[tuple[Document, Outcome]],
    signatures: dict[str, bytes],
    group_formats: bool,
) -> None:
    """Keep each saved document's fingerprint (``signatures``: the parser children's, by original's hash; the
    rest are made here) and, with ``group_formats`` (a bulk run), link a new document to the work it is another
    format of (:func:`format_partner`). Inside the save's transaction, before it writes anything else."""
    batch = {doc.id: doc for doc, _outcome in saving}
    candidates.refresh(backfill=True)
    for doc, outcome in saving:
        kept = signatures.get(doc.sha256)
        found = from_bytes(kept, doc.title, doc.org, doc.year) if kept else fingerprint_of(doc)
        keep(conn, doc.id, found)
        if group_formats and outcome.status == "added":
            partner = format_partner(conn, doc, candidates.similar(found, doc.id, refresh=False), batch)
            if partner is not None:
                works.link(conn, doc.id, partner, "format", works.AUTO)
                outcome.notes.append(reason("another_format", doc_id=partner))
        candidates.add(doc.id, found)
