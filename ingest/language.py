"""Which language a document is written in (py3langid, restricted to likely ones).

Restricting the candidates to the languages a Danish cluster actually receives
makes short texts far more reliable than asking among ninety-seven.

py3langid's model is kept; only how it counts a text's byte n-grams differs
(:class:`_ArrayIdentifier`). The library walks its automaton one byte at a time
in Python, which was the largest single cost of a parser child (0.6 of about
3 ms per speed-bench report); the same walk done for all positions at once with
numpy gives the same counts in a fifth of the time.
"""

from __future__ import annotations

import threading

import numpy as np
from py3langid.langid import LanguageIdentifier

CANDIDATES = ["da", "en", "de", "sv", "no", "nl", "fr"]
_identifier = None
_lock = threading.Lock()


def _depth(nextmove: np.ndarray, rowbase: np.ndarray) -> int:
    """The most bytes any automaton state stands for (its distance from the start state).

    The automaton is Aho-Corasick's: after any text, its state is the longest
    suffix of the text that is a prefix of some feature, so it depends only on
    the last ``depth`` bytes.
    """
    seen = np.zeros(len(rowbase), dtype=bool)
    seen[0] = True
    frontier, depth = np.array([0]), 0
    every_byte = np.arange(256)
    while len(frontier):
        before = seen.copy()
        seen[nextmove[(rowbase[frontier])[:, None] + every_byte]] = True
        frontier, depth = np.flatnonzero(seen & ~before), depth + 1
    return depth - 1


class _ArrayIdentifier(LanguageIdentifier):
    """py3langid's identifier with the automaton walked for every byte position at once.

    The state at position ``i`` is the state reached from the start over bytes
    ``i - depth + 1 .. i`` (see :func:`_depth`), so ``depth`` array lookups over
    all positions replace one Python step per byte. Scores are the library's
    own formula over the same counts (``tests/test_language.py`` compares the
    two on both languages and odd input).
    """

    __slots__ = ("_arrays",)

    def prepare_arrays(self) -> None:
        nextmove = np.asarray(self.tk_nextmove)  # the library's array itself (uint32, 39 MB), not a copy
        rowbase = np.asarray(self._rowbase, dtype=np.int64)
        self._arrays = nextmove, rowbase, np.asarray(self.tk_output, dtype=np.int64), _depth(nextmove, rowbase)

    def feature_counts(self, data: bytes) -> tuple[np.ndarray, np.ndarray]:
        """(feature numbers, how often each occurs) in UTF-8 ``data``, as the library's walk counts them."""
        nextmove, rowbase, output, depth = self._arrays
        text = np.frombuffer(data, dtype=np.uint8).astype(np.int64)
        length = len(text)
        state = np.zeros(length, dtype=nextmove.dtype)
        for back in range(min(depth, length) - 1, -1, -1):  # position i reads byte i - back
            state[back:] = nextmove[rowbase[state[back:]] + text[: length - back]]
        features = output[state]
        return np.unique(features[features >= 0], return_counts=True)

    def _raw_score(self, text: bytes) -> np.ndarray:
        features, counts = self.feature_counts(text)
        if not len(features):
            return super()._raw_score(text)  # the library's answer for a text without features
        return np.log1p(counts.astype(np.float32)) @ self.nb_ptc[features] + self.nb_pc


def _get() -> LanguageIdentifier:
    global _identifier
    with _lock:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE

            ident = _ArrayIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
            ident.prepare_arrays()
            ident.set_languages(CANDIDATES)
            _identifier = ident
    return _identifier


SAMPLE_CHARS = 2000
"""Characters of text the language is told from. The identifier's time grows with the sample; 2,000 gave the
same language as 5,000 for all 88 documents of corpus/manifest.csv (88 right), 1,000 speed-bench reports
(all right) and 58 real-world fixtures (the same languages; one LaTeX PDF's confidence fell below 0.9),
at half the time."""


def _sample(text: str, chars: int) -> str:
    """The first ``chars`` characters of ``text`` with runs of white space made one space.

    Normalises only a prefix: a 5 MB text need not be split whole for 2,000 characters.
    """
    sample = " ".join(text[: 4 * chars].split())
    if len(sample) < chars and len(text) > 4 * chars:  # mostly white space: take it all
        sample = " ".join(text.split())
    return sample[:chars]


def detect_language(text: str, min_chars: int = 40) -> tuple[str | None, float]:
    """Return (ISO 639-1 code, confidence), or (None, 0.0) for too little text."""
    sample = _sample(text, SAMPLE_CHARS)
    if len(sample) < min_chars:
        return None, 0.0
    lang, confidence = _get().classify(sample)
    return lang, float(confidence)
