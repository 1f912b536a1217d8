"""The cross-language bench's judged query file (bench/crosslang_queries.toml) is well formed.

Fast and without search: the bench itself (bench/crosslang.py) measures, this only guards the judgments it
measures against, so a renamed corpus file or a half-written query fails here rather than in a bench run.
"""

from __future__ import annotations

from bench.crosslang import CORPUS, QUERIES, load_queries

QUERIES_LIST = load_queries(QUERIES)


def test_the_set_is_large_enough_in_both_directions():
    langs = [j.lang for j in QUERIES_LIST]
    assert len(QUERIES_LIST) >= 60
    assert langs.count("da") >= 30
    assert langs.count("en") >= 30
    assert set(langs) == {"da", "en"}


def test_queries_are_typed_as_people_type_them():
    for judged in QUERIES_LIST:
        words = judged.q.split()
        assert 1 <= len(words) <= 4, judged.q
        assert not any(w in ("OR", "AND", "NOT") or w[0] in "-\"'" or ":" in w for w in words), judged.q
    assert len({(j.q, j.lang) for j in QUERIES_LIST}) == len(QUERIES_LIST), "a query appears twice"


def test_every_judged_path_exists_under_corpus_docs():
    for judged in QUERIES_LIST:
        for path in judged.relevant_other + judged.relevant_same:
            assert (CORPUS / path).is_file(), f"{judged.q!r}: {path}"


def test_every_query_has_an_other_language_target():
    for judged in QUERIES_LIST:
        assert judged.relevant_other, judged.q


def test_judged_documents_are_in_the_language_their_list_says():
    """Sample-corpus file names start with their language (da-, en1-, en2-); other and same must not mix."""
    for judged in QUERIES_LIST:
        other = "en" if judged.lang == "da" else "da"
        for path in judged.relevant_other:
            assert path.split("/")[-1].startswith(other), f"{judged.q!r}: {path}"
        for path in judged.relevant_same:
            assert path.split("/")[-1].startswith(judged.lang), f"{judged.q!r}: {path}"
        assert not set(judged.relevant_other) & set(judged.relevant_same), judged.q
