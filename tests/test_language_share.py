"""Each language's share of the first page when a search ran in both languages (search/language_share.py).

The arithmetic on plain arrays first, then on a real index through ``search()``: a broad English query whose
English matches fill the first page still shows the best Danish reports on it, pages stay one ranking, and a
search without the expansion keeps the plain score order.
"""

from __future__ import annotations

import numpy as np

from search.language_share import FLOOR, SHARE, WINDOW, share_places
from search.searching import SearchRequest, search
from tests.test_crosslang import add_docs, glossary, titles  # noqa: F401 (glossary is a fixture)


def _setup(languages: str, scores: list[float]):
    """Documents 0..n-1, in score order, of the languages in ``languages`` ("eeeed...")."""
    ranked = np.arange(len(languages))
    masks = {lang: np.array([c == lang[0] for c in languages]) for lang in ("en", "da")}
    return ranked, np.array(scores, dtype=float), masks


def test_the_best_of_the_other_language_take_the_last_places_of_the_window():
    langs = "e" * 14 + "ddd"
    ranked, scores, masks = _setup(langs, [10.0 - 0.1 * i for i in range(17)])
    out = share_places(ranked, scores, masks).tolist()
    assert out[: WINDOW - SHARE] == list(range(WINDOW - SHARE))  # the best English keep their places
    assert out[WINDOW - SHARE : WINDOW] == [14, 15, 16]  # then the Danish, in score order
    assert out[WINDOW:] == [7, 8, 9, 10, 11, 12, 13]  # the displaced English lead what follows
    assert sorted(out) == list(range(17))  # the same documents, none lost or repeated


def test_each_languages_own_order_is_kept_and_a_language_with_its_share_is_left_alone():
    langs = "edeeeeeeeeeedd"
    ranked, scores, masks = _setup(langs, [10.0 - 0.1 * i for i in range(len(langs))])
    out = share_places(ranked, scores, masks).tolist()
    assert out.index(1) < out.index(12) < out.index(13)  # the Danish one already there stays first
    for lang in ("e", "d"):
        own = [d for d in out if langs[d] == lang]
        assert own == sorted(own)
    enough = "eeeddd" + "e" * 10 + "d"
    ranked, scores, masks = _setup(enough, [10.0 - 0.1 * i for i in range(len(enough))])
    assert share_places(ranked, scores, masks).tolist() == ranked.tolist()


def test_a_weak_match_does_not_claim_a_place():
    langs = "e" * 12 + "dd"
    values = [10.0] * 12 + [10.0 * FLOOR + 0.01, 10.0 * FLOOR - 0.01]
    ranked, scores, masks = _setup(langs, values)
    out = share_places(ranked, scores, masks).tolist()
    assert 12 in out[:WINDOW]  # above the floor: claims a place
    assert 13 not in out[:WINDOW]  # below it: stays behind


def test_a_broad_query_shows_the_other_language_on_the_first_page(hub, tmp_path, glossary):  # noqa: F811
    english = [(f"en{n}", f"Noise study {n}", "en", "Noise " * (3 + n % 3) + "was measured.") for n in range(14)]
    danish = [("da1", "Støj ved skoler", "da", "Støj blev målt."), ("da2", "Støj i byen", "da", "Støj og støj.")]
    add_docs(hub, tmp_path / "docs", english + danish)
    visibility = ("public",)
    on = [
        search(hub.pool.get(), SearchRequest(q="noise", glossary=glossary, visibility=visibility, page=p))
        for p in (1, 2)
    ]
    first = titles(hub, on[0])
    assert set(first[-2:]) == {"Støj ved skoler", "Støj i byen"}
    assert all(t.startswith("Noise") for t in first[:-2])
    everything = first + titles(hub, on[1])
    assert sorted(everything) == sorted(t for _n, t, _l, _b in english + danish)  # one ranking over the pages
    off = search(hub.pool.get(), SearchRequest(q="noise", glossary=glossary, visibility=visibility, crosslang=False))
    assert not any(t.startswith("Støj") for t in titles(hub, off))
    # Sorted by date (all of one date here, so in the order added: the Danish last), nothing is re-ordered.
    by_date = search(hub.pool.get(), SearchRequest(q="noise", glossary=glossary, visibility=visibility, sort="newest"))
    assert by_date.total == 16 and not any(t.startswith("Støj") for t in titles(hub, by_date))
