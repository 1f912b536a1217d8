"""Ranking behaviour people notice, on a tiny hand-made collection in a real index."""

from __future__ import annotations

import pytest

from search.engine.reading.index import make_live, new_generation
from search.engine.reading.searcher import SearcherPool
from search.engine.writing.writer import index_writer, write_lock
from search.schema import IndexDoc
from search.searching import SearchRequest, search

FILLER = "The study was carried out over two years with a panel of listeners in a laboratory."

DOCS = [
    IndexDoc(id="title-match", title="Tinnitus after concerts", body=f"Young adults were interviewed. {FILLER}"),
    IndexDoc(id="body-match", title="Young adults and music", body=f"Some reported tinnitus after concerts. {FILLER}"),
    IndexDoc(
        id="all-words",
        title="Classroom acoustics",
        body="Reverberation time and background noise affect speech intelligibility for pupils. " + FILLER,
    ),
    IndexDoc(
        id="one-word-repeated",
        title="Noise",
        body="Noise, noise and more noise: noise from roads, noise from rail, noise everywhere. " + FILLER,
    ),
    IndexDoc(id="minus-three", title="Attenuator settings", body="Set the attenuator to -3 dB before measuring."),
    IndexDoc(
        id="danish",
        title="Efterklangstid i klasselokaler",
        body="Lang efterklangstid gør det svært for elever at forstå tale i klasselokaler.",
        lang="da",
    ),
]


@pytest.fixture(scope="module")
def pool(tmp_path_factory) -> SearcherPool:
    base = tmp_path_factory.mktemp("ranking") / "index"
    with write_lock(base):
        make_live(base, new_generation(base))
        with index_writer(base) as writer:
            for doc in DOCS:
                writer.add_document(**doc.to_fields())
    return SearcherPool(base)


def ranked(pool: SearcherPool, q: str) -> list[str]:
    return [hit.id for hit in search(pool.get(), SearchRequest(q=q, per_page=20)).hits]


def test_a_title_match_outranks_a_body_only_match(pool):
    assert ranked(pool, "tinnitus concerts")[:2] == ["title-match", "body-match"]


def test_a_sentence_finds_documents_lacking_some_of_its_words_without_calling_it_a_fallback(pool):
    result = search(pool.get(), SearchRequest(q="how do reverberation and noise affect speech in schools"))
    assert not result.relaxed  # a sentence is not a list of required words
    ids = [hit.id for hit in result.hits]
    # No document has "schools", yet the one with most of the words comes first...
    assert ids[0] == "all-words"
    # ...and the one that only repeats "noise" over and over is still found, but below it.
    assert "one-word-repeated" in ids and ids.index("one-word-repeated") > 0


def test_short_queries_still_require_every_word(pool):
    assert ranked(pool, "noise roads") == ["one-word-repeated"]


def test_a_minus_before_a_number_is_part_of_the_number_not_an_exclusion(pool):
    assert ranked(pool, "attenuator -3 dB") == ["minus-three"]


def test_danish_query_ranks_the_danish_document_first(pool):
    assert ranked(pool, "efterklangstiden i klasselokalet")[0] == "danish"
