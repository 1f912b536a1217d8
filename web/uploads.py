"""Uploads waiting for a staff member's review before they are published.

Step one extracts text, metadata and suggested areas from each file and parks
the result here (the original is already in the content-addressed store);
step two applies the reviewer's corrections and publishes through the same
pipeline and single writer as the command line. Pending entries belong to the
user who uploaded them and expire after a day: they can no longer be published
then, and ``skh gc`` deletes them (an hour later, so a publish that read one
just before it expired has finished) and then their originals.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from contextlib import suppress
from dataclasses import asdict
from pathlib import Path

from ingest.db import ThreadConnections
from ingest.model import Document

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pending_uploads (
    token TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
    document TEXT NOT NULL,
    facts TEXT NOT NULL DEFAULT '{}'
);
"""
_FACTS_COLUMN = "ALTER TABLE pending_uploads ADD COLUMN facts TEXT NOT NULL DEFAULT '{}'"
"""Data dirs made before the review showed page counts get the column in place."""


LIFETIME = "-1 day"
"""How long a parked upload waits for its review (an SQLite date modifier)."""
EXPIRED = "-25 hours"
"""When ``skh gc`` deletes an abandoned review: past its lifetime, with a margin for a publish under way."""
_LIVE = f"created_at >= strftime('%Y-%m-%dT%H:%M:%SZ','now','{LIFETIME}')"


class PendingUploads:
    def __init__(self, path: Path):
        self._conn = ThreadConnections(path, _SCHEMA).get
        columns = {row[1] for row in self._conn().execute("PRAGMA table_info(pending_uploads)")}
        if "facts" not in columns:
            with suppress(sqlite3.OperationalError):  # another process added it just now
                self._conn().execute(_FACTS_COLUMN)

    def park(self, owner: str, doc: Document, facts: dict[str, object] | None = None) -> str:
        # Hex, so the token never ends in "-" or "_": WTForms would then not add its own "-" to
        # the prefix, and the review form's field names would not be "<token>-<field>".
        token = secrets.token_hex(12)
        self._conn().execute(
            f"DELETE FROM pending_uploads WHERE created_at < strftime('%Y-%m-%dT%H:%M:%SZ','now','{EXPIRED}')"
        )
        self._conn().execute(
            "INSERT INTO pending_uploads (token, owner, document, facts) VALUES (?, ?, ?, ?)",
            (token, owner, json.dumps(asdict(doc), ensure_ascii=False), json.dumps(facts or {})),
        )
        return token

    def take(self, owner: str, token: str) -> Document | None:
        """The pending document, if it exists and belongs to ``owner``; removes it."""
        conn = self._conn()
        row = conn.execute(
            f"SELECT document FROM pending_uploads WHERE token = ? AND owner = ? AND {_LIVE}", (token, owner)
        ).fetchone()
        if row is None:
            return None
        conn.execute("DELETE FROM pending_uploads WHERE token = ?", (token,))
        return Document(**json.loads(row[0]))

    def peek(self, owner: str, token: str) -> Document | None:
        row = (
            self._conn()
            .execute(f"SELECT document FROM pending_uploads WHERE token = ? AND owner = ? AND {_LIVE}", (token, owner))
            .fetchone()
        )
        return Document(**json.loads(row[0])) if row else None

    def facts(self, owner: str, token: str) -> dict[str, object]:
        """What the review shows about the file but the document does not keep (its page count)."""
        row = (
            self._conn()
            .execute("SELECT facts FROM pending_uploads WHERE token = ? AND owner = ?", (token, owner))
            .fetchone()
        )
        return json.loads(row[0]) if row else {}

    def hashes(self) -> set[str]:
        """The originals the pending uploads hold (expired ones too, until ``skh gc`` deletes them)."""
        rows = self._conn().execute("SELECT json_extract(document, '$.sha256') FROM pending_uploads")
        return {row[0] for row in rows if row[0]}

    def expire(self) -> int:
        """Delete abandoned reviews (past their lifetime, with a margin); returns how many."""
        cursor = self._conn().execute(
            f"DELETE FROM pending_uploads WHERE created_at < strftime('%Y-%m-%dT%H:%M:%SZ','now','{EXPIRED}')"
        )
        return cursor.rowcount
