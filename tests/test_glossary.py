"""The Danish–English glossary: the shipped file's coverage and consistency, and the loader's checks."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from ingest.taxonomy import load_taxonomy
from search import DEFAULT_GLOSSARY, Glossary, GlossaryError, SearchSettings, load_glossary, stem_words

# (Danish, English) as the sample corpus (corpus/docs) says them; each pair must name one concept.
CORPUS_PAIRS = [
    ("høreapparat", "hearing aid"),
    ("høreapparatbruger", "hearing aid user"),
    ("høretab", "hearing loss"),
    ("cochlear-implantat", "cochlear implant"),
    ("hørescreening", "hearing screening"),
    ("taleforståelse", "speech intelligibility"),
    ("lytteanstrengelse", "listening effort"),
    ("tinnitus", "tinnitus"),
    ("øreprop", "earmould"),
    ("høreværn", "hearing protection"),
    ("støj", "noise"),
    ("larm", "noise"),
    ("efterklangstid", "reverberation time"),
    ("vindmøllestøj", "wind turbine noise"),
    ("trafikstøj", "traffic noise"),
    ("vejstøj", "road traffic noise"),
    ("støjkortlægning", "noise mapping"),
    ("lydisolering", "sound insulation"),
    ("trinlydsniveau", "impact sound pressure level"),
    ("lydtryksniveau", "sound pressure level"),
    ("lydklasse", "sound class"),
    ("storrumskontor", "open-plan office"),
    ("støjreducerende asfalt", "noise-reducing asphalt"),
    ("krydstogtskib", "cruise ship"),
    ("højttaler", "loudspeaker"),
    ("højttalerenhed", "speaker driver"),
    ("diskanthøjttaler", "tweeter"),
    ("basenhed", "woofer"),
    ("kabinet", "enclosure"),
    ("portstøj", "port noise"),
    ("mikrofon", "microphone"),
    ("MEMS-mikrofon", "MEMS microphone"),
    ("forstærker", "amplifier"),
    ("svingspole", "voice coil"),
    ("frekvensgang", "frequency response"),
    ("forvrængning", "distortion"),
    ("øretelefon", "earbud"),
    ("signalbehandling", "signal processing"),
    ("stråleformning", "beamforming"),
    ("støjreduktion", "noise reduction"),
    ("aktiv støjdæmpning", "active noise cancellation"),
    ("kildeseparation", "source separation"),
    ("ekkoannullering", "echo cancellation"),
    ("feedbackannullering", "feedback cancellation"),
    ("maskinlæring", "machine learning"),
    ("neuralt netværk", "neural network"),
    ("latens", "latency"),
    ("datasæt", "dataset"),
    ("lydoplevelse", "sound experience"),
    ("lyddesign", "sound design"),
    ("lydlandskab", "soundscape"),
    ("lyttetest", "listening test"),
    ("rumlig lyd", "spatial audio"),
    ("hørespil", "audio drama"),
    ("nærvær", "presence"),
    ("lydkvalitet", "sound quality"),
]


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return load_glossary()


def _concepts_with(glossary: Glossary, lang: str, term: str) -> set[str]:
    return {c.id for c in glossary.concepts if term.casefold() in {t.casefold() for t in c.terms(lang)}}


def test_the_shipped_glossary_is_the_default_and_large_enough(glossary: Glossary) -> None:
    assert DEFAULT_GLOSSARY.name == "glossary.toml" and DEFAULT_GLOSSARY.parent.name == "corpus"
    assert load_glossary(DEFAULT_GLOSSARY) is glossary
    assert len(glossary) >= 400
    assert glossary.by_id("hearing-aid").terms("da")[0] == "høreapparat"
    assert "CI" in glossary.by_id("cochlear-implant").abbr
    with pytest.raises(KeyError):
        glossary.by_id("no-such-concept")


def test_every_area_exists_and_has_at_least_60_concepts(glossary: Glossary) -> None:
    known = set(load_taxonomy().ids)
    unknown = {c.id: a for c in glossary.concepts for a in c.areas if a not in known}
    assert not unknown, f"concepts naming areas not in corpus/areas.toml: {unknown}"
    per_area = Counter(a for c in glossary.concepts for a in c.areas)
    assert set(per_area) == known
    assert min(per_area.values()) >= 60, per_area


def test_ids_are_ascii_kebab_case(glossary: Glossary) -> None:
    bad = [c.id for c in glossary.concepts if not (c.id.isascii() and c.id == c.id.lower() and " " not in c.id)]
    assert not bad


@pytest.mark.parametrize("lang", ["en", "da"])
def test_no_term_belongs_to_two_concepts(glossary: Glossary, lang: str) -> None:
    owners: dict[str, list[str]] = {}
    for concept in glossary.concepts:
        for term in concept.terms(lang):
            owners.setdefault(term.casefold(), []).append(concept.id)
    assert {t: ids for t, ids in owners.items() if len(ids) > 1} == {}


def test_abbreviations_belong_to_one_concept(glossary: Glossary) -> None:
    owners = Counter(a.casefold() for c in glossary.concepts for a in c.abbr)
    assert [a for a, n in owners.items() if n > 1] == []


# Terms whose stem is another concept's stem, because the stemmer joins two words the glossary keeps
# apart: the English Snowball stems "production" as "product", the Danish one "musiker" as "musik".
# The index joins them already, so a search for one finds the other whatever the glossary says.
STEM_SHARED = {("en", "product"), ("da", "musik")}


@pytest.mark.parametrize("lang", ["en", "da"])
def test_stems_do_not_merge_concepts(glossary: Glossary, lang: str) -> None:
    """A term the stemmer joins with another concept's term would make the expansion mix the two concepts.

    Within one concept it is harmless (spelling variants such as "open-plan office" / "open plan office"
    stem alike on purpose)."""
    by_stem: dict[str, set[str]] = {}
    for concept in glossary.concepts:
        for term in concept.terms(lang):
            stem = " ".join(stem_words(lang, term.casefold().replace("-", " ").split()))
            by_stem.setdefault(stem, set()).add(concept.id)
    merged = {s: ids for s, ids in by_stem.items() if len(ids) > 1 and (lang, s) not in STEM_SHARED}
    assert merged == {}


@pytest.mark.parametrize(("da", "en"), CORPUS_PAIRS)
def test_sample_corpus_vocabulary_maps_both_ways(glossary: Glossary, da: str, en: str) -> None:
    from_da = _concepts_with(glossary, "da", da)
    from_en = _concepts_with(glossary, "en", en)
    assert len(from_da) == 1, f"{da!r} is in {from_da}"
    assert from_da == from_en, f"{da!r} is in {from_da}, {en!r} in {from_en}"


def test_the_corpus_pairs_are_many_and_distinct() -> None:
    assert len(CORPUS_PAIRS) >= 30
    assert len({da for da, _ in CORPUS_PAIRS}) == len(CORPUS_PAIRS)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "glossary.toml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = '[[concept]]\nid = "noise"\nareas = ["acoustics-noise"]\nen = ["noise"]\nda = ["støj", "larm"]\n'


def test_a_small_file_loads_with_terms_cleaned(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '[[concept]]\nid = "hearing-aid"\nareas = ["hearing-health"]\n'
        'en = ["  hearing  aid ", "Hearing Aid", "hearing instrument"]\nda = ["høreapparat"]\nabbr = ["HA"]\n',
    )
    glossary = load_glossary(path)
    concept = glossary.by_id("hearing-aid")
    assert concept.en == ("hearing aid", "hearing instrument")
    assert concept.terms("en") == concept.en and concept.terms("da") == ("høreapparat",)
    assert concept.abbr == ("HA",) and concept.areas == ("hearing-health",)
    with pytest.raises(ValueError):
        concept.terms("de")


def test_the_file_is_read_again_when_it_changes(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD)
    first = load_glossary(str(path))
    assert load_glossary(path) is first
    path.write_text(GOOD.replace('"larm"', '"larm", "spektakel"'), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert load_glossary(path).by_id("noise").da == ("støj", "larm", "spektakel")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[[concept]\nid = "x"', "not valid TOML"),
        ("", "no [[concept]] entries"),
        ('title = "x"\n' + GOOD, "unknown top-level key(s) title"),
        ('[[concept]]\nareas = ["a"]\nen = ["noise"]\nda = ["støj"]\n', "missing id"),
        (GOOD + GOOD, "'noise' (#2): duplicate id"),
        ('[[concept]]\nid = "noise"\nareas = ["a"]\nen = ["noise"]\n', "'noise' (#1): no da terms"),
        ('[[concept]]\nid = "ci"\nareas = ["a"]\nen = []\nda = []\nabbr = ["CI"]\n', "'ci' (#1): no en terms"),
        (GOOD.replace('da = ["støj", "larm"]', 'da = ["støj"]\nde = ["Lärm"]'), "unknown key(s) de"),
        (GOOD.replace('"larm"', "3"), "da holds 3, not a string"),
        (GOOD.replace('["noise"]', '"noise"'), "en must be a list of strings"),
        (GOOD.replace('"larm"', '"  "'), "da holds an empty term"),
        (GOOD.replace('["acoustics-noise"]', "[]"), "'noise' (#1): no areas"),
    ],
)
def test_a_bad_file_names_the_file_the_concept_and_the_problem(tmp_path: Path, text: str, problem: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(GlossaryError) as caught:
        load_glossary(path)
    assert str(path) in str(caught.value)
    assert problem in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_a_missing_file_is_a_glossary_error(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match="cannot read the glossary"):
        load_glossary(tmp_path / "absent.toml")


def test_the_setting_names_another_file() -> None:
    assert SearchSettings.from_env({}).glossary is None
    assert SearchSettings.from_env({"SKH_GLOSSARY": "  "}).glossary is None
    assert SearchSettings.from_env({"SKH_GLOSSARY": "/etc/skh/glossary.toml"}).glossary == "/etc/skh/glossary.toml"
