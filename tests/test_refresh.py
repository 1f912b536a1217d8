"""A running service follows commits: after adds, deletes and merges it answers as a freshly started one would.

The searcher pool keeps what it read from each segment across generations
(search/segments.SegmentStore), so these tests compare a long-lived pool with
a new one on the same index after each kind of change.
"""

from __future__ import annotations

from pathlib import Path

from ingest.curation import delete
from ingest.pipeline import Explicit
from search.engine.reading.index import open_index
from search.engine.reading.searcher import SearcherPool
from search.engine.writing.writer import write_lock
from search.searching import SearchRequest, search
from web.hub import Hub

QUERIES = [
    SearchRequest(q="loudspeaker"),
    SearchRequest(q="hearing aids"),
    SearchRequest(q='"anechoic room"'),
    SearchRequest(q="loud*"),
    SearchRequest(q=""),
    SearchRequest(q="", sort="newest"),
    SearchRequest(q="measurements", filters={"area": ["audio-tech"]}),
    SearchRequest(q="støj"),
]


def answers(pool: SearcherPool) -> list[tuple]:
    out = []
    for request in QUERIES:
        result = search(pool.get(), request)
        facets = {name: [(c.value, c.count) for c in counts] for name, counts in result.facets.items()}
        out.append((result.total, [(h.id, round(h.score, 9)) for h in result.hits], facets))
    return out


def same_as_fresh(hub: Hub) -> None:
    assert answers(hub.pool) == answers(SearcherPool(hub.datadir.index))


def add(hub: Hub, folder: Path, name: str, text: str) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    outcome = hub.ingestor.ingest_paths([path], Explicit(visibility="public")).outcomes[0]
    assert outcome.status == "added", outcome.reason
    return outcome.id


def test_live_pool_answers_like_a_new_one_after_adds_deletes_and_merges(mini_hub: Hub, tmp_path: Path):
    hub = mini_hub
    answers(hub.pool)  # warm: every segment read and cached
    before = search(hub.pool.get(), SearchRequest(q="loudspeaker")).total

    first = add(hub, tmp_path / "new", "a", "Loudspeaker tests in the anechoic room\n\nThe loudspeaker was loud.")
    same_as_fresh(hub)
    assert search(hub.pool.get(), SearchRequest(q="loudspeaker")).total == before + 1

    add(hub, tmp_path / "new", "b", "Støj fra vindmøller\n\nMålinger af støj og lavfrekvent støj ved boliger.")
    delete(hub.datadir, hub.catalog, first)
    same_as_fresh(hub)
    assert first not in {h.id for h in search(hub.pool.get(), SearchRequest(q="loudspeaker", per_page=100)).hits}

    with write_lock(hub.datadir.index):
        open_index(hub.datadir.index).optimize()  # every segment merged into one: a new segment, the old ones gone
    assert len(hub.pool.get().searcher.leaf_searchers()) == 1
    same_as_fresh(hub)
    assert search(hub.pool.get(), SearchRequest(q="loudspeaker")).total == before
