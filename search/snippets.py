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
from collections import deque
from html import escape, unescape

from search.analysis import TOKEN_PATTERN, normalise_lang, stem_words

_TOKEN = re.compile(TOKEN_PATTERN)
CHAR_LIMIT = 2**15  # like Whoosh's highlighter: passages come from the first 32K characters
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
        marked = _passages(text, frozenset(terms), lang, max_chars // 2 + 40, max_chars // 4)
        if marked:
            return _with_ellipses(" ".join(marked.split()), " ".join(text.split()))
    return lead(text, max_chars)


_END = " .!?;:,)"


def _with_ellipses(marked: str, text: str) -> str:
    """Show where a passage was cut out of the middle of the text."""
    plain = unescape(re.sub(r"</?mark>", "", marked))
    if not text.startswith(plain[:30]):
        marked = "… " + marked
    if not text.rstrip(_END).endswith(plain.rstrip(_END)[-30:]):
        marked += " …"
    return marked


_WORD_CHAR = re.compile(r"\w")
_TOKEN_CHAR = re.compile(r"[\w'’]")


def _matched_words(text: str, terms: frozenset[str], lang: str) -> dict[int, tuple[int, str]]:
    """Start -> (end, stem) of every word whose stem is one of ``terms``.

    Stemming only strips endings, so a word can only stem to a term that
    shares its first two letters: only words starting like a term are
    tokenised and stemmed.
    """
    heads = sorted({t[:2] for t in terms}, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(h) for h in heads) + ")", re.IGNORECASE)
    spans = []
    for found in pattern.finditer(text, 0, CHAR_LIMIT):
        p = found.start()
        if p >= 2 and text[p - 1] in "'’" and _WORD_CHAR.match(text, p - 2):
            continue  # inside a word such as "listener's"
        spans.append(_TOKEN.match(text, p).span())
    if not spans:
        return {}
    stems = stem_words(normalise_lang(lang), [text[a:b].lower() for a, b in spans])
    return {a: (b, stem) for (a, b), stem in zip(spans, stems, strict=True) if stem in terms}


def _passages(text: str, terms: frozenset[str], lang: str, maxchars: int, surround: int) -> str:
    found = _matched_words(text, terms, lang)
    if not found:
        return ""
    best = heapq.nlargest(2, _fragments(text, found, maxchars, surround), key=lambda f: (f[0], f[1]))
    best.sort(key=lambda f: f[1])  # on a tie Whoosh keeps the later passage; shown in text order
    return BETWEEN.join(_format(text, start, end, marks) for _, start, end, marks in best)


def _fragments(text: str, found: dict[int, tuple[int, str]], maxchars: int, surround: int):
    """Whoosh's ContextFragmenter: (score, start, end, marked spans) per passage.

    Words are read one at a time from the text; outside a passage the reader
    jumps to the last ``surround`` characters before the next match (the only
    words that can still open it), so most of a long text is never tokenised.
    """
    starts = sorted(found)
    first = None
    firsts: deque[int] = deque()
    countdown = -1
    marks: list[tuple[int, int]] = []
    seen: set[str] = set()
    currentlen = 0
    endchar = 0
    pos, k = 0, 0
    while True:
        if countdown < 0:
            while k < len(starts) and starts[k] < pos:
                k += 1
            if k == len(starts):
                break  # outside a passage and no match ahead
            q = starts[k] - 1
            while q >= pos and not _WORD_CHAR.match(text, q):
                q -= 1  # q: last character of the word before the match
            target = q - surround
            if target > pos:
                while target > pos and _TOKEN_CHAR.match(text, target - 1):
                    target -= 1  # back to the start of a word
                if target > pos:
                    pos = target
                    firsts.clear()  # words before ``target`` would have left the window anyway
        word = _TOKEN.search(text, pos)
        if word is None:
            break
        startchar, endchar = word.span()
        if endchar > CHAR_LIMIT:
            break
        pos = endchar
        tlength = endchar - startchar
        is_match = startchar in found
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
            seen.add(found[startchar][1])
        if countdown >= 0:
            currentlen += tlength
            countdown -= tlength
            if countdown <= 0:
                if marks:  # Whoosh also emits empty fragments here; they never score
                    yield len(marks) * (len(seen) * 100 or 1), first, endchar, marks
                # countdown is deliberately not reset (as in Whoosh): at exactly 0 the
                # next word closes an empty fragment, which shifts where the next one starts.
                first, firsts, marks, seen, currentlen = None, deque(), [], set(), 0
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
