"""Query helpers for pages and the API: did-you-mean, completions, related documents.

The search package does the work through the visitor's visibility levels; this
module supplies what only the web side has (catalog titles, URLs) and checks
every document it names against the catalog once more before showing it.
"""

from __future__ import annotations

from flask import url_for

from ingest.model import Document
from search import (
    Completion,
    SearchRequest,
    SearchResult,
    TitleIndex,
    complete,
    did_you_mean,
    find_related,
    shared_title_index,
    vocabulary_for,
)
from web.hub import Hub
from web.params import link, without


def title_index(hub: Hub) -> TitleIndex:
    """Every catalog title, indexed once per index generation (catalog and index change together).

    The index may be the previous generation's while a new one is built (:func:`search.shared_title_index`);
    :func:`completions` checks each title it offers against the catalog, so a stale index can never show
    one that was hidden since.
    """
    return shared_title_index(hub.pool.get(), hub.catalog.titles)


def warm_suggestions(hub: Hub) -> None:
    """Build the title index and the lexicon now (a worker's start), not in the first keystroke.

    At 100,000 reports the first completion after a start otherwise waited about 2 s for them; later
    generations reuse what earlier ones read
    (the engine keeps what one generation read for the next).
    """
    title_index(hub)
    _ = vocabulary_for(hub.pool.get(), ("public",)).lexicon  # shared by every visibility set


def suggestion(
    hub: Hub, request: SearchRequest, result: SearchResult, pairs: list[tuple[str, str]], path: str = "/search"
) -> dict[str, str] | None:
    """``{"text", "url"}`` of a corrected query that finds more, or None; ``url`` searches it at ``path``."""
    corrected = did_you_mean(hub.pool.get(), request, result.total, result.relaxed)
    if corrected is None:
        return None
    return {"text": corrected, "url": link(path, [("q", corrected)] + without(pairs, "q"))}


def completions(hub: Hub, text: str, levels: tuple[str, ...], crosslang: bool = True) -> list[dict[str, str]]:
    """Completions as the API returns them, each with the URL it leads to; ``crosslang`` as the search's."""
    glossary = hub.settings.search.glossary
    found = complete(hub.pool.get(), title_index(hub), text, levels, glossary=glossary, crosslang=crosslang)
    # The title index was built from the catalog at the start of this index
    # generation; the catalog decides who may see a document now.
    ids = [c.doc_id for c in found if c.doc_id]
    still_visible = {doc_id for doc_id, _title, vis in hub.catalog.titles(ids) if vis in levels}
    return [_as_json(c) for c in found if c.doc_id is None or c.doc_id in still_visible]


def _as_json(c: Completion) -> dict[str, str]:
    if c.kind == "title":
        url = url_for("documents.document_page", doc_id=c.doc_id)
    else:
        url = link(url_for("pages.search_page"), [("q", c.text)])
    return {"text": c.text, "kind": c.kind, "url": url}


def related_documents(hub: Hub, doc: Document, levels: tuple[str, ...], limit: int = 5) -> list[Document]:
    """Up to ``limit`` visible documents like ``doc``, best first."""
    text = f"{doc.title}\n{doc.abstract}\n{doc.body}"
    ids = find_related(hub.pool.get(), doc.id, text, doc.lang, levels, limit, hub.settings.search.glossary)
    docs = hub.catalog.get_many(ids)
    return [docs[i] for i in ids if i in docs and docs[i].visibility in levels]
