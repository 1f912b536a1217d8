"""Automatic strength areas: the seed layer, the learned model, and the evidence people see."""

from __future__ import annotations

from pathlib import Path

from ingest.areas import AreaClassifier, Example
from ingest.taxonomy import load_taxonomy

TAXONOMY = load_taxonomy(Path(__file__).resolve().parent.parent / "corpus" / "areas.toml")

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
