"""Queries, ranking basics, facets (disjunctive counts) and snippets on a real index."""

from __future__ import annotations

import pytest

from search.searching import SearchRequest, search
from search.snippets import make_snippet


def run(hub, q="", **kw):
    kw.setdefault("visibility", ("public",))
    return search(hub.pool.get(), SearchRequest(q=q, **kw))


def titles(hub, result):
    docs = hub.catalog.get_many([h.id for h in result.hits])
    return [docs[h.id].title for h in result.hits]


def counts(result, facet):
    return {c.value: c.count for c in result.facets[facet]}


def test_empty_query_browses_everything_newest_first(mini_hub):
    result = run(mini_hub)
    assert result.total == 8
    years = [mini_hub.catalog.get(h.id).year for h in result.hits]
    assert years == sorted(years, reverse=True)


def test_all_words_are_required(mini_hub):
    assert titles(mini_hub, run(mini_hub, "hearing aids remotely")) == ["Remote fitting of hearing aids"]


def test_falls_back_to_any_word_and_says_so(mini_hub):
    result = run(mini_hub, "woofer zebra")
    assert result.relaxed and titles(mini_hub, result) == ["Woofer distortion at high excursion"]


def test_stemming_in_each_language(mini_hub):
    assert "Woofer distortion at high excursion" in titles(mini_hub, run(mini_hub, "loudspeakers"))
    # Each language's own stemming, without the other language's glossary terms (tests/test_crosslang.py).
    danish = run(mini_hub, "høreapparater", crosslang=False)
    assert titles(mini_hub, danish) == ["Høreapparater og ældre brugere"]
    assert titles(mini_hub, run(mini_hub, "vejstøjen", crosslang=False)) == ["Støjkortlægning af vejstøj i Fjordby"]
    # With them the Danish document still comes first; the English ones about hearing aids follow.
    both = titles(mini_hub, run(mini_hub, "høreapparater"))
    assert both[0] == "Høreapparater og ældre brugere" and "Beamforming in hearing aids" in both


def test_phrase_field_exclusion_prefix_and_fuzzy(mini_hub):
    assert titles(mini_hub, run(mini_hub, '"voice coil"')) == ["Woofer distortion at high excursion"]
    assert titles(mini_hub, run(mini_hub, "title:reverberation")) == ["Reverberation in classrooms"]
    assert set(titles(mini_hub, run(mini_hub, "org:nordlyd"))) == {"Woofer distortion at high excursion"}
    assert "Beamforming in hearing aids" not in titles(mini_hub, run(mini_hub, "hearing -beamforming"))
    assert "Beamforming in hearing aids" in titles(mini_hub, run(mini_hub, "beamform*"))
    assert "Reverberation in classrooms" in titles(mini_hub, run(mini_hub, "reverberaton~"))
    # All but the documents about hearing: the two English ones and the Danish one on høreapparater (the
    # glossary's hørelse has the stem of høre, a part of høreapparat the index holds).
    assert run(mini_hub, "-hearing").total == 5


@pytest.mark.parametrize(
    "q", ['"unbalanced quote', "a AND OR", "(((", "NOT", ")))", "title:", "-", "***", "~~", "a:b:c"]
)
def test_broken_queries_never_raise(mini_hub, q):
    result = run(mini_hub, q)
    assert result.total >= 0


def test_facet_counts_are_disjunctive(mini_hub):
    everything = run(mini_hub)
    assert counts(everything, "area") == {
        "hearing-health": 3,
        "signal-processing": 2,
        "audio-tech": 2,
        "acoustics-noise": 2,
        "sound-experience": 1,
    }
    one = run(mini_hub, filters={"area": ["hearing-health"]})
    assert one.total == 3
    # Selecting an area still shows what the other areas would add...
    assert counts(one, "area")["audio-tech"] == 2
    # ...while the other facets count only within the selection.
    assert counts(one, "lang") == {"en": 2, "da": 1}
    assert counts(one, "year") == {"2021": 1, "2019": 1, "2020": 1}


def test_values_of_one_facet_or_and_facets_and(mini_hub):
    either = run(mini_hub, filters={"area": ["hearing-health", "audio-tech"]})
    assert either.total == 5
    both = run(mini_hub, filters={"area": ["hearing-health", "audio-tech"], "lang": ["da"]})
    assert titles(mini_hub, both) == ["Høreapparater og ældre brugere"]
    assert counts(both, "lang") == {"en": 4, "da": 1}


def test_year_range_and_sorting(mini_hub):
    result = run(mini_hub, year_from=2019, year_to=2021, sort="oldest")
    years = [mini_hub.catalog.get(h.id).year for h in result.hits]
    assert years == sorted(years) and set(years) == {2019, 2020, 2021}
    # The year facet ignores its own range, so other years stay visible.
    assert "2015" in counts(result, "year")


def test_pagination(mini_hub):
    first = run(mini_hub, per_page=3, page=1)
    third = run(mini_hub, per_page=3, page=3)
    assert first.pages == 3 and len(third.hits) == 2
    assert not {h.id for h in first.hits} & {h.id for h in third.hits}
    assert run(mini_hub, per_page=3, page=99).page == 3


def test_snippets_mark_stemmed_matches_and_escape_html():
    text = "Intro <script>alert(1)</script>. The loudspeaker was measured; loudspeakers differ."
    snippet = make_snippet(text, {"loudspeak"}, "en")
    assert "<mark>loudspeaker</mark>" in snippet and "<mark>loudspeakers</mark>" in snippet
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet


def test_chosen_years_are_ored_with_each_other_and_with_the_range(mini_hub):
    years = run(mini_hub, years=(2015, 2021))
    assert {mini_hub.catalog.get(h.id).year for h in years.hits} == {2015, 2021}
    assert years.total == counts(years, "year")["2015"] + counts(years, "year")["2021"]
    both = run(mini_hub, years=(2015,), year_from=2019, year_to=2020)
    assert {mini_hub.catalog.get(h.id).year for h in both.hits} == {2015, 2019, 2020}
    # The year counts ignore the year selection (what each other year would add); other facets count within it.
    assert counts(both, "year") == counts(run(mini_hub), "year")
    assert sum(counts(both, "lang").values()) == both.total
    assert run(mini_hub, years=(1999,)).total == 0
