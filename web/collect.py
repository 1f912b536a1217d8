"""The documents a search finds, in its order and without their text: what feeds and citation exports list.

Pages show ten hits with snippets and need the text; a feed or an export needs up to a thousand documents'
metadata and none of their text, so the catalog is read without bodies (a report's text can be megabytes).
Every list is bounded: a feed by :data:`FEED_ENTRIES`, an export by :data:`EXPORT_LIMIT`, and the searches of
one answer share one time budget, as a search page's do.
"""

from __future__ import annotations

import math
from dataclasses import replace

from ingest.model import Document
from search import SearchRequest, SearchResult, search, time_budget
from web.hub import Hub

FEED_ENTRIES = 50
"""The newest documents a feed lists."""
EXPORT_LIMIT = 1000
"""The most documents one citation export of a result list holds."""
SEARCH_PAGE_MAX = 100
"""The most hits one search gives at once (search.searching caps ``per_page`` there)."""


def page_documents(hub: Hub, request: SearchRequest) -> tuple[SearchResult, list[Document]]:
    """The one page of documents ``request`` asks for, in its order, bodies left empty."""
    result = search(hub.pool.get(), request)
    found = hub.catalog.get_many([h.id for h in result.hits], text=False)
    # The index filtered by visibility already; the catalog row decides (as web.results does).
    docs = [found[h.id] for h in result.hits if h.id in found and found[h.id].visibility in request.visibility]
    return result, docs


def first_documents(hub: Hub, request: SearchRequest, limit: int) -> tuple[int, list[Document]]:
    """The total and the first ``limit`` documents of ``request`` (its page ignored), read a search page of
    :data:`SEARCH_PAGE_MAX` at a time under one time budget."""
    per_page = max(1, min(limit, SEARCH_PAGE_MAX))
    docs: list[Document] = []
    total = 0
    with time_budget():
        for page in range(1, math.ceil(limit / per_page) + 1):
            result, found = page_documents(hub, replace(request, page=page, per_page=per_page))
            total = result.total
            docs.extend(found)
            if page >= result.pages:
                break
    return total, docs[:limit]
