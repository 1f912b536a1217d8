"""Purging the trash when its time is up, from the web and the command line alike.

``skh purge-trash`` purges on demand; the service also purges whenever it starts and whenever staff open
the trash page, so a hub nobody schedules a job for still forgets what it should. Each purge is recorded
in the audit log.
"""

from __future__ import annotations

from datetime import datetime

from ingest.model import Trashed
from ingest.trash import purge_expired
from web.hub import Hub

SYSTEM_ACTOR = "system (trash expiry)"
"""Who the audit log says purged a document: no person asked for it."""


def purge(
    hub: Hub, timeout: float | None = None, now: datetime | None = None, days: float | None = None
) -> list[Trashed]:
    """Purge what was trashed more than ``days`` (default ``SKH_TRASH_DAYS``) before ``now``, waiting at most
    ``timeout`` seconds for the index writer (search.WriterBusy after); the documents purged."""
    days = hub.settings.ingest.trash_days if days is None else days
    purged = purge_expired(hub.datadir, hub.catalog, days, hub.pending.hashes, now=now, timeout=timeout)
    for item in purged:
        hub.accounts.record(SYSTEM_ACTOR, "purge", item.doc.id, title=item.doc.title, trashed_at=item.trashed_at)
    return purged
