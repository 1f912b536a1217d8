"""Bulk uploads from the browser: each batch and each of its files' outcome, kept in SQLite.

A batch page survives a reload, a closed tab and a server restart because everything it shows is here: the
files received (their bytes wait in a spool folder until the background job, :mod:`web.batch_worker`, has
extracted them), and for each file what came of it: extracted (then a pending upload, ``web.uploads``, holds
the document until it is published), duplicate, refused with a reason, published or discarded. Each file's
outcome is written as soon as it is known, so a batch that stops half-way loses nothing it had done.

A file is claimed by one worker at a time (an ``UPDATE`` of its status); a claim older than
:data:`STALE_CLAIM` (a worker that died) is taken over, so several server processes can share the queue.
"""

from __future__ import annotations

import json
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from ingest.db import ThreadConnections, immediate
from ingest.reasons import Reason

_SCHEMA = """
CREATE TABLE IF NOT EXISTS upload_batches (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    visibility TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
);
CREATE TABLE IF NOT EXISTS batch_files (
    batch_id TEXT NOT NULL REFERENCES upload_batches(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    token TEXT NOT NULL DEFAULT '',
    doc_id TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    claimed_at REAL,
    tries INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (batch_id, position)
);
CREATE INDEX IF NOT EXISTS batch_files_status ON batch_files(status);
"""

WAITING, WORKING = "waiting", "working"
EXTRACTED, DUPLICATE, REFUSED, PUBLISHED, DISCARDED = "extracted", "duplicate", "refused", "published", "discarded"
STALE_CLAIM = 15 * 60.0
"""Seconds after which a file another worker claimed but never finished is claimed again (that worker died)."""
BATCH_ID = r"[0-9a-f]{16}"


def reason_json(said: Reason | str) -> str:
    def plain(value: object) -> object:
        if isinstance(value, Reason):
            return {"code": value.code, "text": str(value), "params": {k: plain(v) for k, v in value.params.items()}}
        return value if isinstance(value, (int, float, str)) or value is None else str(value)

    return json.dumps(plain(said) if isinstance(said, Reason) else {"text": str(said)}, ensure_ascii=False)


def reason_from(stored: str) -> Reason | str:
    """The reason as it was given (a :class:`Reason`, so the interface can say it in its language)."""

    def build(value: object) -> object:
        if isinstance(value, dict) and "text" in value:
            if "code" not in value:
                return value["text"]
            params = {k: build(v) for k, v in value.get("params", {}).items()}
            return Reason(value["code"], value["text"], **params)
        return value

    return build(json.loads(stored)) if stored else ""


@dataclass
class BatchFile:
    batch_id: str
    position: int
    name: str
    status: str
    reason: Reason | str = ""
    token: str = ""
    doc_id: str = ""
    title: str = ""
    tries: int = 0
    """How many times a worker took it (a file whose parse ran out of time is given one more go)."""


@dataclass
class Batch:
    id: str
    owner: str
    visibility: str
    created_at: str


@dataclass
class BatchSummary:
    """One of a person's recent batches, as the upload page lists it."""

    id: str
    created_at: str
    files: int
    published: int
    to_review: int
    """Extracted and still reviewable (a review waits a day, ``web.uploads``)."""
    waiting: int
    """Not reached by the background job yet."""


KEPT_DAYS = 30
"""How long a batch's page is kept (``skh gc`` forgets older ones; its documents stay, of course)."""


@dataclass
class Claimed:
    """A file a worker took from the queue: where its bytes wait and whose batch it is."""

    file: BatchFile
    owner: str
    visibility: str
    path: Path


class Batches:
    def __init__(self, path: Path, spool: Path):
        self._conn = ThreadConnections(path, _SCHEMA).get
        self.spool = spool

    def create(self, owner: str, visibility: str) -> str:
        batch_id = secrets.token_hex(8)
        self._conn().execute(
            "INSERT INTO upload_batches (id, owner, visibility) VALUES (?, ?, ?)", (batch_id, owner, visibility)
        )
        return batch_id

    def get(self, owner: str, batch_id: str) -> Batch | None:
        row = (
            self._conn()
            .execute(
                "SELECT id, owner, visibility, created_at FROM upload_batches WHERE id = ? AND owner = ?",
                (batch_id, owner),
            )
            .fetchone()
        )
        return Batch(*row) if row else None

    def count(self, batch_id: str) -> int:
        return self._conn().execute("SELECT count(*) FROM batch_files WHERE batch_id = ?", (batch_id,)).fetchone()[0]

    def unfinished(self, owner: str) -> int:
        """How many of ``owner``'s batches still have files waiting (a bound on what one person queues)."""
        return (
            self._conn()
            .execute(
                "SELECT count(DISTINCT b.id) FROM upload_batches b JOIN batch_files f ON f.batch_id = b.id "
                "WHERE b.owner = ? AND f.status IN (?, ?)",
                (owner, WAITING, WORKING),
            )
            .fetchone()[0]
        )

    def recent(self, owner: str, days: int = 7, limit: int = 5) -> list[BatchSummary]:
        """``owner``'s batches of the last ``days`` days, newest first, with what came of their files."""
        rows = self._conn().execute(
            "SELECT b.id, b.created_at, count(f.position), coalesce(sum(f.status = ?), 0), "
            "coalesce(sum(f.status = ? AND b.created_at >= strftime('%Y-%m-%dT%H:%M:%SZ','now','-1 day')), 0), "
            "coalesce(sum(f.status IN (?, ?)), 0) "
            "FROM upload_batches b LEFT JOIN batch_files f ON f.batch_id = b.id "
            "WHERE b.owner = ? AND b.created_at >= strftime('%Y-%m-%dT%H:%M:%SZ','now',?) "
            "GROUP BY b.id ORDER BY b.created_at DESC, b.id LIMIT ?",
            (PUBLISHED, EXTRACTED, WAITING, WORKING, owner, f"-{int(days)} days", limit),
        )
        return [BatchSummary(*row) for row in rows]

    def forget_older_than(self, days: float = KEPT_DAYS) -> int:
        """Forget the batches made more than ``days`` days ago, with any bytes still spooled; how many."""
        conn = self._conn()
        cutoff = f"-{float(days)} days"
        with immediate(conn):
            old = [
                row[0]
                for row in conn.execute(
                    "SELECT id FROM upload_batches WHERE created_at < strftime('%Y-%m-%dT%H:%M:%SZ','now',?)",
                    (cutoff,),
                )
            ]
            for batch_id in old:
                conn.execute("DELETE FROM batch_files WHERE batch_id = ?", (batch_id,))
                conn.execute("DELETE FROM upload_batches WHERE id = ?", (batch_id,))
        for batch_id in old:
            shutil.rmtree(self.spool / batch_id, ignore_errors=True)
        return len(old)

    def _spooled(self, batch_id: str, position: int) -> Path:
        return self.spool / batch_id / str(position)

    def add(self, batch_id: str, name: str, data: bytes | None = None, refused: Reason | str = "") -> BatchFile:
        """Record one received file: waiting with its bytes spooled, or refused with the reason."""
        conn = self._conn()
        with immediate(conn):
            position = conn.execute(
                "SELECT coalesce(max(position), -1) + 1 FROM batch_files WHERE batch_id = ?", (batch_id,)
            ).fetchone()[0]
            status = REFUSED if data is None else WAITING
            if data is not None:
                path = self._spooled(batch_id, position)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            conn.execute(
                "INSERT INTO batch_files (batch_id, position, name, status, reason) VALUES (?, ?, ?, ?, ?)",
                (batch_id, position, name, status, reason_json(refused) if refused else ""),
            )
        return BatchFile(batch_id, position, name, status, refused)

    def has_waiting(self, now: float) -> bool:
        row = (
            self._conn()
            .execute(
                "SELECT 1 FROM batch_files WHERE status = ? OR (status = ? AND claimed_at < ?) LIMIT 1",
                (WAITING, WORKING, now - STALE_CLAIM),
            )
            .fetchone()
        )
        return row is not None

    def claim(self, now: float) -> Claimed | None:
        """The next file waiting in any batch (or claimed by a worker that died), now this worker's."""
        conn = self._conn()
        with immediate(conn):
            row = conn.execute(
                "SELECT f.batch_id, f.position, f.name, b.owner, b.visibility, f.tries FROM batch_files f "
                "JOIN upload_batches b ON b.id = f.batch_id "
                "WHERE f.status = ? OR (f.status = ? AND f.claimed_at < ?) ORDER BY b.created_at, f.position LIMIT 1",
                (WAITING, WORKING, now - STALE_CLAIM),
            ).fetchone()
            if row is None:
                return None
            conn.execute(
                "UPDATE batch_files SET status = ?, claimed_at = ?, tries = tries + 1 "
                "WHERE batch_id = ? AND position = ?",
                (WORKING, now, row[0], row[1]),
            )
        file = BatchFile(row[0], row[1], row[2], WORKING, tries=row[5] + 1)
        return Claimed(file, row[3], row[4], self._spooled(row[0], row[1]))

    def finish(
        self,
        file: BatchFile,
        status: str,
        reason: Reason | str = "",
        token: str = "",
        doc_id: str = "",
        title: str = "",
    ) -> None:
        """Record what came of one file, and drop its spooled bytes (the store or the outcome has them now)."""
        self._conn().execute(
            "UPDATE batch_files SET status = ?, reason = ?, token = ?, doc_id = ?, title = ?, claimed_at = NULL "
            "WHERE batch_id = ? AND position = ?",
            (status, reason_json(reason) if reason else "", token, doc_id, title, file.batch_id, file.position),
        )
        self._spooled(file.batch_id, file.position).unlink(missing_ok=True)

    def retry(self, file: BatchFile) -> None:
        """Put a claimed file back in the queue (its bytes are still spooled)."""
        self._conn().execute(
            "UPDATE batch_files SET status = ?, claimed_at = NULL WHERE batch_id = ? AND position = ?",
            (WAITING, file.batch_id, file.position),
        )

    def files(self, batch_id: str) -> list[BatchFile]:
        rows = self._conn().execute(
            "SELECT batch_id, position, name, status, reason, token, doc_id, title, tries FROM batch_files "
            "WHERE batch_id = ? ORDER BY position",
            (batch_id,),
        )
        return [BatchFile(r[0], r[1], r[2], r[3], reason_from(r[4]), r[5], r[6], r[7], r[8]) for r in rows]

    def by_token(self, batch_id: str, token: str) -> BatchFile | None:
        return next((f for f in self.files(batch_id) if f.token == token and f.status == EXTRACTED), None)
