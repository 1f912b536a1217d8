"""How long a web write (publish, edit, delete) waits for the index, and what it says when it gives up.

A staff member's save waits for the one index writer (:func:`search.write_lock`). Usually that is
a moment; but another writer (a large ``skh ingest`` batch, the swap of a rebuild, an operator's tool)
can hold it longer, and a browser left spinning with no word is the worst answer. So a web write waits
at most ``SKH_WRITE_WAIT_SECONDS`` and then answers 503, having written nothing and kept what the person
submitted (a pending upload stays pending, the edit form keeps its values). What the answer says, in the
interface language, is ``web.views.staff.busy_message``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from search import WriterBusy, write_lock
from web.hub import Hub

RETRY_AFTER_SECONDS = 10
"""The ``Retry-After`` a busy answer suggests."""

__all__ = ["RETRY_AFTER_SECONDS", "WriterBusy", "bounded_write"]


@contextmanager
def bounded_write(hub: Hub) -> Iterator[None]:
    """Hold the index writer for a web request's save; raises :class:`WriterBusy` after the bound.

    The save inside takes the same (re-entrant) lock again, so it starts at once.
    """
    with write_lock(hub.datadir.index, timeout=hub.settings.web.write_wait_seconds):
        yield
