"""Staff and member accounts, and the audit log, in their own SQLite file.

Accounts are not documents: they live beside the catalog (``accounts.sqlite3``
in the data dir) so the catalog stays the documents' source of truth and can
be shared or rebuilt without credentials in it. Passwords are hashed with
Werkzeug's current default (scrypt); no account or password ships.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from ingest.db import ThreadConnections

ROLES = ("member", "staff", "admin")
MIN_PASSWORD = 10

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    email TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('member', 'staff', 'admin')),
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
);
"""


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message says why."""


@dataclass(frozen=True)
class User:
    email: str
    role: str

    # Flask-Login's protocol.
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return self.email


@dataclass(frozen=True)
class AuditEntry:
    at: str
    actor: str
    action: str
    doc_id: str
    detail: dict[str, object]


class Accounts:
    def __init__(self, path: Path):
        self._conn = ThreadConnections(path, _SCHEMA).get

    # -- users ---------------------------------------------------------------

    @staticmethod
    def _normal_email(email: str) -> str:
        email = email.strip().lower()
        if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
            raise AccountError(f"not an e-mail address: {email!r}")
        return email

    @staticmethod
    def _check_password(password: str) -> None:
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"passwords need at least {MIN_PASSWORD} characters")

    def add(self, email: str, role: str, password: str) -> User:
        email = self._normal_email(email)
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}")
        self._check_password(password)
        try:
            self._conn().execute(
                "INSERT INTO users (email, role, password_hash) VALUES (?, ?, ?)",
                (email, role, generate_password_hash(password)),
            )
        except sqlite3.IntegrityError as exc:
            raise AccountError(f"{email} already has an account") from exc
        return User(email, role)

    def set_password(self, email: str, password: str) -> None:
        self._check_password(password)
        cur = self._conn().execute(
            "UPDATE users SET password_hash = ? WHERE email = ?", (generate_password_hash(password), email.lower())
        )
        if not cur.rowcount:
            raise AccountError(f"no account for {email}")

    def remove(self, email: str) -> None:
        if not self._conn().execute("DELETE FROM users WHERE email = ?", (email.lower(),)).rowcount:
            raise AccountError(f"no account for {email}")

    def get(self, email: str) -> User | None:
        row = self._conn().execute("SELECT email, role FROM users WHERE email = ?", (email.lower(),)).fetchone()
        return User(row["email"], row["role"]) if row else None

    def all(self) -> list[User]:
        rows = self._conn().execute("SELECT email, role FROM users ORDER BY email")
        return [User(r["email"], r["role"]) for r in rows]

    def authenticate(self, email: str, password: str) -> User | None:
        row = (
            self._conn()
            .execute("SELECT email, role, password_hash FROM users WHERE email = ?", (email.strip().lower(),))
            .fetchone()
        )
        if row is None:
            check_password_hash(_DUMMY_HASH, password)  # same work either way: no timing oracle
            return None
        return User(row["email"], row["role"]) if check_password_hash(row["password_hash"], password) else None

    # -- audit ---------------------------------------------------------------

    def record(self, actor: str, action: str, doc_id: str, **detail: object) -> None:
        self._conn().execute(
            "INSERT INTO audit (actor, action, doc_id, detail) VALUES (?, ?, ?, ?)",
            (actor, action, doc_id, json.dumps(detail, ensure_ascii=False, default=str)),
        )

    def audit_log(self, limit: int = 200, offset: int = 0) -> list[AuditEntry]:
        rows = self._conn().execute(
            "SELECT at, actor, action, doc_id, detail FROM audit ORDER BY id DESC LIMIT ? OFFSET ?", (limit, offset)
        )
        return [AuditEntry(r["at"], r["actor"], r["action"], r["doc_id"], json.loads(r["detail"])) for r in rows]


_DUMMY_HASH = generate_password_hash("not a real password, only for equal timing")
