"""Which language a document is written in (py3langid, restricted to likely ones).

Restricting the candidates to the languages a Danish cluster actually receives
makes short texts far more reliable than asking among ninety-seven.
"""

from __future__ import annotations

import threading

CANDIDATES = ["da", "en", "de", "sv", "no", "nl", "fr"]
_identifier = None
_lock = threading.Lock()


def _get():
    global _identifier
    with _lock:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
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
