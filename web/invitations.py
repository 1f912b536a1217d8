"""One-time set-password links: an invitation to a new account, or a reset of an existing one.

No mail server is needed: the admin is shown the link once and passes it on. The token is random
(256 bits), only its SHA-256 is stored (a copy of the database opens nothing), it expires after
``SKH_INVITE_DAYS`` (default 7) and works once: using it deletes it in the same transaction that sets the
password. Issuing a new link for an account ends any older one, so only the latest link works.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass

from werkzeug.security import generate_password_hash

from ingest.db import immediate
from web.accounts import AccountError, Accounts

DEFAULT_DAYS = 7.0
TOKEN_CHARS = 43
"""Length of ``secrets.token_urlsafe(32)``; a path segment of another length is not looked up."""


class LinkError(AccountError):
    """The link is unknown, used, expired, or its account was deactivated."""


@dataclass(frozen=True)
class PasswordLink:
    email: str
    purpose: str
    expires: float


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitations:
    """Set-password links over the accounts database (same file, so a used link and the new password commit
    together)."""

    def __init__(self, accounts: Accounts, days: float = DEFAULT_DAYS, clock: Callable[[], float] = time.time):
        self.accounts = accounts
        self._conn = accounts.connection  # the ``password_links`` table is in the accounts schema (web.accounts)
        self.lifetime = days * 86400.0
        self.clock = clock  # wall time: links outlive processes; tests set a fake clock

    def _issue(self, conn: sqlite3.Connection, email: str, purpose: str, by: str) -> str:
        token = secrets.token_urlsafe(32)
        now = self.clock()
        conn.execute("DELETE FROM password_links WHERE expires < ? OR email = ?", (now, email))
        conn.execute(
            "INSERT INTO password_links (token_hash, email, purpose, created, expires, created_by) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (_hash(token), email, purpose, now, now + self.lifetime, by),
        )
        return token

    def invite(self, email: str, role: str, by: str) -> str:
        """A new account without a password, and the token of its set-password link."""
        user = self.accounts.add(email, role, None, by=by, action="account_invited")
        with immediate(self._conn()) as conn:
            return self._issue(conn, user.email, "invite", by)

    def reset(self, email: str, by: str) -> str:
        """The token of a new set-password link for an existing, active account (its old password works until
        the link is used)."""
        account = self.accounts.account(email)
        if account is None:
            raise AccountError(f"no account for {email}", "missing")
        if not account.active:
            raise AccountError(f"{account.email} is deactivated", "deactivated")
        with immediate(self._conn()) as conn:
            token = self._issue(conn, account.email, "reset", by)
            self.accounts.audit.record(by, "password_reset", "", account=account.email)
        return token

    def peek(self, token: str) -> PasswordLink | None:
        """The live link of ``token``, or None."""
        if len(token) != TOKEN_CHARS:
            return None
        row = (
            self._conn()
            .execute(
                "SELECT l.email, l.purpose, l.expires FROM password_links l JOIN users u ON u.email = l.email "
                "WHERE l.token_hash = ? AND l.expires >= ? AND u.active = 1",
                (_hash(token), self.clock()),
            )
            .fetchone()
        )
        return PasswordLink(row["email"], row["purpose"], row["expires"]) if row else None

    def use(self, token: str, password: str, address: str = "") -> str:
        """Set the password of ``token``'s account and end the link (and the account's sessions); the e-mail.

        Raises AccountError (a too-short password: the link still works) or LinkError (no live link)."""
        self.accounts.check_password(password)
        hashed = generate_password_hash(password)
        with immediate(self._conn()) as conn:
            link = self.peek(token)
            if link is None:
                raise LinkError("this link is unknown, used or expired", "dead_link")
            conn.execute("DELETE FROM password_links WHERE token_hash = ?", (_hash(token),))
            conn.execute("UPDATE users SET password_hash = ? WHERE email = ?", (hashed, link.email))
            self.accounts.sessions.end_all(conn, link.email)
            self.accounts.audit.record(
                link.email, "password_set", "", account=link.email, via=link.purpose, address=address
            )
        return link.email
