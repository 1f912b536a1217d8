"""A server worker's warm-up: what every search needs is loaded before the worker takes its first request.

A fresh process loads its language tables (wordfreq's Danish frequencies for the compound splitter, the
stemmers, the glossary's cross-language tables) and a generation's columns on first use. When that first use
is a request, every request arriving at the same moment waits for it and the wait counts against their time
budgets: under load at start-up a plain search could run past its 5 s and be refused. So a worker searches
once in each language before it serves (the listening socket holds the visitors meanwhile), and builds the
completion tables, which only suggestions need, in the background after.
"""

from __future__ import annotations

import logging
import threading

from werkzeug.datastructures import MultiDict

from web.hub import Hub
from web.results import search_from_args
from web.suggestions import warm_suggestions

log = logging.getLogger(__name__)

WARM_QUERIES = ("høreapparater", "hearing aids")
"""One Danish compound (the splitter's tables) and one English phrase, each also glossary-expanded."""


def warm_worker(app, hub: Hub):
    """Warm ``hub``'s searcher and this process's language tables now, then the completion tables in the
    background; returns ``app`` (so the server's app factory can wrap ``create_app`` with it)."""
    try:
        hub.pool.get().warm()
        for query in WARM_QUERIES:
            search_from_args(hub, MultiDict({"q": query}), ("public",))
    except Exception as exc:  # noqa: BLE001 - only a head start: the first request meets any real problem
        log.warning("warming the searcher failed (%s: %s); the first request loads it", type(exc).__name__, exc)
    threading.Thread(target=_warm_suggestions, args=(hub,), name="warm-suggestions", daemon=True).start()
    return app


def _warm_suggestions(hub: Hub) -> None:
    try:
        warm_suggestions(hub)
    except Exception as exc:  # noqa: BLE001 - as above
        log.warning("building the completion tables at start failed (%s: %s)", type(exc).__name__, exc)
