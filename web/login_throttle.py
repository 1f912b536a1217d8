"""Failed logins counted in the accounts database, with exponential back-off.

Counted in SQLite, not in a worker's memory, so every ``skh serve`` worker
sees the same count and a restart does not forget it. Three counters, each
forgotten an hour (``FORGET_AFTER``) after its last failure:

* per (account, address): ``SKH_LOGIN_FREE_FAILURES`` (default 5) failures
  are free, then each further failure makes the pair wait
  ``SKH_LOGIN_BACKOFF_SECONDS`` (default 60), doubling up to
  ``SKH_LOGIN_BACKOFF_MAX_SECONDS`` (default 900). A correct login clears it.
* per account, from all addresses (guessing spread over many addresses):
  the same back-off after four times as many failures. It is not applied
  from an address where the account logged in correctly in the last 30 days,
  so an attacker elsewhere cannot keep the owner out.
* per address, over all accounts (one address trying many accounts): the
  same back-off after four times as many failures, but only for accounts
  that already failed from that address. A correct login of another account
  from a busy address (colleagues behind one office NAT or proxy) still goes
  through; a sprayer gets one guess per account instead of five.

While backed off the password is not checked at all: the answer is 429 with
the wait, so the answer says nothing about the password. Each admitted
attempt is counted as a failure *before* its password is checked, and a
correct login takes it back: parallel requests cannot slip past the count
while the slow password hash runs.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ingest.db import ThreadConnections, immediate
from web.env_settings import positive_number

SCHEMA = """
CREATE TABLE IF NOT EXISTS login_failures (
    scope TEXT NOT NULL CHECK (scope IN ('pair', 'account', 'address')),
    key TEXT NOT NULL,
    failures INTEGER NOT NULL,
    last_at REAL NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX IF NOT EXISTS login_failures_by_age ON login_failures (last_at);
CREATE TABLE IF NOT EXISTS login_known (
    email TEXT NOT NULL,
    address TEXT NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (email, address)
);
CREATE INDEX IF NOT EXISTS login_known_by_age ON login_known (at);
"""

WIDER_FACTOR = 4
"""The account-wide and address-wide counters allow this many times the pair's free failures."""

FORGET_AFTER = 3600.0
"""Seconds after its last failure that a counter is dropped."""

KNOWN_FOR = 30 * 86400.0
"""Seconds an address where an account logged in correctly stays exempt from that account's wide counter."""


@dataclass(frozen=True)
class Backoff:
    free: int = 5
    first_wait: float = 60.0
    max_wait: float = 900.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Backoff:
        return cls(
            free=int(positive_number("SKH_LOGIN_FREE_FAILURES", 5, whole=True, env=env)),
            first_wait=positive_number("SKH_LOGIN_BACKOFF_SECONDS", 60, env=env),
            max_wait=positive_number("SKH_LOGIN_BACKOFF_MAX_SECONDS", 900, env=env),
        )

    def wait(self, failures: int, free: int) -> float:
        """Seconds to wait after the last of ``failures``: none while under ``free``, then doubling to the cap."""
        if failures < free:
            return 0.0
        return min(self.first_wait * 2.0 ** min(failures - free, 32), self.max_wait)


class LoginThrottle:
    def __init__(self, path: Path, backoff: Backoff | None = None, clock: Callable[[], float] = time.time):
        self._conn = ThreadConnections(path, SCHEMA).get
        self.backoff = backoff or Backoff.from_env()
        self.clock = clock  # wall time: counts outlive processes; tests set a fake clock

    @staticmethod
    def _keys(email: str, address: str) -> dict[str, str]:
        email = email.strip().lower()[:254]
        return {"pair": f"{email}\n{address}", "account": email, "address": address}

    def _wait(self, conn: sqlite3.Connection, scope: str, key: str, free: int, now: float) -> tuple[int, float]:
        row = conn.execute(
            "SELECT failures, last_at FROM login_failures WHERE scope = ? AND key = ?", (scope, key)
        ).fetchone()
        if row is None:
            return 0, 0.0
        return row["failures"], max(0.0, row["last_at"] + self.backoff.wait(row["failures"], free) - now)

    def admit(self, email: str, address: str) -> float:
        """0 if this attempt may check its password (it is then counted as failed until ``succeeded``),
        else the seconds to wait first."""
        keys = self._keys(email, address)
        now = self.clock()
        free = self.backoff.free
        with immediate(self._conn()) as conn:
            forget = max(FORGET_AFTER, 2 * self.backoff.max_wait)  # never before the longest wait is over
            conn.execute("DELETE FROM login_failures WHERE last_at < ?", (now - forget,))
            pair_failures, wait = self._wait(conn, "pair", keys["pair"], free, now)
            known = conn.execute(
                "SELECT 1 FROM login_known WHERE email = ? AND address = ? AND at > ?",
                (keys["account"], address, now - KNOWN_FOR),
            ).fetchone()
            if not known:
                wait = max(wait, self._wait(conn, "account", keys["account"], free * WIDER_FACTOR, now)[1])
            if pair_failures:
                wait = max(wait, self._wait(conn, "address", keys["address"], free * WIDER_FACTOR, now)[1])
            if wait > 0:
                return wait
            conn.executemany(
                "INSERT INTO login_failures (scope, key, failures, last_at) VALUES (?, ?, 1, ?) "
                "ON CONFLICT (scope, key) DO UPDATE SET failures = failures + 1, last_at = excluded.last_at",
                [(scope, key, now) for scope, key in keys.items()],
            )
        return 0.0

    def succeeded(self, email: str, address: str) -> None:
        """The admitted attempt was correct: clear the pair, take the attempt back from the wide counters,
        and remember the address as one this account logs in from."""
        keys = self._keys(email, address)
        now = self.clock()
        with immediate(self._conn()) as conn:
            conn.execute("DELETE FROM login_failures WHERE scope = 'pair' AND key = ?", (keys["pair"],))
            conn.executemany(
                "UPDATE login_failures SET failures = failures - 1 WHERE scope = ? AND key = ? AND failures > 0",
                [("account", keys["account"]), ("address", keys["address"])],
            )
            conn.execute("DELETE FROM login_known WHERE at < ?", (now - KNOWN_FOR,))
            conn.execute(
                "INSERT INTO login_known (email, address, at) VALUES (?, ?, ?) "
                "ON CONFLICT (email, address) DO UPDATE SET at = excluded.at",
                (keys["account"], address, now),
            )
