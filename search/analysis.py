"""Per-language text analysis.

Each document is analysed with the stemmer of its own language and stored in
that language's fields; a query is analysed once per language and searched in
both, so a Danish query finds Danish inflections and an English one English
plurals without either language's stemmer mangling the other.

Stemming uses PyStemmer (C Snowball) because it is several times faster than
Whoosh's pure-Python stemmers for the same algorithm.
"""

from __future__ import annotations

import re
import threading
from functools import cache

import Stemmer
from whoosh.analysis import (
    Analyzer,
    LowercaseFilter,
    PyStemmerFilter,
    RegexTokenizer,
    StopFilter,
)
from whoosh.lang.stopwords import stoplists

LANGUAGES = ("en", "da")
"""Languages with their own analysis; any other language is indexed as English."""

_SNOWBALL = {"en": "english", "da": "danish"}

# Hyphens split words ("cochlear-implantat" is found by "implantat"); an
# apostrophe inside a word keeps it whole ("listener's").
TOKEN_PATTERN = r"\w+(?:['’]\w+)*"

LANGUAGE_STOP_WORDS = {lang: frozenset(stoplists[lang]) for lang in LANGUAGES}
"""Each language's text fields drop only that language's stop words: "men", "dog" and "end" are words in
English, "by" (town), "is" (ice) and "to" (two) in Danish. A query word that is a stop word in one language
only is required in the other's fields and waived for documents in the first
(:func:`search.stop_waiver.waive_stop_words`)."""

STOP_WORDS = frozenset().union(*LANGUAGE_STOP_WORDS.values())
"""Stop words of any language: for fields and checks that are not of one language (names, the unstemmed
``words`` field that spelling suggestions read, telling a sentence from a list of words)."""

_find_words = re.compile(TOKEN_PATTERN).findall


@cache
def language_analyzer(lang: str) -> Analyzer:
    """Tokenise, lowercase, drop the language's stop words and stem for ``lang``."""
    lang = lang if lang in _SNOWBALL else "en"
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | StopFilter(stoplist=LANGUAGE_STOP_WORDS[lang], minsize=1)
        | PyStemmerFilter(_SNOWBALL[lang], cachesize=100_000)
    )


_stemmers = threading.local()


def stem_words(lang: str, words: list[str]) -> list[str]:
    """Stem lowercased ``words`` in one C call, as :func:`language_analyzer` stems them.

    PyStemmer objects are not thread-safe, so each thread keeps its own.
    """
    algorithm = _SNOWBALL.get(lang, "english")
    found = getattr(_stemmers, algorithm, None)
    if found is None:
        found = Stemmer.Stemmer(algorithm, 100_000)
        setattr(_stemmers, algorithm, found)
    return found.stemWords(words)


def content_words(text: str, lang: str) -> list[str]:
    """The lowercased non-stop words of ``text``, as ``lang``'s analyzer sees them before stemming.

    One regex pass and a list, without Whoosh's per-token objects: for code
    that needs the words or stems of whole documents (strength areas), where
    the analyzer chain was most of the time.
    """
    stops = LANGUAGE_STOP_WORDS[normalise_lang(lang)]
    return [w for w in map(str.lower, _find_words(text)) if w not in stops]


class JoinedText(str):
    """Text parts joined by newlines, which knows its parts.

    No token spans a newline, so the words of the whole are the words of the
    parts in turn. The index's ``words`` field is the title, abstract and body
    joined: the writer's fast path (:mod:`search.engine.writing.fastterms`) takes its words
    from the parts it has just analysed for their own fields rather than
    tokenising the whole text a second time. Anywhere else it is a plain string.
    """

    parts: tuple[str, ...]

    def __new__(cls, parts: tuple[str, ...]) -> JoinedText:
        joined = super().__new__(cls, "\n".join(parts))
        joined.parts = parts
        return joined


def plain_analyzer() -> Analyzer:
    """Lowercased words without stemming, for names (authors, organisations)."""
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | StopFilter(stoplist=STOP_WORDS, minsize=1)


def normalise_lang(lang: str | None) -> str:
    """Map a detected or declared language code to one we analyse."""
    code = (lang or "").strip().lower()[:2]
    return code if code in LANGUAGES else "en"
