"""Uploads waiting for a staff member's review before they are published.

Step one extracts text, metadata and suggested areas from each file and parks
the result here (the original is already in the content-addressed store);
step two applies the reviewer's corrections and publishes through the same
pipeline and single writer as the command line. Pending entries belong to the
user who uploaded them and expire after a day.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict
from pathlib import Path

from ingest.db import ThreadConnections
from ingest.model import Document

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pending_uploads (
    token TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
    document TEXT NOT NULL
);
"""


class PendingUploads:
    def __init__(self, path: Path):
        self._conn = ThreadConnections(path, _SCHEMA).get

    def park(self, owner: str, doc: Document) -> str:
        # Hex, so the token never ends in "-" or "_": WTForms would then not add its own "-" to
        # the prefix, and the review form's field names would not be "<token>-<field>".
        token = secrets.token_hex(12)
        self._conn().execute(
            "DELETE FROM pending_uploads WHERE created_at < strftime('%Y-%m-%dT%H:%M:%SZ','now','-1 day')"
        )
        self._conn().execute(
            "INSERT INTO pending_uploads (token, owner, document) VALUES (?, ?, ?)",
            (token, owner, json.dumps(asdict(doc), ensure_ascii=False)),
        )
        return token

    def take(self, owner: str, token: str) -> Document | None:
        """The pending document, if it exists and belongs to ``owner``; removes it."""
        conn = self._conn()
        row = conn.execute(
            "SELECT document FROM pending_uploads WHERE token = ? AND owner = ?", (token, owner)
        ).fetchone()
        if row is None:
            return None
        conn.execute("DELETE FROM pending_uploads WHERE token = ?", (token,))
        return Document(**json.loads(row[0]))

    def peek(self, owner: str, token: str) -> Document | None:
        row = (
            self._conn()
            .execute("SELECT document FROM pending_uploads WHERE token = ? AND owner = ?", (token, owner))
            .fetchone()
        )
        return Document(**json.loads(row[0])) if row else None
