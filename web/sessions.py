"""Login sessions kept on the server, so the server can end them.

The signed Flask cookie carries only a random token: ``User.get_id()`` returns
it (Flask-Login's "alternative token" pattern) and the user loader looks it up
here. The row (token hashed, so a copy of the database opens no session) says
whose session it is and since when; deleting it ends the session wherever the
cookie was copied to. Logout ends one session; a password change, role change
or removal ends all of a user's (see ``web.accounts``).

A session ends after ``SKH_SESSION_IDLE_MINUTES`` (default 120) without a
request and ``SKH_SESSION_MAX_HOURS`` (default 12) after logging in, whatever
happens. Last-seen is written at most once a minute, not on every request, so
reading pages costs no write; idle expiry is therefore accurate to a minute.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ingest.db import immediate
from web.env_settings import positive_number

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    created REAL NOT NULL,
    last_seen REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_email ON sessions (email);
CREATE INDEX IF NOT EXISTS sessions_by_last_seen ON sessions (last_seen);
"""

TOUCH_EVERY = 60.0
"""Seconds between last-seen writes for one session."""

MAX_PER_USER = 20
"""Sessions one user may hold; logging in more often ends the oldest, so rows stay bounded."""


@dataclass(frozen=True)
class Lifetimes:
    idle: float = 120 * 60.0
    """Seconds without a request after which a session ends."""
    absolute: float = 12 * 3600.0
    """Seconds after login after which a session ends."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Lifetimes:
        return cls(
            idle=positive_number("SKH_SESSION_IDLE_MINUTES", 120, env=env) * 60,
            absolute=positive_number("SKH_SESSION_MAX_HOURS", 12, env=env) * 3600,
        )


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Sessions:
    """The ``sessions`` table; shares the accounts connection so account changes end sessions atomically."""

    def __init__(
        self,
        conn: Callable[[], sqlite3.Connection],
        lifetimes: Lifetimes | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self._conn = conn
        self.lifetimes = lifetimes or Lifetimes.from_env()
        self.clock = clock  # wall time: rows outlive processes; tests set a fake clock

    def start(self, email: str) -> str:
        """A new session for ``email``; also sweeps expired rows (cheap: indexed, and only at login)."""
        token = secrets.token_urlsafe(32)
        now = self.clock()
        with immediate(self._conn()) as conn:
            conn.execute(
                "DELETE FROM sessions WHERE last_seen < ? OR created < ?",
                (now - self.lifetimes.idle, now - self.lifetimes.absolute),
            )
            conn.execute(
                "DELETE FROM sessions WHERE token_hash IN (SELECT token_hash FROM sessions WHERE email = ? "
                "ORDER BY created DESC LIMIT -1 OFFSET ?)",
                (email, MAX_PER_USER - 1),
            )
            conn.execute(
                "INSERT INTO sessions (token_hash, email, created, last_seen) VALUES (?, ?, ?, ?)",
                (_hash(token), email, now, now),
            )
        return token

    def email_for(self, token: str) -> str | None:
        """Whose live session ``token`` is, or None (unknown, ended or expired: an expired row is deleted)."""
        if not token:
            return None
        conn = self._conn()
        key = _hash(token)
        row = conn.execute("SELECT email, created, last_seen FROM sessions WHERE token_hash = ?", (key,)).fetchone()
        if row is None:
            return None
        now = self.clock()
        if now - row["last_seen"] > self.lifetimes.idle or now - row["created"] > self.lifetimes.absolute:
            conn.execute("DELETE FROM sessions WHERE token_hash = ?", (key,))
            return None
        if now - row["last_seen"] >= TOUCH_EVERY:
            conn.execute("UPDATE sessions SET last_seen = ? WHERE token_hash = ?", (now, key))
        return row["email"]

    def end(self, token: str) -> None:
        self._conn().execute("DELETE FROM sessions WHERE token_hash = ?", (_hash(token),))

    def end_all(self, conn: sqlite3.Connection, email: str) -> int:
        """Within the caller's transaction on ``conn``: every session of ``email`` ends."""
        return conn.execute("DELETE FROM sessions WHERE email = ?", (email,)).rowcount
