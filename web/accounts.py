"""Staff and member accounts, and the audit log, in their own SQLite file.

Accounts are not documents: they live beside the catalog (``accounts.sqlite3``
in the data dir) so the catalog stays the documents' source of truth and can
be shared or rebuilt without credentials in it. Passwords are hashed with
Werkzeug's current default (scrypt); no account or password ships.
Login sessions live in the same file (``web.sessions``): changing a user's
password or role, deactivating or removing the user, ends all their sessions in
the same transaction, so an old cookie cannot outlive the change. A change made
``by`` someone is written to the audit log (``web.audit_store``) in that
transaction too, so the log never misses a change that happened.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from ingest.db import ThreadConnections, immediate
from web import audit_store, sessions
from web.audit_store import AuditEntry, AuditLog, AuditQuery

ROLES = ("member", "staff", "admin")
MIN_PASSWORD = 10

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    email TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('member', 'staff', 'admin')),
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
);
CREATE TABLE IF NOT EXISTS password_links (
    token_hash TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    purpose TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
    created REAL NOT NULL,
    expires REAL NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS password_links_by_email ON password_links (email);
"""
# password_links: web.invitations' one-time set-password links (hashed tokens). Here so that removing an account
# ends its links in the same transaction: a link must never open an account later made with the same e-mail.

_ADDED_COLUMNS = {
    # Columns newer than the first users table: added in place to an older accounts file (see _migrate).
    "active": "INTEGER NOT NULL DEFAULT 1",
    "last_login": "TEXT NOT NULL DEFAULT ''",
}

_END_LINKS = "DELETE FROM password_links WHERE email = ?"

NO_PASSWORD = ""
"""The hash of an invited account until its set-password link is used: it matches no password."""


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message says why (in English, for the command line),
    ``code`` says which kind of refusal it is (for the pages to say it in the interface language)."""

    def __init__(self, message: str, code: str = "other"):
        super().__init__(message)
        self.code = code


class LastAdmin(AccountError):
    """The change would leave the hub without an active admin (nobody could manage accounts in the browser)."""

    def __init__(self, message: str):
        super().__init__(message, "last_admin")


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
class Account:
    """One row of the users page: an account as an admin sees it (never its password hash)."""

    email: str
    role: str
    active: bool
    has_password: bool
    last_login: str
    created_at: str


_CONTAINS = "WHERE email LIKE ? ESCAPE '\\'"


def _contains(text: str) -> str:
    """A LIKE pattern for addresses containing ``text``: its own ``%`` and ``_`` are plain letters."""
    return "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class Accounts:
    def __init__(self, path: Path, lifetimes: sessions.Lifetimes | None = None):
        self._conn = ThreadConnections(path, _SCHEMA + sessions.SCHEMA + audit_store.SCHEMA).get
        self._migrate(self._conn())
        self.sessions = sessions.Sessions(self._conn, lifetimes)
        self.audit = AuditLog(self._conn)

    def connection(self) -> sqlite3.Connection:
        """This thread's connection to the accounts file (``web.invitations`` keeps its table there too)."""
        return self._conn()

    def _migrate(self, conn: sqlite3.Connection) -> None:
        """Bring an accounts file written by an older version up to date (adds the users' newer columns)."""

        def missing() -> list[str]:
            have = {row["name"] for row in conn.execute("PRAGMA table_info(users)")}
            return [name for name in _ADDED_COLUMNS if name not in have]

        if missing():
            with immediate(conn):
                for name in missing():  # again inside the lock: another process may have migrated meanwhile
                    conn.execute(f"ALTER TABLE users ADD COLUMN {name} {_ADDED_COLUMNS[name]}")

    # -- users ---------------------------------------------------------------

    @staticmethod
    def _normal_email(email: str) -> str:
        email = email.strip().lower()
        if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
            raise AccountError(f"not an e-mail address: {email!r}", "not_email")
        return email

    @staticmethod
    def check_password(password: str) -> None:
        """The one password rule, shared by the CLI, the set-password page and invitations."""
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"passwords need at least {MIN_PASSWORD} characters", "short_password")

    @staticmethod
    def _check_role(role: str) -> None:
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}", "role")

    def add(self, email: str, role: str, password: str | None, by: str = "", action: str = "account_created") -> User:
        """A new account; ``password=None`` makes one that cannot log in until its set-password link is used
        (an invitation, ``web.invitations``). ``by`` names who did it, for the audit log."""
        email = self._normal_email(email)
        self._check_role(role)
        if password is not None:
            self.check_password(password)
        hashed = NO_PASSWORD if password is None else generate_password_hash(password)
        try:
            with immediate(self._conn()) as conn:
                conn.execute("INSERT INTO users (email, role, password_hash) VALUES (?, ?, ?)", (email, role, hashed))
                if by:
                    self.audit.record(by, action, "", account=email, role=role)
        except sqlite3.IntegrityError as exc:
            raise AccountError(f"{email} already has an account", "exists") from exc
        return User(email, role)

    def _row(self, conn: sqlite3.Connection, email: str) -> sqlite3.Row:
        row = conn.execute("SELECT email, role, active FROM users WHERE email = ?", (email,)).fetchone()
        if row is None:
            raise AccountError(f"no account for {email}", "missing")
        return row

    def _keep_an_admin(self, conn: sqlite3.Connection, row: sqlite3.Row) -> None:
        """Refuse a change that would leave no active admin (the web's lock-out guard; the CLI is the way back)."""
        if row["role"] != "admin" or not row["active"]:
            return
        others = conn.execute(
            "SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1 AND email != ?", (row["email"],)
        ).fetchone()[0]
        if not others:
            raise LastAdmin(f"{row['email']} is the last active admin")

    def _change(
        self,
        email: str,
        sql: str,
        params: tuple[object, ...],
        by: str,
        action: str,
        keep_admin: bool = False,
        also: str = "",
        **detail: object,
    ) -> sqlite3.Row:
        """Change one user's row, end all their sessions and record it, in one transaction; the row before.
        ``also``: one more statement about the same e-mail (its only parameter) in that transaction."""
        email = email.strip().lower()
        with immediate(self._conn()) as conn:
            before = self._row(conn, email)
            if keep_admin:
                self._keep_an_admin(conn, before)
            conn.execute(sql, params + (email,))
            if also:
                conn.execute(also, (email,))
            self.sessions.end_all(conn, email)
            if by:
                self.audit.record(by, action, "", account=email, **detail)
        return before

    def set_password(self, email: str, password: str, by: str = "", action: str = "password_changed") -> None:
        self.check_password(password)
        sql = "UPDATE users SET password_hash = ? WHERE email = ?"
        self._change(email, sql, (generate_password_hash(password),), by, action)

    def set_role(self, email: str, role: str, by: str = "", keep_admin: bool = False) -> None:
        self._check_role(role)
        current = self.account(email)
        if current is None:
            raise AccountError(f"no account for {email}", "missing")
        sql = "UPDATE users SET role = ? WHERE email = ?"
        guard = keep_admin and role != "admin"
        self._change(email, sql, (role,), by, "role_changed", guard, changes={"role": [current.role, role]})

    def set_active(self, email: str, active: bool, by: str = "", keep_admin: bool = False) -> None:
        """Deactivate (cannot log in, sessions end at once) or reactivate an account."""
        action = "account_reactivated" if active else "account_deactivated"
        sql = "UPDATE users SET active = ? WHERE email = ?"
        links = "" if active else _END_LINKS  # reactivating must not bring an old link back to life
        self._change(email, sql, (int(active),), by, action, keep_admin and not active, also=links)

    def remove(self, email: str, by: str = "") -> None:
        # No link may open a later account of that e-mail.
        self._change(email, "DELETE FROM users WHERE email = ?", (), by, "account_removed", also=_END_LINKS)

    def get(self, email: str) -> User | None:
        """The account of ``email`` if it exists and is active."""
        row = (
            self._conn()
            .execute("SELECT email, role FROM users WHERE email = ? AND active = 1", (email.strip().lower(),))
            .fetchone()
        )
        return User(row["email"], row["role"]) if row else None

    def account(self, email: str) -> Account | None:
        """The account of ``email`` as the users page shows it, active or not."""
        rows = self._accounts("WHERE email = ?", (email.strip().lower(),))
        return rows[0] if rows else None

    def accounts(self) -> list[Account]:
        return self._accounts("", ())

    def count_matching(self, text: str = "") -> int:
        """How many accounts have an address containing ``text`` (any case)."""
        return self._conn().execute(f"SELECT count(*) FROM users {_CONTAINS}", (_contains(text),)).fetchone()[0]

    def find(self, text: str = "", offset: int = 0, limit: int = 50) -> list[Account]:
        """The accounts whose address contains ``text`` (any case), ``limit`` from ``offset`` by address (the
        admin's users page, a page at a time)."""
        return self._accounts(_CONTAINS, (_contains(text),), " LIMIT ? OFFSET ?", (limit, offset))

    def _accounts(
        self, where: str, params: tuple[object, ...], page: str = "", page_params: tuple[int, ...] = ()
    ) -> list[Account]:
        columns = "email, role, active, password_hash, last_login, created_at"
        sql = f"SELECT {columns} FROM users {where} ORDER BY email{page}"
        return [
            Account(
                r["email"],
                r["role"],
                bool(r["active"]),
                r["password_hash"] != NO_PASSWORD,
                r["last_login"],
                r["created_at"],
            )
            for r in self._conn().execute(sql, params + page_params)
        ]

    def login(self, user: User, address: str = "") -> User:
        """``user`` with a new server-side session (for ``flask_login.login_user``); the login is recorded."""
        token = self.sessions.start(user.email)
        conn = self._conn()
        conn.execute(
            "UPDATE users SET last_login = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE email = ?", (user.email,)
        )
        self.audit.record(user.email, "login", "", address=address)
        return User(user.email, user.role, token)

    def session_user(self, token: str) -> User | None:
        """The user of a live session (Flask-Login's user loader), with the role as it is now."""
        email = self.sessions.email_for(token)
        user = self.get(email) if email else None
        return User(user.email, user.role, token) if user else None

    def all(self) -> list[User]:
        rows = self._conn().execute("SELECT email, role FROM users ORDER BY email")
        return [User(r["email"], r["role"]) for r in rows]

    def authenticate(self, email: str, password: str) -> User | None:
        """The user if ``password`` is theirs and the account is active and has a password; else None."""
        row = (
            self._conn()
            .execute("SELECT email, role, password_hash, active FROM users WHERE email = ?", (email.strip().lower(),))
            .fetchone()
        )
        if row is None or row["password_hash"] == NO_PASSWORD or not row["active"]:
            check_password_hash(_DUMMY_HASH, password)  # same work either way: no timing oracle
            return None
        return User(row["email"], row["role"]) if check_password_hash(row["password_hash"], password) else None

    # -- audit ---------------------------------------------------------------

    def record(self, actor: str, action: str, doc_id: str, **detail: object) -> None:
        """Write one event to the audit log (``web.audit_store``); any action name is accepted."""
        self.audit.record(actor, action, doc_id, **detail)

    def audit_log(self, limit: int = 200, offset: int = 0, query: AuditQuery | None = None) -> list[AuditEntry]:
        """The newest events first, optionally filtered."""
        return self.audit.entries(query or AuditQuery(), limit, offset)


_DUMMY_HASH = generate_password_hash("not a real password, only for equal timing")
