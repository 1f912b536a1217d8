"""Query-biased snippets: the passages of a text richest in query words, and where those words are.

The text comes from the catalog (the index stores no body); each word is
stemmed with the document's own language so that "loudspeakers" in the query
marks "loudspeaker" in the text. A snippet is made once, as plain text with
the character offsets of its matched words (:class:`Snippet`, from
:func:`highlight`). Pages take its HTML form (:meth:`Snippet.html`:
everything HTML-escaped but the ``<mark>`` tags, safe to insert as it is), the
command line its text and offsets, so the two never disagree on what matched.

Passages are scored the way Whoosh's ``BasicFragmentScorer`` scores them
(more different query words first, then more matches), but they are found
from the matched words alone: only words that start like a query term are
stemmed (one regular expression, one PyStemmer call), and a passage is the
longest run of matches that fits, widened with context to whole words.
Whoosh's ``ContextFragmenter`` reads every word of the text one at a time in
Python; even reproduced exactly and faster, that made ten hits' snippets the
largest cost of a search at 100,000 documents (about 0.4 ms a report).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from search.analysis import normalise_lang, stem_words

CHAR_LIMIT = 2**15  # like Whoosh's highlighter: passages come from the first 32K characters
BETWEEN = " … "
_END = " \t\r\n.!?;:,)"


@dataclass(frozen=True)
class Snippet:
    """A snippet as plain, unescaped text and the ``(start, end)`` character offsets of its matched words.

    The offsets index ``text`` (Python string offsets, i.e. code points), in order, never overlapping.
    """

    text: str
    matches: tuple[tuple[int, int], ...] = ()

    def html(self) -> str:
        """The text HTML-escaped, each match inside ``<mark>``."""
        out, index = [], 0
        for start, end in self.matches:
            out.append(escape(self.text[index:start], quote=False))
            out.append("<mark>" + escape(self.text[start:end], quote=False) + "</mark>")
            index = end
        out.append(escape(self.text[index:], quote=False))
        return "".join(out)


def lead(text: str, max_chars: int) -> str:
    """The start of ``text`` cut at a word boundary, escaped."""
    return _lead(text, max_chars).html()


def _lead(text: str, max_chars: int) -> Snippet:
    head = " ".join(text[: max_chars * 4].split())
    if len(head) <= max_chars and max_chars * 4 < len(text):
        head = " ".join(text.split())  # mostly white space: normalise it all
    if len(head) <= max_chars:
        return Snippet(head)
    return Snippet(head[:max_chars].rsplit(" ", 1)[0] + " …")


def make_snippet(text: str, terms: set[str], lang: str, max_chars: int = 260) -> str:
    """:func:`highlight`'s snippet as HTML: escaped, with ``<mark>`` around the matched words."""
    return highlight(text, terms, lang, max_chars).html()


def highlight(text: str, terms: set[str], lang: str, max_chars: int = 260) -> Snippet:
    """The best one or two passages of ``text`` for the stemmed ``terms``, in text order, with their matches.

    An ellipsis shows where a passage was cut out of the middle of the text.
    Falls back to the start of the text, without matches, when no term occurs
    in it (a match in the title or authors only).
    """
    text = text or ""
    if terms and text:
        passages = _passages(text, frozenset(terms), lang, max_chars // 2 + 40, max_chars // 4)
        if passages:
            out: list[str] = ["… "] if text[: passages[0][0]].strip() else []
            matches: list[tuple[int, int]] = []
            length = len(out[0]) if out else 0
            for n, (a, b, marks) in enumerate(passages):
                if n:
                    out.append(BETWEEN)
                    length += len(BETWEEN)
                passage, spans = _squeezed(text, a, b, marks)
                matches.extend((length + s, length + e) for s, e in spans)
                out.append(passage)
                length += len(passage)
            if text[passages[-1][1] :].strip(_END):
                out.append(" …")
            return Snippet("".join(out), tuple(matches))
    return _lead(text, max_chars)


def _matched_words(text: str, terms: frozenset[str], lang: str) -> list[tuple[int, int, str]]:
    """(start, end, stem) of every word whose stem is one of ``terms``, in text order.

    Stemming only changes the end of a word, so a word can only stem to a
    term that shares its start (its first three letters for a stem of five or
    more, else two): only words starting like a term are stemmed. They are
    found in the lower-cased text by one regular expression that begins with
    those letters (a fast literal scan), then kept only at a word's start (not
    inside a word such as "listener's").
    """
    low = text[:CHAR_LIMIT].lower()
    if len(low) != min(len(text), CHAR_LIMIT):  # a letter whose lower case is longer: no offsets to share
        return []
    spans = []
    for m in _candidates(terms).finditer(low):
        a = m.start()
        if a and (low[a - 1].isalnum() or low[a - 1] == "_"):
            continue
        if a >= 2 and low[a - 1] in "'’" and (low[a - 2].isalnum() or low[a - 2] == "_"):
            continue
        spans.append(m.span())
    if not spans:
        return []
    stems = stem_words(normalise_lang(lang), [low[a:b] for a, b in spans])
    return [(a, b, stem) for (a, b), stem in zip(spans, stems, strict=True) if stem in terms]


@lru_cache(maxsize=256)
def _candidates(terms: frozenset[str]) -> re.Pattern:
    heads = sorted({t[:3] if len(t) >= 5 else t[:2] for t in terms}, key=len, reverse=True)
    return re.compile("(?:" + "|".join(re.escape(h) for h in heads) + r")\w*(?:['’]\w+)*")


def _passages(
    text: str, terms: frozenset[str], lang: str, maxchars: int, surround: int
) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """(start, end, marked spans) of the best passage and the best one apart from it, in text order."""
    spans = _matched_words(text, terms, lang)
    if not spans:
        return []
    windows = _windows(spans, maxchars - surround)
    first = max(windows, key=lambda w: (w[0], -w[1]))
    best = [first]
    a0, b0 = spans[first[1]][0], spans[first[2]][1]
    apart = [w for w in windows if spans[w[2]][1] + surround < a0 or spans[w[1]][0] > b0 + surround]
    shown = _core(text, a0, b0)
    for w in sorted(apart, key=lambda w: (-w[0], w[1])):
        core = _core(text, spans[w[1]][0], spans[w[2]][1])
        if core not in shown and shown not in core:  # not the same sentence again (an abstract repeated in the body)
            best.append(w)
            break
    best.sort(key=lambda w: w[1])
    out = []
    for _, i, j in best:
        a, b = _widen(text, spans[i][0], spans[j][1], maxchars, surround)
        out.append((a, b, [(s, e) for s, e, _ in spans if a <= s and e <= b]))
    return out


def _core(text: str, a: int, b: int) -> str:
    return " ".join(text[a:b].lower().split())


def _windows(spans: list[tuple[int, int, str]], width: int) -> list[tuple[int, int, int]]:
    """(score, first, last) of the longest run of matches from each match that fits in ``width`` characters.

    Scored as Whoosh's ``BasicFragmentScorer`` scores a passage: different
    query words first, then how many matches. Only the matches are looked at,
    never the words between them. The window slides: each match enters and
    leaves the count of its stem once.
    """
    out = []
    counts: dict[str, int] = {}  # stems in the window spans[i..j] and how often
    j = -1
    for i, (a, _, _) in enumerate(spans):
        while j + 1 < len(spans) and (j < i or spans[j + 1][1] - a <= width):
            j += 1
            counts[spans[j][2]] = counts.get(spans[j][2], 0) + 1
        out.append(((j - i + 1) * len(counts) * 100, i, j))
        stem = spans[i][2]
        if counts[stem] == 1:
            del counts[stem]
        else:
            counts[stem] -= 1
    return out


_SPACE = re.compile(r"\s")


def _widen(text: str, a: int, b: int, maxchars: int, surround: int) -> tuple[int, int]:
    """Grow the span ``a:b`` with context to about ``maxchars``, cut at whole words."""
    room = max(0, maxchars - (b - a))
    before = min(surround, room // 2, a)
    start = a - before
    if start > 0 and not text[start - 1].isspace():
        gap = _SPACE.search(text, start, a)  # a word was cut: start after it
        start = gap.end() if gap else a
    end = min(len(text), b + room - before)
    if end < len(text) and not text[end].isspace():
        cut = max(text.rfind(" ", b, end), text.rfind("\n", b, end))
        end = cut if cut >= 0 else b
    return start, end


def _squeezed(text: str, start: int, end: int, marks: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """``text[start:end]`` as ``" ".join(part.split())`` makes it, and where ``marks`` (offsets into ``text``)
    are in the result; a mark overlapping the one before it is dropped."""
    raw = text[start:end]
    if not _ODD_SPACE.search(raw):  # single spaces only: nothing moves but the leading cut
        passage = raw.strip(" ")
        cut = len(raw) - len(raw.lstrip(" "))
        spans, index = [], start
        for s, e in marks:
            if s >= index:
                spans.append((max(0, s - start - cut), min(len(passage), e - start - cut)))
                index = e
        return passage, spans
    runs = [m.span() for m in _SPACE_RUN.finditer(raw)]
    run_starts = [a for a, _ in runs]
    removed_before = [0]  # characters removed by the runs before run i, each run becoming one space
    for a, b in runs:
        removed_before.append(removed_before[-1] + b - a - 1)
    squeezed = _SPACE_RUN.sub(" ", raw)
    lead_cut = len(squeezed) - len(squeezed.lstrip())
    passage = squeezed.strip()

    def moved(offset: int) -> int:
        i = bisect_right(run_starts, offset) - 1  # the last run starting at or before offset
        if i < 0:
            return offset - lead_cut
        a, b = runs[i]
        inside = min(offset, b) - a  # how far into that run offset lies
        return offset - removed_before[i] - max(0, inside - 1) - lead_cut

    spans, index = [], start
    for s, e in marks:
        if s < index:
            continue
        spans.append((max(0, moved(s - start)), min(len(passage), moved(e - start))))
        index = e
    return passage, spans


_SPACE_RUN = re.compile(r"\s+")
_ODD_SPACE = re.compile(r"\s\s|[^\S ]")  # white space that squeezing changes
