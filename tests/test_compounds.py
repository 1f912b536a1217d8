"""Danish compounds: a compound typed as one word also finds its parts written apart (query time), and a
document that writes the compound is found by its parts (index time).

Real indexes, with a small glossary file written here (the service's own ``corpus/glossary.toml`` changes).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh.fields import TEXT
from wordfreq import zipf_frequency

import search.decompound as decompound
from ingest.indexing import reindex
from search.analysis import content_words, language_analyzer
from search.decompound import field_analyzer, search_parts, split_compound
from search.engine.reading.index import use_schema
from search.schema import TEXT_PARTS, build_schema
from tests.conftest import ROOT
from tests.test_crosslang import add_docs, run, titles

GLOSSARY = """\
[[concept]]
id = "wind-turbine"
areas = ["acoustics-noise"]
en = ["wind turbine"]
da = ["vindmølle"]

[[concept]]
id = "noise"
areas = ["acoustics-noise"]
en = ["noise"]
da = ["støj"]

[[concept]]
id = "road-noise"
areas = ["acoustics-noise"]
en = ["road traffic noise"]
da = ["vejstøj"]
"""

DOCS = [
    ("apart", "Naboer og vindmøller", "da", "Mange naboer klager over støj fra vindmøller om natten."),
    ("whole", "Vindmøllestøj", "da", "Vindmøllestøj måles om natten ved de nærmeste boliger."),
    ("english", "Wind turbine noise", "en", "Residents near the wind turbine complained about the noise."),
    ("road", "Vejstøj i byen", "da", "Vejstøj fra de store veje belaster boligerne."),
    ("roadparts", "Veje og støj", "da", "Støj langs veje i byen."),
    ("other", "Høreapparater", "da", "Brugere af høreapparater er tilfredse."),
]


@pytest.fixture
def glossary(tmp_path: Path) -> str:
    path = tmp_path / "glossary.toml"
    path.write_text(GLOSSARY, encoding="utf-8")
    return str(path)


@pytest.fixture
def wind_hub(hub, tmp_path):
    add_docs(hub, tmp_path / "wind", DOCS)
    return hub


def test_the_splitter_splits_compounds_and_leaves_words_alone():
    assert split_compound("vindmøllestøj") == ("vindmølle", "støj")
    assert split_compound("høreapparatbrugere") == ("høre", "apparat", "brugere")
    assert split_compound("efterklangstid") == ("efter", "klang", "tid")  # klang-s-tid: a linking letter
    assert split_compound("vejstøj") == ("vej", "støj")  # not vej-s-tøj: fewer linking letters win
    for word in ("kommunen", "undersøgelse", "forskning", "vindmøller", "støj", "hørelse", "lyd"):
        assert split_compound(word) == (), word
    for word in ("beamforming", "reverberation", "loudspeaker", "audiologists", "hearing"):
        assert split_compound(word) == (), word


def test_the_splitters_frequencies_are_wordfreqs():
    """A plain word wordfreq does not list is 0 without asking it (the index tries many): the same figures,
    for every string of 3+ letters inside the words of the corpus's Danish texts, in both languages."""
    texts = [
        p.read_text(encoding="utf-8")
        for p in (ROOT / "corpus" / "docs").rglob("da-*")
        if p.suffix in (".md", ".txt", ".html")
    ]
    words = {w for text in texts for w in content_words(text, "da") if w.isalpha()}
    strings = sorted({w[i:j] for w in words for i in range(len(w)) for j in range(i + 3, len(w) + 1)})
    assert len(strings) > 40_000
    computed = decompound._zipf.__wrapped__  # uncached
    for lang in ("da", "en"):
        assert [computed(s, lang) for s in strings] == [zipf_frequency(s, lang) for s in strings], lang


def test_search_parts_join_a_stop_word_to_the_next_part():
    assert search_parts("efterklangstid") == ("efterklang", "tid")
    assert search_parts("vindmøllestøj") == ("vindmølle", "støj")
    assert search_parts("støj") == ()


def test_a_compound_finds_its_parts_written_apart(wind_hub, glossary):
    found = titles(wind_hub, run(wind_hub, "vindmøllestøj", glossary, crosslang=False))
    assert "Naboer og vindmøller" in found
    # The exact compound ranks above the document that has its parts apart.
    assert found[:2] == ["Vindmøllestøj", "Naboer og vindmøller"]
    assert "Wind turbine noise" not in found  # splitting is Danish matching, not translation


def test_the_parts_reach_the_glossary(wind_hub, glossary):
    result = run(wind_hub, "vindmøllestøj", glossary)
    found = titles(wind_hub, result)
    assert found[0] == "Vindmøllestøj"
    assert set(found) == {"Vindmøllestøj", "Naboer og vindmøller", "Wind turbine noise"}
    assert dict(result.expansion)["en"] == ("wind turbine", "noise")


def test_the_glossary_naming_the_whole_compound_wins(wind_hub, glossary):
    result = run(wind_hub, "vejstøj", glossary)
    # The whole word's concept is expanded; its parts (vej, støj) still match Danish text but are not
    # looked up in the glossary, so "noise" alone does not bring in the wind turbine report.
    assert result.expansion == (("en", ("road traffic noise",)),)
    found = titles(wind_hub, result)
    assert found[0] == "Vejstøj i byen"
    assert "Veje og støj" in found
    assert "Wind turbine noise" not in found


def test_all_words_required_keep_the_compound_as_one_unit(wind_hub, glossary):
    found = titles(wind_hub, run(wind_hub, "vindmøllestøj naboer", glossary, crosslang=False))
    assert found == ["Naboer og vindmøller"]
    assert titles(wind_hub, run(wind_hub, "vindmøllestøj -naboer", glossary, crosslang=False)) == ["Vindmøllestøj"]


def test_an_english_query_is_unaffected(wind_hub, glossary):
    on = run(wind_hub, "wind turbine noise", glossary, crosslang=False)
    assert titles(wind_hub, on) == ["Wind turbine noise"]


def test_prefix_fuzzy_and_quoted_words_are_not_split(wind_hub, glossary):
    assert titles(wind_hub, run(wind_hub, '"vindmøllestøj"', glossary, crosslang=False)) == ["Vindmøllestøj"]
    assert titles(wind_hub, run(wind_hub, "vindmøllestø*", glossary, crosslang=False)) == ["Vindmøllestøj"]


def test_a_title_field_keeps_the_parts_to_titles(wind_hub, glossary):
    found = titles(wind_hub, run(wind_hub, "title:vindmøllestøj", glossary, crosslang=False))
    # "Naboer og vindmøller" has vindmøller in its title but støj only in its body.
    assert found == ["Vindmøllestøj"]


def test_the_index_adds_a_compounds_parts_at_its_position_and_the_query_does_not():
    analyzer = field_analyzer("da")
    text = "Vindmøllestøj fra vindmøller og efterklangstid"
    indexed = [(t.text, t.pos) for t in analyzer(text, positions=True, mode="index")]
    assert indexed == [
        ("vindmøllestøj", 0),
        ("vindmøl", 0),  # vindmølle, stemmed as a word is
        ("støj", 0),
        ("vindmøl", 1),
        ("efterklangstid", 2),
        ("efterklang", 2),  # efter is a stop word: joined to the next part, as the query side does
        ("tid", 2),
    ]
    # Parsing a query analyses it with the same field analyzer: nothing is added (the Splitter's job).
    assert [t.text for t in analyzer(text, mode="query")] == [t.text for t in language_analyzer("da")(text)]
    assert field_analyzer("en") is language_analyzer("en")  # English text is never split


def test_a_document_writing_the_compound_is_found_by_its_parts(wind_hub, glossary):
    for q in ("støj fra vindmøller", "vindmølle støj", "vindmøller støj"):
        found = titles(wind_hub, run(wind_hub, q, glossary, crosslang=False))
        assert "Vindmøllestøj" in found, q
        assert "Naboer og vindmøller" in found, q
    # The English query's glossary terms are the parts in Danish (wind turbine -> vindmølle, noise -> støj).
    result = run(wind_hub, "wind turbine noise", glossary)
    assert "Vindmøllestøj" in titles(wind_hub, result)
    # Typed as one word, the exact compound still ranks first (its parts alone are worth less).
    found = titles(wind_hub, run(wind_hub, "vindmøllestøj", glossary, crosslang=False))
    assert found[:2] == ["Vindmøllestøj", "Naboer og vindmøller"]


def test_phrases_over_the_text_as_written_still_match(wind_hub, glossary):
    """The parts share the compound's position, so the words after it keep theirs."""
    for q in ('"vindmøllestøj måles om natten"', '"nærmeste boliger"'):
        assert titles(wind_hub, run(wind_hub, q, glossary, crosslang=False)) == ["Vindmøllestøj"], q


def test_english_text_is_not_split(hub, tmp_path, glossary):
    add_docs(hub, tmp_path / "en", [("en", "A Danish word", "en", "Vindmøllestøj is what Danes call the noise.")])
    assert titles(hub, run(hub, "vindmøllestøj", glossary, crosslang=False)) == ["A Danish word"]
    assert titles(hub, run(hub, "vindmølle støj", glossary, crosslang=False)) == []


def _schema_before_index_splitting():
    schema = build_schema()
    for part in TEXT_PARTS:
        schema.remove(f"{part}_da")
        schema.add(f"{part}_da", TEXT(analyzer=language_analyzer("da"), phrase=True))
    return schema


def test_an_index_built_before_splitting_is_reported_and_reindex_splits(hub, skh, tmp_path, glossary):
    """The schema is pickled in the index, and later documents are analysed by it, not by the code's."""
    use_schema(_schema_before_index_splitting)  # an index as the version before this one built it
    try:
        reindex(hub.datadir, hub.catalog)
    finally:
        use_schema(build_schema)
    add_docs(hub, tmp_path / "wind", DOCS)  # added to that index: no parts
    assert "Vindmøllestøj" not in titles(hub, run(hub, "vindmølle støj", glossary, crosslang=False))

    check = skh("check")
    assert check.exit_code == 1
    assert "PROBLEM schema: 3 fields indexed unlike this version's" in check.output
    assert "(e.g. abstract_da, body_da, title_da)" in check.output

    assert skh("reindex").exit_code == 0
    assert "Vindmøllestøj" in titles(hub, run(hub, "vindmølle støj", glossary, crosslang=False))
    assert skh("check").exit_code == 0
