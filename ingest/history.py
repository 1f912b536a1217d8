"""Each document's change history: who changed which field when, from what to what.

Kept in the catalog next to the documents and written in the same transaction as the change it
describes, so a saved edit always has its history and a failed one has none. The audit log (web) says
that someone edited; this says what the document looked like before, field by field, for the staff
curating it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

SCHEMA = """
CREATE TABLE IF NOT EXISTS history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL,
    at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    field TEXT NOT NULL DEFAULT '',
    old TEXT NOT NULL DEFAULT '',
    new TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS history_doc ON history(doc_id, seq);
"""

MAX_VALUE = 4000
"""The longest value kept (an abstract's limit); pages abbreviate further."""


@dataclass(frozen=True)
class Change:
    at: str
    actor: str
    action: str
    """"edit", "trash", "restore"."""
    field: str = ""
    old: str = ""
    new: str = ""


def as_text(value: object) -> str:
    """A field's value as the history keeps it: lists joined by "; ", nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return str(value)[:MAX_VALUE]


def record(
    conn: sqlite3.Connection, doc_id: str, actor: str, action: str, diff: dict[str, tuple] | None = None
) -> None:
    """Record ``action`` on ``doc_id``; for an edit, one row per changed field of ``diff`` (field: (old, new))."""
    rows = [(doc_id, actor, action, name, as_text(old), as_text(new)) for name, (old, new) in (diff or {}).items()]
    conn.executemany(
        "INSERT INTO history (doc_id, actor, action, field, old, new) VALUES (?, ?, ?, ?, ?, ?)",
        rows or [(doc_id, actor, action, "", "", "")],
    )


@dataclass(frozen=True)
class Entry:
    """One save: who did what when, and the fields it changed (none for a trash or a restore)."""

    at: str
    actor: str
    action: str
    changes: list[Change]


def for_document(conn: sqlite3.Connection, doc_id: str, limit: int = 500) -> list[Entry]:
    """The newest changes of ``doc_id`` (at most ``limit`` fields), one entry per save, the newest first."""
    rows = conn.execute(
        "SELECT at, actor, action, field, old, new FROM history WHERE doc_id = ? ORDER BY seq DESC LIMIT ?",
        (doc_id, limit),
    )
    entries: list[Entry] = []
    for change in (Change(*row) for row in rows):
        last = entries[-1] if entries else None
        if last is None or (last.at, last.actor, last.action) != (change.at, change.actor, change.action):
            entries.append(Entry(change.at, change.actor, change.action, []))
        if change.field:
            entries[-1].changes.insert(0, change)  # fields in the order they were recorded
    return entries


def forget(conn: sqlite3.Connection, doc_id: str) -> None:
    """A purged document's history goes with it (the audit log keeps that it was purged)."""
    conn.execute("DELETE FROM history WHERE doc_id = ?", (doc_id,))
