"""The background job that extracts a browser's bulk upload, one file at a time, in the server process.

One thread per server process takes the waiting files from :class:`web.batches.Batches` (the queue is in
SQLite, so it survives a restart and several processes can share it) and runs them through the same steps
as a single upload: a duplicate of a published document is said so, the rest is extracted in one parser
child under the limits (``Ingestor.extract_each``), its original stored and the document parked for review
(``web.uploads``). Nothing here writes the index: publishing, from the batch page, goes through the one
writer (``web.write_wait.bounded_write``). Each file's outcome is recorded as soon as it is known; an
unexpected failure costs that file (recorded with the reason), never the thread or the rest of the batch.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ingest.pipeline import IngestError
from ingest.reasons import reason
from ingest.sandbox import Extracted
from ingest.store import sha256_of, store
from web.batches import DUPLICATE, EXTRACTED, REFUSED, Claimed

if TYPE_CHECKING:
    from web.hub import Hub

log = logging.getLogger(__name__)

RETRIED = ("timeout", "killed", "crashed", "exited")
TRIES = 2
"""A file whose parser child ran out of time or died is given one more go in a fresh child before it is
refused: the server forks its children from a process whose other threads serve requests, and a child forked
while one of them held a lock it then needs hangs (seen in tests: a 1 s PDF "took longer than 60 s" once in a
few runs). A file that is hostile costs one limit more; the batch is a background job."""

IDLE_WAIT_S = 30.0
"""How long the thread sleeps when the queue is empty before it looks again (a file another process queued)."""


class BatchWorker:
    """The server process's one bulk-upload job; :meth:`wake` after queueing files."""

    def __init__(self, hub: Hub):
        self.hub = hub
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def wake(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="skh-batch-worker", daemon=True)
                self._thread.start()
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                self.drain()
            except Exception:  # noqa: BLE001 - the job must outlive any one failure; each file's is recorded
                log.exception("bulk upload job failed; it goes on with the next file")
            self._wake.wait(IDLE_WAIT_S)

    def drain(self) -> int:
        """Work until no file waits; returns how many files it finished."""
        if not self.hub.batches.has_waiting(time.time()):
            return 0  # no parser child is started for nothing
        claimed: list[tuple[Claimed, bytes]] = []
        settled = [0]
        try:
            for extracted in self.hub.ingestor.extract_each(self._extractable(claimed, settled)):
                item, data = claimed.pop(0)
                self._finish(item, data, extracted)
                settled[0] += 1
        except Exception as exc:  # noqa: BLE001 - the parser pool itself failed: the files it held say so
            log.exception("bulk upload: the parser pool failed")
            for item, _data in claimed:
                self.hub.batches.finish(item.file, REFUSED, reason("parser_failed", error=str(exc)[:160]))
        return settled[0]

    def _extractable(
        self, claimed: list[tuple[Claimed, bytes]], settled: list[int]
    ) -> Iterator[tuple[bytes, str, str, dict[str, object]]]:
        """The queue as the parser child reads it: claimed files that still need extracting. Duplicates and
        unreadable spool files are finished here and never reach the child."""
        batches = self.hub.batches
        while (item := batches.claim(time.time())) is not None:
            try:
                data = item.path.read_bytes()
            except OSError as exc:
                batches.finish(item.file, REFUSED, reason("unreadable", error=str(exc.strerror or exc)))
                settled[0] += 1
                continue
            digest = sha256_of(data)
            existing = self.hub.catalog.by_sha256(digest)
            if existing is not None:
                batches.finish(item.file, DUPLICATE, doc_id=existing.id, title=existing.title)
                settled[0] += 1
                continue
            if (trashed := self.hub.catalog.trashed_with_sha256(digest)) is not None:
                batches.finish(item.file, REFUSED, reason("in_trash", doc_id=trashed.doc.id, title=trashed.doc.title))
                settled[0] += 1
                continue
            claimed.append((item, data))
            name = item.file.name.rsplit("/", 1)[-1]
            yield data, name, f"upload:{digest}", {"visibility": item.visibility}

    def _finish(self, item: Claimed, data: bytes, extracted: Extracted | IngestError) -> None:
        batches = self.hub.batches
        if isinstance(extracted, IngestError):
            if getattr(extracted.reason, "code", "") in RETRIED and item.file.tries < TRIES:
                batches.retry(item.file)  # taken again next, by the fresh child pebble started for the one stopped
                return
            batches.finish(item.file, REFUSED, extracted.reason)
            return
        doc = extracted.doc
        try:
            store(self.hub.datadir.originals, data)
            token = self.hub.pending.park(item.owner, doc, extracted.facts)
            store(self.hub.datadir.originals, data)  # again: see ingest.orphans on a removal racing a park
        except Exception as exc:  # noqa: BLE001 - a full disk costs this file, recorded; the batch goes on
            log.exception("bulk upload: %s could not be parked", item.file.name)
            batches.finish(item.file, REFUSED, reason("save_failed", error=str(exc)[:160]))
            return
        batches.finish(item.file, EXTRACTED, token=token, doc_id=doc.id, title=doc.title)
