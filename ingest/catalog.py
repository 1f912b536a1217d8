"""The catalog: one SQLite table of documents, the service's source of truth.

The index is derived from it (``skh reindex``), pages read titles and text
from it, and it records how each document's strength areas were decided.
SQLite in WAL mode lets the web threads read while a writer works.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, fields
from pathlib import Path

from ingest import changelog, history, work_candidates, work_restore, works
from ingest.db import ThreadConnections, immediate
from ingest.model import Document, Trashed

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    filename TEXT NOT NULL,
    format TEXT NOT NULL,
    size INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    abstract TEXT NOT NULL DEFAULT '',
    authors TEXT NOT NULL DEFAULT '[]',
    org TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL DEFAULT '',
    year INTEGER,
    type TEXT NOT NULL DEFAULT 'document',
    lang TEXT NOT NULL DEFAULT 'en',
    areas TEXT NOT NULL DEFAULT '[]',
    areas_auto INTEGER NOT NULL DEFAULT 0,
    area_evidence TEXT NOT NULL DEFAULT '{}',
    visibility TEXT NOT NULL DEFAULT 'public',
    doi TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    text_sha256 TEXT NOT NULL DEFAULT '',
    structure TEXT,
    added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
);
CREATE INDEX IF NOT EXISTS documents_source ON documents(source);
"""
# Trashed documents leave the documents table (and with it every page, count, feed and the index, which are
# built from it) for this one, whole and as they were, until they are restored or purged (ingest.trash).
# A table of its own rather than a flag: no reader of the documents table can forget to leave them out.
_TRASH_SCHEMA = """
CREATE TABLE IF NOT EXISTS trash (
    id TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    title TEXT NOT NULL,
    document TEXT NOT NULL,
    trashed_by TEXT NOT NULL,
    trashed_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS trash_sha256 ON trash(sha256);
CREATE INDEX IF NOT EXISTS trash_trashed_at ON trash(trashed_at);
"""
_TEXT_HASH_INDEX = "CREATE INDEX IF NOT EXISTS documents_text_sha256 ON documents(text_sha256)"
# Covers the sitemap's listing (web/views/site.py): the visibility column sits after the body in each row, so
# without it listing the public ids would read every document's text.
_VISIBILITY_INDEX = "CREATE INDEX IF NOT EXISTS documents_visibility ON documents(visibility, id, updated_at)"

_JSON_FIELDS = ("authors", "areas", "area_evidence")
_COLUMNS = tuple(f.name for f in fields(Document))


def _to_row(doc: Document) -> dict[str, object]:
    row = asdict(doc)
    for name in _JSON_FIELDS:
        row[name] = json.dumps(row[name], ensure_ascii=False)
    row["areas_auto"] = int(doc.areas_auto)
    row["structure"] = doc.structure or None  # NULL for a text of paragraphs alone: nothing stored twice
    return row


def _from_row(row: sqlite3.Row) -> Document:
    data = {name: row[name] for name in _COLUMNS}
    for name in _JSON_FIELDS:
        data[name] = json.loads(data[name])
    data["areas_auto"] = bool(data["areas_auto"])
    data["structure"] = data["structure"] or ""
    return Document(**data)


_TRASH_LISTED = "id, sha256, title, json_remove(document, '$.body') AS document, trashed_by, trashed_at"
"""A trash listing's columns: the document without its text, so listing a thousand holds no thousand texts."""


def _trashed_from_row(row: sqlite3.Row) -> Trashed:
    data = json.loads(row["document"])
    known = {name: data[name] for name in _COLUMNS if name in data}  # a field added since keeps its default
    known.setdefault("body", "")  # a listing leaves the text out (_TRASH_LISTED)
    return Trashed(Document(**known), row["trashed_by"], row["trashed_at"])


class Catalog:
    """Thread-safe access to the catalog file: one connection per thread."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._connections = ThreadConnections(
            self.path,
            _SCHEMA
            + changelog.SCHEMA
            + _TRASH_SCHEMA
            + history.SCHEMA
            + works.SCHEMA
            + work_candidates.SCHEMA
            + work_restore.SCHEMA,
        )
        self._migrate(self.connection())

    def _migrate(self, conn: sqlite3.Connection) -> None:
        """Bring a catalog written by an older version up to date (adds the text hash and the structure column;
        documents from before have no structure, and their pages show their text's paragraphs)."""

        def has_column(name: str) -> bool:
            return any(row["name"] == name for row in conn.execute("PRAGMA table_info(documents)"))

        def has_text_hash() -> bool:
            return has_column("text_sha256")

        if not has_text_hash():
            from ingest.textnorm import text_hash

            with self.transaction():
                if not has_text_hash():  # another process may have migrated meanwhile
                    conn.execute("ALTER TABLE documents ADD COLUMN text_sha256 TEXT NOT NULL DEFAULT ''")
                    rows = conn.execute("SELECT id, body FROM documents").fetchall()
                    conn.executemany(
                        "UPDATE documents SET text_sha256 = ? WHERE id = ?",
                        [(text_hash(r["body"]), r["id"]) for r in rows],
                    )
        if not has_column("structure"):
            with self.transaction():
                if not has_column("structure"):
                    conn.execute("ALTER TABLE documents ADD COLUMN structure TEXT")
        conn.execute(_TEXT_HASH_INDEX)
        conn.execute(_VISIBILITY_INDEX)

    def connection(self) -> sqlite3.Connection:
        return self._connections.get()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK if the block raises."""
        with immediate(self.connection()) as conn:
            yield conn

    # -- reading -----------------------------------------------------------

    def get(self, doc_id: str) -> Document | None:
        row = self.connection().execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return _from_row(row) if row else None

    def get_many(self, ids: list[str], text: bool = True) -> dict[str, Document]:
        """The documents of ``ids`` that exist; ``text=False`` leaves each body empty, so a feed or an export of
        a thousand reports does not hold a thousand full texts in memory."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        blank = {"body": "'' AS body", "structure": "NULL AS structure"}
        columns = "*" if text else ", ".join(blank.get(c, c) for c in _COLUMNS)
        rows = self.connection().execute(f"SELECT {columns} FROM documents WHERE id IN ({marks})", ids)
        return {row["id"]: _from_row(row) for row in rows}

    def by_sha256(self, sha256: str) -> Document | None:
        row = self.connection().execute("SELECT * FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
        return _from_row(row) if row else None

    def by_text_hash(self, text_sha256: str) -> Document | None:
        if not text_sha256:
            return None
        row = (
            self.connection()
            .execute("SELECT * FROM documents WHERE text_sha256 = ? ORDER BY added_at LIMIT 1", (text_sha256,))
            .fetchone()
        )
        return _from_row(row) if row else None

    def by_source(self, source: str) -> Document | None:
        row = (
            self.connection()
            .execute("SELECT * FROM documents WHERE source = ? ORDER BY updated_at DESC LIMIT 1", (source,))
            .fetchone()
        )
        return _from_row(row) if row else None

    def all(self) -> Iterator[Document]:
        for row in self.connection().execute("SELECT * FROM documents ORDER BY id"):
            yield _from_row(row)

    def titles(self, ids: list[str] | None = None) -> list[tuple[str, str, str]]:
        """(id, title, visibility) of every document, or of ``ids``: cheap, no text read."""
        if ids is None:
            return [tuple(r) for r in self.connection().execute("SELECT id, title, visibility FROM documents")]
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = self.connection().execute(f"SELECT id, title, visibility FROM documents WHERE id IN ({marks})", ids)
        return [tuple(r) for r in rows]

    def hand_labelled(self, limit: int = 5000) -> Iterator[Document]:
        """Documents whose areas staff (or an explicit option) set: training data."""
        rows = self.connection().execute(
            "SELECT * FROM documents WHERE areas_auto = 0 AND areas != '[]' ORDER BY updated_at DESC LIMIT ?",
            (limit,),
        )
        for row in rows:
            yield _from_row(row)

    def hashes(self) -> set[str]:
        """The SHA-256 of every document's original, in the trash too: what the originals store must keep."""
        rows = self.connection().execute("SELECT sha256 FROM documents UNION SELECT sha256 FROM trash")
        return {row[0] for row in rows}

    def holds(self, sha256: str) -> bool:
        """Whether a document, live or in the trash, still needs the original ``sha256``."""
        row = self.connection().execute(
            "SELECT 1 FROM documents WHERE sha256 = ? UNION ALL SELECT 1 FROM trash WHERE sha256 = ? LIMIT 1",
            (sha256, sha256),
        )
        return row.fetchone() is not None

    # -- the trash -----------------------------------------------------------

    def trashed(self, doc_id: str) -> Trashed | None:
        row = self.connection().execute("SELECT * FROM trash WHERE id = ?", (doc_id,)).fetchone()
        return _trashed_from_row(row) if row else None

    def trashed_with_sha256(self, sha256: str) -> Trashed | None:
        """The most recently trashed document (without its text) whose original is ``sha256``, if any."""
        row = (
            self.connection()
            .execute(f"SELECT {_TRASH_LISTED} FROM trash WHERE sha256 = ? ORDER BY trashed_at DESC LIMIT 1", (sha256,))
            .fetchone()
        )
        return _trashed_from_row(row) if row else None

    def trash_listing(self, limit: int = 1000) -> list[Trashed]:
        """The trashed documents (without their text), the most recently trashed first."""
        rows = self.connection().execute(
            f"SELECT {_TRASH_LISTED} FROM trash ORDER BY trashed_at DESC, id LIMIT ?", (limit,)
        )
        return [_trashed_from_row(row) for row in rows]

    def trash_count(self) -> int:
        return self.connection().execute("SELECT COUNT(*) FROM trash").fetchone()[0]

    def trashed_before(self, cutoff: str) -> list[Trashed]:
        """The documents (without their text) trashed at or before ``cutoff`` (``YYYY-MM-DDTHH:MM:SSZ``)."""
        rows = self.connection().execute(
            f"SELECT {_TRASH_LISTED} FROM trash WHERE trashed_at <= ? ORDER BY trashed_at", (cutoff,)
        )
        return [_trashed_from_row(row) for row in rows]

    def count(self) -> int:
        return self.connection().execute("SELECT COUNT(*) FROM documents").fetchone()[0]

    def count_at(self, visibility: str) -> int:
        """How many documents have ``visibility`` (read from the visibility index, no row read)."""
        row = self.connection().execute("SELECT COUNT(*) FROM documents WHERE visibility = ?", (visibility,))
        return row.fetchone()[0]

    def listing(self, visibility: str, offset: int, limit: int) -> list[tuple[str, str]]:
        """(id, updated_at) of the documents with ``visibility``, by id, ``limit`` from ``offset``: one sitemap
        file's worth, from the visibility index alone."""
        rows = self.connection().execute(
            "SELECT id, updated_at FROM documents INDEXED BY documents_visibility WHERE visibility = ? "
            "ORDER BY id LIMIT ? OFFSET ?",
            (visibility, limit, offset),
        )
        return [(r[0], r[1]) for r in rows]

    # -- writing (inside a transaction and the index write lock) -----------

    def upsert(self, conn: sqlite3.Connection, doc: Document) -> None:
        row = _to_row(doc)
        row.pop("added_at")
        row.pop("updated_at")
        names = list(row)
        updates = ", ".join(f"{n} = excluded.{n}" for n in names if n != "id")
        conn.execute(
            f"INSERT INTO documents ({', '.join(names)}) VALUES ({', '.join(':' + n for n in names)}) "
            f"ON CONFLICT(id) DO UPDATE SET {updates}, "
            "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now')",
            row,
        )

    def delete(self, conn: sqlite3.Connection, doc_id: str) -> None:
        conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))

    def put_in_trash(self, conn: sqlite3.Connection, doc: Document, by: str, at: str) -> None:
        """Keep ``doc`` whole in the trash (the caller deletes it from the documents table and the index)."""
        conn.execute(
            "INSERT OR REPLACE INTO trash (id, sha256, title, document, trashed_by, trashed_at) VALUES (?,?,?,?,?,?)",
            (doc.id, doc.sha256, doc.title, json.dumps(asdict(doc), ensure_ascii=False), by, at),
        )

    def insert_exact(self, conn: sqlite3.Connection, doc: Document) -> None:
        """Insert ``doc`` with its own ``added_at`` and ``updated_at`` (a restore: it comes back as it was)."""
        row = _to_row(doc)
        conn.execute(
            f"INSERT INTO documents ({', '.join(row)}) VALUES ({', '.join(':' + n for n in row)})",
            row,
        )

    def remove_from_trash(self, conn: sqlite3.Connection, doc_id: str) -> None:
        conn.execute("DELETE FROM trash WHERE id = ?", (doc_id,))
