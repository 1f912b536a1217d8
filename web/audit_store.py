"""The audit log's table: who did what, when, to which document or account.

Anything may write an event with any action name (``record``); the pages know the names they can label
(``web.audit_events``) and show others as they are. Reading is always bounded: a page or an export asks for
at most a fixed number of rows, newest first, filtered by who, what and when.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS audit_by_action ON audit (action, id);
CREATE INDEX IF NOT EXISTS audit_by_at ON audit (at);
"""

MAX_ACTOR_CHARS = 254
"""An actor is an e-mail address (or ``cli:<user>``); a typed one in a failed login is cut to this."""


@dataclass(frozen=True)
class AuditEntry:
    at: str
    actor: str
    action: str
    doc_id: str
    detail: dict[str, object]
    id: int = 0


@dataclass(frozen=True)
class AuditQuery:
    """Filters of the audit page and its export; empty means "any"."""

    actor: str = ""
    """Part of the actor's name, any case."""
    action: str = ""
    """One action name exactly."""
    since: str = ""
    """ISO date (YYYY-MM-DD): events on or after that day (UTC)."""
    until: str = ""
    """ISO date: events on or before that day (UTC)."""

    def where(self) -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if self.actor:
            escaped = self.actor.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            clauses.append("lower(actor) LIKE ? ESCAPE '\\'")
            params.append(f"%{escaped}%")
        if self.action:
            clauses.append("action = ?")
            params.append(self.action)
        if self.since:
            clauses.append("at >= ?")
            params.append(self.since)
        if self.until:
            clauses.append("at < ?")
            params.append(self.until + "T99")  # every time of that day sorts before this
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


class AuditLog:
    """The ``audit`` table on the accounts connection, so account changes and their events commit together."""

    def __init__(self, conn: Callable[[], sqlite3.Connection]):
        self._conn = conn

    def record(self, actor: str, action: str, doc_id: str, **detail: object) -> None:
        self._conn().execute(
            "INSERT INTO audit (actor, action, doc_id, detail) VALUES (?, ?, ?, ?)",
            (actor[:MAX_ACTOR_CHARS], action, doc_id, json.dumps(detail, ensure_ascii=False, default=str)),
        )

    def entries(self, query: AuditQuery, limit: int, offset: int = 0) -> list[AuditEntry]:
        where, params = query.where()
        rows = self._conn().execute(
            f"SELECT id, at, actor, action, doc_id, detail FROM audit{where} ORDER BY id DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [
            AuditEntry(r["at"], r["actor"], r["action"], r["doc_id"], json.loads(r["detail"]), r["id"]) for r in rows
        ]
