""" "Did you mean …?" and search-box completions, from what the visitor may see.

Both draw only on :mod:`search.vocabulary` and :mod:`search.titles`, which
count a word or show a title only through the visitor's visibility levels, so
neither can reveal a word or title that occurs only in hidden documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from search import limits
from search.analysis import STOP_WORDS
from search.crosslang import equivalent_texts, recognised_spans, tables_for
from search.engine.reading.searcher import Snapshot
from search.searching import SearchRequest, search
from search.titles import TitleIndex
from search.vocabulary import Vocabulary, vocabulary

FEW = 3
"""A query that finds fewer documents than this (with all its words) gets a spelling check."""

RARE = 2
"""A word in at most this many visible documents may be corrected to a much more frequent one."""

_WORD = re.compile(r"\w+(?:['’]\w+)*")
_LAST_WORD = re.compile(r"(?<![\w:])\w+(?:['’]\w+)*$")
_FIELD_BEFORE = re.compile(r"(\w+):\"?$")
_NEGATED_BEFORE = re.compile(r"(?:^|[\s(])(?:-|NOT\s+)$")
_OPERATORS = frozenset({"AND", "OR", "NOT", "TO", "ANDNOT", "ANDMAYBE"})
_WORD_FIELDS = frozenset({"title", "abstract", "body", "text"})


@dataclass(frozen=True)
class Completion:
    text: str
    kind: str  # "term": the query with its last word completed; "title": a document
    doc_id: str | None = None


def correctable_words(text: str) -> list[re.Match[str]]:
    """The words of ``text`` a spelling correction may replace.

    Not operators, field names, numbers, excluded words, words the person
    marked as prefix (``*``) or fuzzy (``~``), nor values of fields whose
    words are not in the vocabulary (``author:``, ``org:``, ``area:``...).
    """
    found = []
    for match in _WORD.finditer(text):
        word, start, end = match.group(), match.start(), match.end()
        before = text[:start]
        field = _FIELD_BEFORE.search(before)
        if (
            word in _OPERATORS
            or text[end : end + 1] in (":", "*", "~", "?")
            or any(ch.isdigit() for ch in word)
            or _NEGATED_BEFORE.search(before)
            or (field is not None and field.group(1).lower() not in _WORD_FIELDS)
        ):
            continue
        found.append(match)
    return found


def correct_word(vocab: Vocabulary, word: str) -> str | None:
    """The visible word ``word`` was most likely meant to be, or None to keep it.

    Unknown words are corrected; rare ones only to a word at least ten times as
    frequent. Nearest first, then most frequent among visible documents. A stop
    word of either language is a real word even though the vocabulary (the
    unstemmed ``words`` field, which drops them) does not know it: "men" is
    not a misspelt "mean".
    """
    lowered = word.lower()
    if not 3 <= len(lowered) <= limits.LIMITS.max_correct_chars or lowered in STOP_WORDS:
        return None
    own = vocab.known(lowered)
    if own > RARE:
        return None
    candidates = vocab.near(lowered, maxdist=1 if len(lowered) <= 4 else 2)
    if not candidates:
        return None
    best, _distance, freq = min(candidates, key=lambda c: (c[1], -c[2], c[0]))
    if own and freq < 10 * own:
        return None
    return best


def did_you_mean(snapshot: Snapshot, request: SearchRequest, total: int, relaxed: bool) -> str | None:
    """A corrected query when this one finds little and the correction finds more.

    ``total``/``relaxed`` describe the original result; when it fell back to
    any-word matching it found nothing with all its words, so the bar is zero.
    The corrected query is searched with the same filters and must find more
    documents with all its words than the original did.
    """
    strict_total = 0 if relaxed else total
    if strict_total >= FEW or not request.q.strip():
        return None
    try:
        with limits.time_budget():  # a suggestion is optional: past its budget there is simply none
            return _corrected(snapshot, request, strict_total)
    except limits.QueryTooExpensive:
        return None


def _corrected(snapshot: Snapshot, request: SearchRequest, strict_total: int) -> str | None:
    vocab = vocabulary(snapshot, request.visibility)
    # A glossary term is a word of the cluster, not a misspelling, even where no visible document has it.
    known = recognised_spans(request.q, tables_for(request.glossary))
    pieces, last, changed = [], 0, False
    for match in correctable_words(request.q)[:12]:
        limits.check()
        if any(start <= match.start() and match.end() <= end for start, end in known):
            continue
        fixed = correct_word(vocab, match.group())
        if fixed is not None:
            pieces.append(request.q[last : match.start()] + fixed)
            last, changed = match.end(), True
    if not changed:
        return None
    corrected = "".join(pieces) + request.q[last:]
    better = search(snapshot, replace(request, q=corrected, page=1, per_page=1))
    if better.relaxed or better.total <= strict_total:
        return None
    return corrected


def complete(
    snapshot: Snapshot,
    titles: TitleIndex | None,
    text: str,
    levels: tuple[str, ...],
    terms: int = 5,
    documents: int = 5,
    glossary: str | None = None,
    crosslang: bool = True,
) -> list[Completion]:
    """Completions of ``text``: the query with its last word completed, then matching titles, then (with
    ``crosslang``) titles the typed glossary terms find in the other language ("høreapparat": "Beamforming in
    hearing aids"), as the search itself would (:mod:`search.crosslang`; ``glossary`` is its file)."""
    text = (text or "")[: limits.LIMITS.max_suggest_chars]
    if not _WORD.search(text):
        return []
    out: list[Completion] = []
    last = _LAST_WORD.search(text)
    if last is not None and len(last.group()) >= 2 and last.group() not in _OPERATORS:
        typed = last.group()
        head = text[: last.start()]
        for word, _freq in vocabulary(snapshot, levels).completions(typed.lower(), terms):
            # Keep the person's own capitals for the part they typed.
            same = word.startswith(typed.lower()) and len(typed.lower()) == len(typed)
            out.append(Completion(head + (typed + word[len(typed) :] if same else word), "term"))
    if titles is None:
        return out
    found = titles.complete(text, levels, documents)
    if crosslang and len(found) < documents:
        seen = {e.id for e in found}
        for other in equivalent_texts(text, tables_for(glossary)):
            for entry in titles.complete(other, levels, documents - len(found)):
                if entry.id not in seen:
                    seen.add(entry.id)
                    found.append(entry)
    out.extend(Completion(e.title, "title", e.id) for e in found)
    return out
