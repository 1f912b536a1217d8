"""Snippets pick and mark the same passages Whoosh's highlighter would, much faster."""

from __future__ import annotations

from html import escape

import pytest
from whoosh import highlight

from bench.speed_corpus import Vocabulary, make_doc
from search.analysis import language_analyzer
from search.snippets import _with_ellipses, lead, make_snippet


class _WhooshMarks(highlight.Formatter):
    between = " … "

    def _text(self, text):
        return escape(text, quote=False)

    def format_token(self, text, token, replace=False):
        return "<mark>" + escape(highlight.get_text(text, token, replace), quote=False) + "</mark>"


def whoosh_snippet(text: str, terms: set[str], lang: str) -> str:
    marked = highlight.highlight(
        text,
        frozenset(terms),
        language_analyzer(lang),
        highlight.ContextFragmenter(maxchars=170, surround=65),
        _WhooshMarks(),
        top=2,
        scorer=highlight.BasicFragmentScorer(),
        minscore=1,
    )
    if not marked:
        return lead(text, 260)
    return _with_ellipses(" ".join(marked.split()), " ".join(text.split()))


@pytest.fixture(scope="module")
def vocab():
    return Vocabulary.build()


@pytest.mark.parametrize("query", ["hearing aids noise", "loudspeaker", "speech intelligibility test", "støj målinger"])
def test_same_passages_as_whoosh_highlighter(vocab, query):
    for number in range(60):
        doc = make_doc(vocab, number, words=400)
        terms = {t.text for t in language_analyzer(doc.lang)(query)}
        text = doc.body if number % 3 else f"<b>{doc.body[:700]}</b> & noise"
        if number % 5 == 0:  # apostrophes inside and around words, capitals
            text = text.replace(" and ", " HEARING's l'aids 'noise' Støjen’s and ")
        assert make_snippet(text, terms, doc.lang) == whoosh_snippet(text, terms, doc.lang), number


def test_no_match_falls_back_to_the_start_escaped():
    snippet = make_snippet("<i>Plain</i> text without it", {"loudspeak"}, "en")
    assert snippet == "&lt;i&gt;Plain&lt;/i&gt; text without it"
