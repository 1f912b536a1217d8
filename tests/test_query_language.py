"""The parts of the query language test_search.py does not cover: author:, OR, NOT, broken input as words."""

from __future__ import annotations

import pytest

from ingest.pipeline import Explicit
from search.searching import SearchRequest, search


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
    # The Danish report on høreapparater is about hearing too: the glossary's hørelse (stem hør) is the stem of
    # høre, a part of høreapparat the index holds (search.decompound).
    assert titles(mini_hub, "hearing NOT beamforming") == [
        "Høreapparater og ældre brugere",
        "Remote fitting of hearing aids",
    ]


@pytest.mark.parametrize("q", ["((woofer", "woofer)", "woofer AND OR", '"woofer', "Woofer OR", "woofer ~~ ***"])
def test_input_that_does_not_parse_is_searched_as_words(mini_hub, q):
    assert titles(mini_hub, q) == ["Woofer distortion at high excursion"]


STOP_WORD_DOCS = {
    "men.md": ("en", "Hearing thresholds of men and women", "Men lost more hearing than women after noise at work."),
    "mean.md": ("en", "Mean levels", "The mean level and the mean dose, meaning the mean of means."),
    "mean2.md": ("en", "Mean exposure", "Mean exposure over a shift."),
    "dog.md": ("en", "Dog kennels are loud", "Barking in a dog kennel reaches 100 dB by the end of feeding."),
    "by.md": ("da", "Trafikstøj i en by", "Støjen i byen er høj om dagen, men ikke om natten. Is på vejen."),
    "land.md": ("da", "Støj på landet", "Støjen på landet er lav, men traktorer larmer om dagen."),
}


@pytest.fixture
def stop_word_hub(hub, tmp_path):
    folder = tmp_path / "stop-words"
    folder.mkdir()
    for name, (lang, title, body) in STOP_WORD_DOCS.items():
        (folder / name).write_text(f"---\ntitle: {title}\nlanguage: {lang}\n---\n{body}\n", encoding="utf-8")
    report = hub.ingestor.ingest_paths([folder], Explicit(visibility="public"))
    assert report.summary()["added"] == len(STOP_WORD_DOCS), report.failed
    return hub


def test_a_stop_word_of_one_language_is_a_word_in_the_other(stop_word_hub):
    """Each language drops only its own stop words: "men" and "dog" are English words, "by" a Danish one."""
    assert titles(stop_word_hub, "men") == ["Hearing thresholds of men and women"]
    assert titles(stop_word_hub, "men hearing") == ["Hearing thresholds of men and women"]
    assert titles(stop_word_hub, "dog") == ["Dog kennels are loud"]
    assert titles(stop_word_hub, "by") == ["Trafikstøj i en by"]  # the English "by 100 dB" does not count
    assert titles(stop_word_hub, "is") == ["Trafikstøj i en by"]  # Danish for ice


def test_all_words_required_waives_a_words_own_stop_words(stop_word_hub):
    """A Danish query with "men" (but) finds Danish documents, which never index it."""
    assert titles(stop_word_hub, "støjen men ikke natten") == ["Trafikstøj i en by"]
    assert titles(stop_word_hub, "støjen men dagen") == ["Støj på landet", "Trafikstøj i en by"]
    # Alone, or only beside an exclusion, a stop word does not match every document of its language.
    assert titles(stop_word_hub, "men -women") == []
    assert titles(stop_word_hub, "ikke") == []


def test_a_stop_word_is_not_corrected_as_a_misspelling(stop_word_hub):
    """The spelling vocabulary drops stop words; "men" is still a word, not a misspelt "mean"."""
    from search.suggest import did_you_mean

    snapshot = stop_word_hub.pool.get()
    request = SearchRequest(q="men", visibility=("public",))
    result = search(snapshot, request)
    assert result.total == 1
    assert did_you_mean(snapshot, request, result.total, result.relaxed) is None
    misspelt = SearchRequest(q="meen", visibility=("public",))  # a real misspelling is still corrected
    assert did_you_mean(snapshot, misspelt, 0, False) == "mean"
