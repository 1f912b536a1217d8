"""Query-biased snippets: escaped text with ``<mark>`` around matched words.

The text comes from the catalog (the index stores no body); it is analysed
with the document's own language analyzer so that "loudspeakers" in the query
marks "loudspeaker" in the text. Everything that is not a ``<mark>`` tag is
HTML-escaped here, so a snippet is safe to insert into a page as it is.
"""

from __future__ import annotations

import re
from html import escape, unescape

from whoosh import highlight

from search.analysis import language_analyzer, normalise_lang


class _MarkFormatter(highlight.Formatter):
    between = " … "

    def _text(self, text: str) -> str:
        return escape(text, quote=False)

    def format_token(self, text, token, replace=False):
        return "<mark>" + escape(highlight.get_text(text, token, replace), quote=False) + "</mark>"


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
        fragmenter = highlight.ContextFragmenter(maxchars=max_chars // 2 + 40, surround=max_chars // 4)
        marked = highlight.highlight(
            text[:200_000],
            frozenset(terms),
            language_analyzer(normalise_lang(lang)),
            fragmenter,
            _MarkFormatter(),
            top=2,
            scorer=highlight.BasicFragmentScorer(),
            minscore=1,
        )
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
