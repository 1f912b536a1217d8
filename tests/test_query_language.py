"""The parts of the query language test_search.py does not cover: author:, OR, NOT, broken input as words."""

from __future__ import annotations

import pytest

from search.engine import SearchRequest, search


def titles(hub, q):
    result = search(hub.pool.get(), SearchRequest(q=q, visibility=("public",)))
    docs = hub.catalog.get_many([h.id for h in result.hits])
    return sorted(docs[h.id].title for h in result.hits)


def test_author_searches_only_authors(mini_hub):
    assert len(titles(mini_hub, "author:jensen")) == 8  # every mini document has Anna Jensen
    assert titles(mini_hub, "author:woofer") == []  # a title word is not an author
    assert titles(mini_hub, "author:nobody") == []


def test_or_widens_and_not_narrows(mini_hub):
    assert titles(mini_hub, "woofer OR reverberation") == [
        "Reverberation in classrooms",
        "Woofer distortion at high excursion",
    ]
    assert titles(mini_hub, "hearing NOT beamforming") == ["Remote fitting of hearing aids"]


@pytest.mark.parametrize("q", ["((woofer", "woofer)", "woofer AND OR", '"woofer', "Woofer OR", "woofer ~~ ***"])
def test_input_that_does_not_parse_is_searched_as_words(mini_hub, q):
    assert titles(mini_hub, q) == ["Woofer distortion at high excursion"]
