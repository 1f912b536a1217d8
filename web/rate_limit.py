"""Requests per client address to the search page and the API, shared by all workers.

The count lives in a small SQLite file of its own (``ratelimit.sqlite3`` in the
data dir, so it never waits on the accounts database), which every ``skh serve``
worker shares and a restart keeps. ``SKH_RATE_LIMIT`` (default "300/minute";
"0" or "off" turns it off) uses the ``limits`` library's notation.

The window slides approximately (the previous fixed window's count weighted by
how much of it still overlaps, plus the current one's), so a client cannot
send twice the limit across a window boundary. One request costs one UPSERT in
autocommit mode: one short write transaction (WAL, synchronous=NORMAL: no
fsync). If the file stays locked beyond a short wait the request is let
through: the limit protects the service and must not become its outage.
"""

from __future__ import annotations

import math
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import limits

from ingest.db import ThreadConnections

SCHEMA = """
CREATE TABLE IF NOT EXISTS request_counts (
    address TEXT PRIMARY KEY,
    slot INTEGER NOT NULL,
    count INTEGER NOT NULL,
    previous INTEGER NOT NULL
) WITHOUT ROWID;
"""

_HIT = """
INSERT INTO request_counts (address, slot, count, previous) VALUES (?, ?, 1, 0)
ON CONFLICT (address) DO UPDATE SET
    previous = CASE WHEN slot = excluded.slot THEN previous WHEN slot = excluded.slot - 1 THEN count ELSE 0 END,
    count = CASE WHEN slot = excluded.slot THEN count + 1 ELSE 1 END,
    slot = excluded.slot
RETURNING count, previous
"""

BUSY_MS = 2000
SWEEP_EVERY = 1000
"""Hits (per process) between deletions of other addresses' stale rows."""


@dataclass(frozen=True)
class Rate:
    amount: int
    period: float  # seconds

    @classmethod
    def parse(cls, text: str) -> Rate | None:
        """ "300/minute", "10 per second", ...; None for "0", "off" or empty (no limit)."""
        text = text.strip().lower()
        if text in ("", "0", "off", "none"):
            return None
        try:
            item = limits.parse(text)
        except ValueError as exc:
            raise ValueError(f"SKH_RATE_LIMIT: {text!r} is not a rate such as 300/minute") from exc
        return cls(item.amount, float(item.get_expiry())) if item.amount > 0 else None


class RequestCounter:
    def __init__(self, path: Path, clock: Callable[[], float] = time.time):
        self._connections = ThreadConnections(path, SCHEMA)
        self._local = threading.local()
        self._hits = 0
        self.clock = clock

    def _conn(self) -> sqlite3.Connection:
        conn = self._connections.get()
        if not getattr(self._local, "ready", False):
            conn.execute(f"PRAGMA busy_timeout={BUSY_MS}")
            self._local.ready = True
        return conn

    def hit(self, address: str, rate: Rate) -> float:
        """Count one request from ``address``; 0 if within ``rate``, else seconds until one would be."""
        now = self.clock() / rate.period
        slot = math.floor(now)
        try:
            conn = self._conn()
            count, previous = conn.execute(_HIT, (address, slot)).fetchone()
            self._hits += 1
            if self._hits % SWEEP_EVERY == 0:
                conn.execute("DELETE FROM request_counts WHERE slot < ?", (slot - 1,))
        except sqlite3.OperationalError:
            return 0.0
        return retry_after(count, previous, now - slot, rate)


def retry_after(count: int, previous: int, elapsed: float, rate: Rate) -> float:
    """Seconds until the weighted count leaves room for one more request (0: within the rate now).

    ``elapsed`` is how far into the current window we are (0..1); the estimate is
    ``previous * (1 - elapsed) + count``, the usual sliding-window approximation.
    """
    if previous * (1 - elapsed) + count <= rate.amount:
        return 0.0
    if count < rate.amount:  # the previous window's share must fade by the excess
        fraction = (previous * (1 - elapsed) + count - (rate.amount - 1)) / previous
        return max(1.0, fraction * rate.period)
    # This window alone is full: wait for the next, until this one's share has faded enough.
    fade = 1 - (rate.amount - 1) / count
    return max(1.0, ((1 - elapsed) + fade) * rate.period)


def install(app, counter: RequestCounter, rate: Rate | None, address: Callable[[], str]) -> None:
    """Count requests to the API, the search page and login posts; refuse those over ``rate`` with 429."""
    from flask import render_template, request

    from web.api_errors import error_response, is_api_request
    from web.messages import too_many_requests

    if rate is None:
        return

    @app.before_request
    def limit_requests():
        path = request.path
        if not (path.startswith("/api/") or path == "/search" or (path == "/login" and request.method == "POST")):
            return None
        wait = counter.hit(address(), rate)
        if not wait:
            return None
        seconds = math.ceil(round(wait, 6))  # 80.00000000001 s of float error is not 81
        if is_api_request():  # the API's error body, in English
            message = f"Too many requests from your address. Try again in {seconds} seconds."
            response = error_response(429, message, retry_after=seconds)
        else:
            message = too_many_requests(seconds)
            response = app.make_response(render_template("error.html", code=429, message=message))
        response.status_code = 429
        response.headers["Retry-After"] = str(seconds)
        return response
