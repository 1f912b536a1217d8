"""Staff and member accounts, and the audit log, in their own SQLite file.

Accounts are not documents: they live beside the catalog (``accounts.sqlite3``
in the data dir) so the catalog stays the documents' source of truth and can
be shared or rebuilt without credentials in it. Passwords are hashed with
Werkzeug's current default (scrypt); no account or password ships.
Login sessions live in the same file (``web.sessions``): changing a user's
password or role, or removing the user, ends all their sessions in the same
transaction, so an old cookie cannot outlive the change.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from ingest.db import ThreadConnections, immediate
from web import sessions

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
    session: str = field(default="", compare=False, repr=False)
    """The login session's token when this user came from one; empty otherwise."""

    # Flask-Login's protocol.
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        # The session token, not the e-mail: Flask-Login keeps this in the cookie and hands it
        # back to the user loader, which looks it up (a user with no session gets no login).
        return self.session


@dataclass(frozen=True)
class AuditEntry:
    at: str
    actor: str
    action: str
    doc_id: str
    detail: dict[str, object]


class Accounts:
    def __init__(self, path: Path, lifetimes: sessions.Lifetimes | None = None):
        self._conn = ThreadConnections(path, _SCHEMA + sessions.SCHEMA).get
        self.sessions = sessions.Sessions(self._conn, lifetimes)

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

    def _change(self, email: str, sql: str, params: tuple[object, ...]) -> None:
        """Change one user's row and end all their sessions, in one transaction."""
        with immediate(self._conn()) as conn:
            if not conn.execute(sql, params + (email.strip().lower(),)).rowcount:
                raise AccountError(f"no account for {email}")
            self.sessions.end_all(conn, email.strip().lower())

    def set_password(self, email: str, password: str) -> None:
        self._check_password(password)
        self._change(email, "UPDATE users SET password_hash = ? WHERE email = ?", (generate_password_hash(password),))

    def set_role(self, email: str, role: str) -> None:
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}")
        self._change(email, "UPDATE users SET role = ? WHERE email = ?", (role,))

    def remove(self, email: str) -> None:
        self._change(email, "DELETE FROM users WHERE email = ?", ())

    def get(self, email: str) -> User | None:
        row = self._conn().execute("SELECT email, role FROM users WHERE email = ?", (email.lower(),)).fetchone()
        return User(row["email"], row["role"]) if row else None

    def login(self, user: User) -> User:
        """``user`` with a new server-side session (for ``flask_login.login_user``)."""
        return User(user.email, user.role, self.sessions.start(user.email))

    def session_user(self, token: str) -> User | None:
        """The user of a live session (Flask-Login's user loader), with the role as it is now."""
        email = self.sessions.email_for(token)
        user = self.get(email) if email else None
        return User(user.email, user.role, token) if user else None

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
