"""Files a browser sends for a bulk upload, received into a batch: each one waits for the background job or
is refused at once with the reason (too large, a ZIP member that climbs out of its folder, a ZIP bomb, the
batch is full). The limits are those of ``skh ingest`` (``SKH_MAX_FILE_MB``) and of Word archives
(:mod:`ingest.zipsafety`, through :mod:`ingest.archive`); nothing is parsed here."""

from __future__ import annotations

from werkzeug.datastructures import FileStorage

from ingest.archive import RefusedArchive, batch_full, is_archive_name, unpack
from ingest.limits import MB
from ingest.reasons import reason
from web.batches import Batches, BatchFile
from web.hub import Hub

MAX_BATCH_FILES = 200
"""Files one batch may hold (a ZIP's members count one each): what one person reviews on one page."""
MAX_OPEN_BATCHES = 3
"""Batches one person may have waiting for the job at once, so one person cannot fill the queue."""


def receive(hub: Hub, batch_id: str, uploads: list[FileStorage], archive_limit: int) -> list[BatchFile]:
    """Record each uploaded file (or each member of an uploaded ZIP) in the batch; returns what was recorded.
    ``archive_limit``: the most bytes of one ZIP read (the request's own limit bounds it anyway)."""
    batches, max_bytes = hub.batches, hub.ingestor.limits.max_file_bytes
    recorded: list[BatchFile] = []
    room = MAX_BATCH_FILES - batches.count(batch_id)
    for upload in uploads:
        name = (upload.filename or "")[:255]
        if not name:
            continue
        if is_archive_name(name):
            recorded += _receive_archive(batches, batch_id, name, upload.read(archive_limit + 1), max_bytes, room)
        else:
            data = upload.read(max_bytes + 1)
            recorded.append(_record(batches, batch_id, name, data, max_bytes, room))
        room = MAX_BATCH_FILES - batches.count(batch_id)
    if any(f.status == "waiting" for f in recorded):
        hub.batch_worker.wake()
    return recorded


def _record(batches: Batches, batch_id: str, name: str, data: bytes, max_bytes: int, room: int) -> BatchFile:
    if room <= 0:
        return batches.add(batch_id, name, refused=batch_full(MAX_BATCH_FILES))
    if len(data) > max_bytes:
        return batches.add(batch_id, name, refused=reason("too_large", mb=max_bytes / MB))
    return batches.add(batch_id, name, data)


def _receive_archive(
    batches: Batches, batch_id: str, name: str, data: bytes, max_bytes: int, room: int
) -> list[BatchFile]:
    try:
        members = list(unpack(data, max_bytes))
    except RefusedArchive as exc:
        return [batches.add(batch_id, name, refused=exc.args[0])]
    recorded = []
    for member in members:
        shown = f"{name}/{member.name}"[:255]
        if member.data is None:
            recorded.append(batches.add(batch_id, shown, refused=member.reason or ""))
        else:
            recorded.append(_record(batches, batch_id, shown, member.data, max_bytes, room - len(recorded)))
    return recorded
