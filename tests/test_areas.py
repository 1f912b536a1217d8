"""Automatic strength areas: the seed layer, the learned model, and the evidence people see."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bench.classify_eval import HELDOUT, read_heldout_manifest
from ingest.areas import (
    MAX_AREAS,
    SECOND_AREA_RATIO,
    SECOND_AREA_SHARE,
    AreaClassifier,
    Example,
    _tokens,
    concept_matcher,
    within_margin,
)
from ingest.taxonomy import load_taxonomy
from search import load_glossary

ROOT = Path(__file__).resolve().parent.parent
TAXONOMY = load_taxonomy(ROOT / "corpus" / "areas.toml")

EXAMPLES = [
    Example(
        "Fitting hearing aids",
        "Audiologists fitted hearing aids for elderly patients in the clinic.",
        "en",
        ["hearing-health"],
    ),
    Example(
        "Woofer cones", "Flax fibre woofer cones and voice coils for loudspeaker production.", "en", ["audio-tech"]
    ),
    Example(
        "Classroom acoustics",
        "Reverberation time and absorbers in classrooms; traffic noise at facades.",
        "en",
        ["acoustics-noise"],
    ),
    Example(
        "Beamforming",
        "An adaptive beamforming algorithm with low latency for embedded DSP.",
        "en",
        ["signal-processing"],
    ),
    Example(
        "Concert sound", "Listeners preferred the immersive spatial audio at the concert.", "en", ["sound-experience"]
    ),
]


def test_seeds_assign_with_evidence_in_both_languages():
    classifier = AreaClassifier(TAXONOMY)
    assert classifier.method == "seeds"
    english = classifier.assign("Hearing aid fitting", "Audiologists adjusted hearing aids for patients.", "en")
    assert english.areas[0] == "hearing-health" and "hearing aid" in english.evidence["hearing-health"]
    danish = classifier.assign("Støjkortlægning", "Kommunen kortlagde vejstøj og trafikstøj langs vejene.", "da")
    assert danish.areas[0] == "acoustics-noise"


def test_the_model_learns_from_hand_labelled_documents():
    # A word no seed knows ("zorblax") becomes evidence once labelled documents use it.
    taught = EXAMPLES + [
        Example(
            f"Zorblax study {i}",
            "The zorblax array of microphones and loudspeaker drivers was measured.",
            "en",
            ["audio-tech"],
        )
        for i in range(5)
    ]
    classifier = AreaClassifier(TAXONOMY, taught, min_examples=1)
    assert classifier.method == "model"
    found = classifier.assign("Zorblax", "A new zorblax prototype.", "en")
    assert found.areas[0] == "audio-tech"
    assert "zorblax" in found.evidence["audio-tech"]


# --- Glossary concepts as evidence, in either language (issue #16) ---------------------------------------------

# Glossary terms of signal processing only, none of them a seed term of the taxonomy.
DANISH_GLOSSARY_ONLY = (
    "Kvantisering og samplingsfrekvens",
    "Projektet undersøgte kvantisering i fastkommaaritmetik, en filterbank med delbånd, taleforbedring før "
    "talegenkendelse og en VAD til taledetektion.",
)
ENGLISH_GLOSSARY_ONLY = (
    "Quantisation and sampling rate",
    "The project studied quantisation in fixed-point arithmetic, subbands, speech enhancement "
    "before speech recognition and a VAD for voice activity detection.",
)


def test_glossary_terms_alone_decide_the_area_in_danish_and_in_english():
    seeds_alone = AreaClassifier(TAXONOMY, concept_weight=0.0)
    classifier = AreaClassifier(TAXONOMY)
    for (title, text), lang, expected in (
        (DANISH_GLOSSARY_ONLY, "da", ["kvantisering", "samplingsfrekvens", "VAD"]),
        (ENGLISH_GLOSSARY_ONLY, "en", ["quantisation", "sampling rate", "VAD"]),
    ):
        assert seeds_alone.assign(title, text, lang).areas == []  # no seed term in the text
        found = classifier.assign(title, text, lang)
        assert found.areas == ["signal-processing"], (lang, found.scores)
        evidence = found.evidence["signal-processing"]
        assert set(expected) <= set(evidence), evidence  # the matched terms, as the glossary writes them
        assert 3 <= len(evidence) <= 6


def test_a_concept_counts_in_the_other_language_and_once_for_its_longest_term():
    matcher = concept_matcher(load_glossary(None), tuple(TAXONOMY.ids))
    assert matcher is concept_matcher(load_glossary(None), tuple(TAXONOMY.ids))  # built once per process
    classifier = AreaClassifier(TAXONOMY)
    # English terms in a Danish document count, stemmed as Danish, like its Danish ones.
    mixed = classifier.assign("Rumakustik", "Vi målte reverberation time og efterklangstid i to lokaler.", "da")
    assert mixed.areas == ["acoustics-noise"]
    assert {"reverberation time", "efterklangstid"} <= set(mixed.evidence["acoustics-noise"])
    # "hearing aid user" is one concept, not also "hearing aid".
    stems, _ = _tokens("", "hearing aid users", "en")
    found = matcher.found(stems, "en")
    assert len(found) == 1 and [n for n, _ in found.values()] == [1]


# --- How many areas a document gets (issue #16) ----------------------------------------------------------------


def test_within_margin_keeps_the_best_and_only_close_runners_up():
    scores = {"a": 10.0, "b": 7.0, "c": 6.0, "d": 0.0}
    assert within_margin(scores, 0.65) == ["a", "b"]  # c is close too, but MAX_AREAS is 2
    assert within_margin(scores, 0.75) == ["a"]
    assert within_margin(scores, 0.65, limit=3) == ["a", "b"]  # 6.0 < 0.65 x 10
    assert within_margin(scores, 0.5, limit=3) == ["a", "b", "c"]
    assert within_margin({"a": 0.0, "b": 0.0}, 0.5) == []  # nothing scored: no area at all
    assert within_margin({"a": 1.0, "b": 0.0}, 0.0) == ["a"]  # a zero score is never kept, whatever the margin


def test_a_passing_mention_does_not_add_an_area_but_a_second_topic_does():
    classifier = AreaClassifier(TAXONOMY)
    one_topic = classifier.assign(
        "Hearing aid fitting in the clinic",
        "Audiologists fitted hearing aids for 200 patients with hearing loss and followed up on hearing aid use "
        "after three months. Patients with tinnitus were offered counselling. The clinic also replaced a loudspeaker "
        "in its waiting room.",
        "en",
    )
    assert one_topic.areas == ["hearing-health"]
    two_topics = classifier.assign(
        "Beamforming in hearing aids",
        "Hearing aid users with hearing loss tested an adaptive beamforming algorithm. The beamforming and noise "
        "reduction run as real-time DSP with low latency; audiologists fitted the hearing aids in the clinic.",
        "en",
    )
    assert sorted(two_topics.areas) == ["hearing-health", "signal-processing"]


def test_no_document_gets_more_than_max_areas_in_either_layer():
    everything = (
        "Hearing aids and audiology for hearing loss. Loudspeakers, headphones and microphones. Room acoustics, "
        "traffic noise and sound insulation. Beamforming, echo cancellation and noise reduction. Music, spatial "
        "audio and soundscapes."
    )
    seeds = AreaClassifier(TAXONOMY).assign("Everything", everything, "en")
    model = AreaClassifier(TAXONOMY, EXAMPLES, min_examples=1).assign("Everything", everything, "en")
    for found, share in ((seeds, SECOND_AREA_RATIO), (model, SECOND_AREA_SHARE)):
        assert 1 <= len(found.areas) <= MAX_AREAS
        assert found.areas == within_margin(found.scores, share)  # both layers decide through the one rule


# --- The held-out evaluation set -------------------------------------------------------------------------------


def test_the_heldout_manifest_parses_and_covers_both_languages_and_every_area():
    rows = read_heldout_manifest()
    assert len(rows) >= 48
    assert HELDOUT.resolve() != (ROOT / "corpus" / "docs").resolve()
    assert (ROOT / "corpus" / "docs") not in HELDOUT.resolve().parents  # `make run` must never seed it
    langs = Counter(row["lang"] for row in rows)
    assert set(langs) == {"da", "en"} and abs(langs["da"] - langs["en"]) <= 2
    per_area = Counter(area for row in rows for area in row["areas"])
    assert set(per_area) == set(TAXONOMY.ids)  # every area present, and no unknown id
    assert max(per_area.values()) <= 2 * min(per_area.values())  # about equal per area
    for row in rows:
        assert 1 <= len(row["areas"]) <= 2
        words = len(row["path"].read_text(encoding="utf-8").split())
        assert 150 <= words <= 400, (row["path"].name, words)
    assert len({row["path"] for row in rows}) == len(rows)
