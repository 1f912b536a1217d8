"""Query-biased snippets: escaped text with ``<mark>`` around matched words.

The text comes from the catalog (the index stores no body); each word is
stemmed with the document's own language so that "loudspeakers" in the query
marks "loudspeaker" in the text. Everything that is not a ``<mark>`` tag is
HTML-escaped here, so a snippet is safe to insert into a page as it is.

Passages are chosen the way Whoosh's ``ContextFragmenter`` and
``BasicFragmentScorer`` choose them (a fragment grows around matched words up
to a size limit; fragments with more, and more different, matched words win;
the best two are shown in text order), but the text is tokenised with one
regular expression and stemmed in one call to PyStemmer instead of through
Whoosh's per-token analyzer chain: ten hits' snippets were the largest cost
of a search (about 5 ms each for a 900-word report).
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_left, bisect_right
from collections import deque
from html import escape

from search.analysis import TOKEN_PATTERN, normalise_lang, stem_words

_TOKEN = re.compile(TOKEN_PATTERN)
CHAR_LIMIT = 2**15  # like Whoosh's highlighter: only the first 32K characters are searched for passages
BETWEEN = " … "


def lead(text: str, max_chars: int) -> str:
    """The start of ``text`` cut at a word boundary, escaped."""
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return escape(text, quote=False)
    cut = text[:max_chars].rsplit(" ", 1)[0]
    return escape(cut, quote=False) + " …"


def make_snippet(text: str, terms: set[str], lang: str, max_chars: int = 260) -> str:
    """The best one or two passages of ``text`` for the stemmed ``terms``.

    Falls back to the start of the text when no term occurs in it (a match in
    the title or authors only).
    """
    text = text or ""
    if terms and text:
        marked = _passages(text[:CHAR_LIMIT], frozenset(terms), lang, max_chars // 2 + 40, max_chars // 4)
        if marked:
            return " ".join(marked.split())
    return lead(text, max_chars)


def _passages(text: str, terms: frozenset[str], lang: str, maxchars: int, surround: int) -> str:
    spans = [m.span() for m in _TOKEN.finditer(text)]
    words = [text[s:e].lower() for s, e in spans]
    # Stemming only strips endings, so a word can only stem to a term that shares
    # its first two letters: stem just those words.
    heads = {t[:2] for t in terms}
    candidates = [i for i, w in enumerate(words) if w[:2] in heads]
    stems: dict[int, str] = {}
    if candidates:
        stemmed = stem_words(normalise_lang(lang), [words[i] for i in candidates])
        stems = {i: st for i, st in zip(candidates, stemmed, strict=True) if st in terms}
    if not stems:
        return ""
    best = heapq.nlargest(2, _fragments(spans, stems, maxchars, surround), key=lambda f: (f[0], f[1]))
    best.sort(key=lambda f: f[1])  # on a tie Whoosh keeps the later passage; shown in text order
    return BETWEEN.join(_format(text, start, end, marks) for _, start, end, marks in best)


def _fragments(spans: list[tuple[int, int]], stems: dict[int, str], maxchars: int, surround: int):
    """Whoosh's ContextFragmenter over plain lists: (score, start, end, marked spans).

    ``stems`` maps the positions of matched words to their stems. Runs of
    unmatched words between passages are skipped up to the last ``surround``
    characters before the next match, the only ones that can still open it.
    """
    starts = [s for s, _ in spans]
    matches = sorted(stems)
    first = None
    firsts: deque[int] = deque()
    countdown = -1
    marks: list[tuple[int, int]] = []
    seen: set[str] = set()
    currentlen = 0
    endchar = 0
    i, n = 0, len(spans)
    while i < n:
        is_match = i in stems
        if countdown < 0 and not is_match:
            upcoming = bisect_right(matches, i)
            if upcoming == len(matches):
                break  # outside a passage and no match ahead: nothing more to find
            target = spans[matches[upcoming] - 1][1] - surround - 1
            if starts[i] < target:
                i = max(i, bisect_left(starts, target))
                firsts.clear()  # everything before ``target`` would have left the window anyway
                continue
        startchar, endchar = spans[i]
        tlength = endchar - startchar
        if countdown < 0 and not is_match:
            firsts.append(startchar)
            while firsts and endchar - firsts[0] > surround:
                firsts.popleft()
        elif currentlen + tlength > maxchars:
            countdown = 0
        elif is_match:
            countdown = surround
            if first is None:
                if firsts:
                    first = firsts[0]
                else:
                    first = startchar
                    countdown += surround
            marks.append((startchar, endchar))
            seen.add(stems[i])
        if countdown >= 0:
            currentlen += tlength
            countdown -= tlength
            if countdown <= 0:
                if marks:  # Whoosh also emits empty fragments here; they never score
                    yield len(marks) * (len(seen) * 100 or 1), first, endchar, marks
                # countdown is deliberately not reset (as in Whoosh): at exactly 0 the
                # next word closes an empty fragment, which shifts where the next one starts.
                first, firsts, marks, seen, currentlen = None, deque(), [], set(), 0
        i += 1
    if marks:
        yield len(marks) * (len(seen) * 100 or 1), first, endchar, marks


def _format(text: str, start: int, end: int, marks: list[tuple[int, int]]) -> str:
    out, index = [], start
    for s, e in marks:
        if s < index:
            continue
        if s > index:
            out.append(escape(text[index:s], quote=False))
        out.append("<mark>" + escape(text[s:e], quote=False) + "</mark>")
        index = e
    if index < end:
        out.append(escape(text[index:end], quote=False))
    return "".join(out)
