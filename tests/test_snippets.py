"""Snippets show the passages richest in query words, with every matched word marked and all else escaped."""

from __future__ import annotations

import re
from html import unescape

import pytest

from bench.speed_corpus import Vocabulary, make_doc
from search.analysis import language_analyzer, stem_words
from search.snippets import highlight, lead, make_snippet

MARK = re.compile(r"<mark>(.*?)</mark>")
WORD = re.compile(r"\w+(?:['’]\w+)*")


def stems_of(query: str, lang: str) -> set[str]:
    return {t.text for t in language_analyzer(lang)(query)}


def plain(snippet: str) -> str:
    return unescape(re.sub(r"</?mark>", "", snippet))


@pytest.fixture(scope="module")
def vocab():
    return Vocabulary.build()


@pytest.mark.parametrize("query", ["hearing aids noise", "loudspeaker", "speech intelligibility test", "støj målinger"])
def test_every_matching_word_shown_is_marked_and_only_those(vocab, query):
    for number in range(60):
        doc = make_doc(vocab, number, words=400)
        terms = stems_of(query, doc.lang)
        snippet = make_snippet(doc.body, terms, doc.lang)
        marked = MARK.findall(snippet)
        assert all(w in terms for w in stem_words(doc.lang, [unescape(m).lower() for m in marked])), number
        unmarked = WORD.findall(plain(MARK.sub(" ", snippet)))
        assert not [w for w in stem_words(doc.lang, [w.lower() for w in unmarked]) if w in terms], number
        shown = plain(snippet).replace("…", " ")
        assert all(part.strip() in " ".join(doc.body.split()) for part in shown.split("  ")), number
        if marked:
            assert len(shown) <= 2 * 170 + 10, number


def test_the_passage_with_the_most_different_query_words_is_shown():
    filler = " ".join(["the measured level was stable over the session"] * 12)
    text = (
        f"Noise was present. {filler} Hearing was tested. {filler} "
        f"Hearing aids reduce background noise for most listeners. {filler} Noise again."
    )
    snippet = make_snippet(text, stems_of("hearing aids noise", "en"), "en")
    assert "<mark>Hearing</mark> <mark>aids</mark> reduce background <mark>noise</mark>" in snippet


def test_passages_are_cut_at_whole_words_with_ellipses_where_text_was_left_out():
    words = [f"word{n}" for n in range(200)]
    words[100] = "loudspeakers"
    text = " ".join(words)
    snippet = make_snippet(text, {"loudspeak"}, "en")
    assert snippet.startswith("… ") and snippet.endswith(" …")
    inner = plain(snippet)[2:-2].split()
    assert inner[0] in words and inner[-1] in words and "loudspeakers" in inner
    at_start = make_snippet("Loudspeakers matter. " + text, {"loudspeak"}, "en")
    assert at_start.startswith("<mark>Loudspeakers</mark>")


def test_two_passages_far_apart_are_shown_in_text_order():
    filler = " ".join(["plain words here"] * 40)
    text = f"Tinnitus in children. {filler} Reverberation time of rooms. {filler}"
    snippet = make_snippet(text, stems_of("tinnitus reverberation", "en"), "en")
    assert snippet.index("Tinnitus") < snippet.index("Reverberation") and " … " in snippet


def test_words_inside_other_words_and_possessives():
    text = "The listener's HEARING's l'aids 'noise' unheard noises Støjen’s hearings."
    snippet = make_snippet(text, stems_of("hearing aids noise", "en"), "en")
    assert MARK.findall(snippet) == ["HEARING's", "noise", "noises", "hearings"]
    assert make_snippet("Støjen: niveau og STØJ", stems_of("støj", "da"), "da").count("<mark>") == 2


def test_html_in_the_text_is_escaped_everywhere():
    snippet = make_snippet("<b>Loud</b> & <script>x</script> loudspeaker", {"loudspeak"}, "en")
    assert "<b>" not in snippet and "&lt;b&gt;" in snippet and "&amp;" in snippet
    assert "<mark>loudspeaker</mark>" in snippet


def test_no_match_falls_back_to_the_start_escaped():
    snippet = make_snippet("<i>Plain</i> text without it", {"loudspeak"}, "en")
    assert snippet == "&lt;i&gt;Plain&lt;/i&gt; text without it"
    long = "word " * 30 + "\n\n" * 500 + "tail " * 100
    assert lead(long, 260).endswith(" …") and "\n" not in lead(long, 260)


def test_a_passage_repeated_later_in_the_text_is_not_shown_twice():
    abstract = "Hearing aid users often find their own voice too loud."
    filler = " ".join(["plain words here"] * 40)
    text = f"{abstract}\n\n{filler} Abstract {abstract} {filler} Hearing aids in noise. {filler}"
    snippet = make_snippet(text, stems_of("hearing aid", "en"), "en")
    assert snippet.count("own voice") == 1 and "<mark>aids</mark> in noise" in snippet


def test_plain_snippets_carry_the_offsets_of_exactly_the_marked_words():
    """The command line's JSON takes the plain text and offsets: they must say what the page marks, unescaped."""
    filler = " ".join(["plain  words\n\nhere"] * 40)
    text = f"<b>Tinnitus</b> &   children. {filler} Reverberation\ttime  of rooms &amp; halls. {filler}"
    terms = stems_of("tinnitus reverberation", "en")
    snippet = highlight(text, terms, "en")
    assert "<b>Tinnitus</b> & children." in snippet.text and "<mark>" not in snippet.text and "\n" not in snippet.text
    words = [snippet.text[a:b] for a, b in snippet.matches]
    assert words == ["Tinnitus", "Reverberation"] and "rooms &amp; halls" in snippet.text
    assert snippet.html() == make_snippet(text, terms, "en")
    assert highlight("<i>Plain</i> text", terms, "en").matches == ()
