"""Language detection: the array walk of py3langid's automaton counts and scores exactly as the library does."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier, visit_counts

from ingest.language import CANDIDATES, _get, _sample, detect_language

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "docs"


@pytest.fixture(scope="module")
def library() -> LanguageIdentifier:
    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(CANDIDATES)
    return ident


def _texts() -> list[str]:
    """The corpus's text-like files in both languages, and input no document was written to be."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.rglob("*")) if p.suffix in {".md", ".txt", ".html"}]
    rng = random.Random(7)
    alphabet = "abcæøåé ÆØÅ\t\n-–.,;:!?0123456789€ßü日本語😀\u200b\x00"
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 400))) for _ in range(60)]
    texts += ["a", "ab", "Høj", "STØJ I BYEN OG PÅ ARBEJDSPLADSEN", "x" * 3000, "😀" * 50]
    # Other scripts: the automaton's longest features (six bytes) are pairs of Japanese characters.
    texts += ["この文書は補聴器についてです。して、いる、ことがあります。", "噪声测量报告。", "Шум и слух", "θόρυβος"]
    return texts


def test_the_corpus_is_read_in_both_languages():
    """Guards the comparison below: it must cover Danish and English documents, not an empty folder."""
    found = Counter(detect_language(text)[0] for text in _texts()[:-70])
    assert found["da"] >= 10 and found["en"] >= 10


def test_array_walk_counts_every_feature_as_the_library_does(library):
    ours = _get()
    for text in _texts():
        data = library._encode(_sample(text, 2000))
        expected = visit_counts(library.tk_nextmove, library._rowbase, library.tk_output, data) or Counter()
        features, counts = ours.feature_counts(data)
        assert dict(zip(features.tolist(), counts.tolist(), strict=True)) == expected, text[:40]


def test_languages_and_confidences_match_the_library(library):
    ours = _get()
    for text in _texts():
        sample = _sample(text, 2000)
        lang, confidence = ours.classify(sample)
        expected_lang, expected_confidence = library.classify(sample)
        assert lang == expected_lang, text[:40]
        assert confidence == pytest.approx(expected_confidence, abs=1e-5), text[:40]
