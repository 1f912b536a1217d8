"""Which documents were written while the index was being rebuilt.

A rebuild reads the whole catalog and builds a new index generation without
holding the write lock, so uploads, edits and deletions go on meanwhile. To
carry them into the new generation before it goes live, SQLite triggers on
the documents table record each written document id in ``changes`` while a
rebuild has registered itself in ``rebuild_marks``. Triggers, not code in
:class:`ingest.catalog.Catalog`, so no writer can forget to record.

Logging only while a rebuild runs keeps the table empty the rest of the
time. A rebuild that crashes leaves its mark behind; the change log then grows
by one row per write until the next rebuild, which clears both.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from ingest.db import immediate

SCHEMA = """
CREATE TABLE IF NOT EXISTS rebuild_marks (
    started_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
);
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL,
    op TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS documents_logged_insert AFTER INSERT ON documents
    WHEN EXISTS (SELECT 1 FROM rebuild_marks)
    BEGIN INSERT INTO changes (doc_id, op) VALUES (new.id, 'upsert'); END;
CREATE TRIGGER IF NOT EXISTS documents_logged_update AFTER UPDATE ON documents
    WHEN EXISTS (SELECT 1 FROM rebuild_marks)
    BEGIN
        INSERT INTO changes (doc_id, op) SELECT old.id, 'delete' WHERE old.id != new.id;
        INSERT INTO changes (doc_id, op) VALUES (new.id, 'upsert');
    END;
CREATE TRIGGER IF NOT EXISTS documents_logged_delete AFTER DELETE ON documents
    WHEN EXISTS (SELECT 1 FROM rebuild_marks)
    BEGIN INSERT INTO changes (doc_id, op) VALUES (old.id, 'delete'); END;
"""


@dataclass(frozen=True)
class Changes:
    """The documents written after one point of the log, up to ``seq``."""

    doc_ids: list[str]
    seq: int


def start_logging(conn: sqlite3.Connection) -> None:
    """Register a rebuild (dropping a crashed one's leftovers): every write from now on is logged."""
    with immediate(conn):
        conn.execute("DELETE FROM rebuild_marks")
        conn.execute("DELETE FROM changes")
        conn.execute("INSERT INTO rebuild_marks DEFAULT VALUES")


def stop_logging(conn: sqlite3.Connection) -> None:
    """The rebuild is over (swapped in or given up): stop logging and empty the log."""
    with immediate(conn):
        conn.execute("DELETE FROM rebuild_marks")
        conn.execute("DELETE FROM changes")


def last_seq(conn: sqlite3.Connection) -> int:
    """The newest entry's number (0: none). Read it in the same read transaction as the documents it
    stands for, so the two agree."""
    return conn.execute("SELECT coalesce(max(seq), 0) FROM changes").fetchone()[0]


def changes_since(conn: sqlite3.Connection, seq: int) -> Changes:
    """The distinct documents written after ``seq`` (in the caller's transaction), and the newest number."""
    rows = conn.execute("SELECT seq, doc_id FROM changes WHERE seq > ? ORDER BY seq", (seq,)).fetchall()
    ids = list(dict.fromkeys(row[1] for row in rows))
    return Changes(doc_ids=ids, seq=rows[-1][0] if rows else seq)
