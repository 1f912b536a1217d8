"""Array scoring gives Whoosh's own ranking: same matches, same scores, same top 10.

The fast path is only worth having if a person sees exactly what Whoosh would
have shown, so every query shape the parser produces is checked against
Whoosh's searcher on real indexes: the mini corpus, and a generated set of a
thousand reports written in several commits (several segments, one deletion).
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
from whoosh import query as wq
from whoosh import scoring

from bench.speed_corpus import Vocabulary, make_doc
from search.engine.reading.index import open_index
from search.engine.reading.searcher import SearcherPool, Snapshot
from search.engine.scoring.evaluator import Scorer, Unsupported, top_k
from search.engine.writing.writer import index_writer, write_lock
from search.query import parse_query
from search.related import related, related_query
from search.schema import IndexDoc
from search.searching import SearchRequest, search

QUERIES = [
    "hearing",
    "hearing aids",
    "noise reduction speech",
    '"hearing aid"',
    "loud*",
    "reverberaton~",
    "heering~2",
    "lydnivaeu~1/2",
    "title:noise",
    "støj",
    "høreapparater brugere",
    "hearing -noise",
    "-hearing",
    "hearing OR tinnitus",
    "author:jensen",
    "org:nordlyd",
    "zzzz hearing",
    "speech NOT noise",
    "microphone array beamforming",
    "(speech OR music) listener",
    '"noise reduction" "hearing aid"',
    'title:"hearing aids"',
    '"hearing aid users"',
    '"noise the speech"~2',
    '"the hearing"~3',
    "hearing men",  # "men" is a Danish stop word: waived for Danish documents (search.stop_waiver)
    "støj by",  # "by" is an English one
    "høreapparater men ikke brugere",
]


def whoosh_scores(searcher, q) -> dict[int, float]:
    return {hit.docnum: hit.score for hit in searcher.search(q, limit=None)}


def assert_same_as_whoosh(searcher, text: str, conjunctive: bool, scorer: Scorer | None = None) -> None:
    q = parse_query(text, searcher.schema, conjunctive=conjunctive).query
    assert_query_same_as_whoosh(searcher, q, text, scorer)


def assert_query_same_as_whoosh(searcher, q: wq.Query, text: str, scorer: Scorer | None = None) -> None:
    scorer = scorer or Scorer(searcher)
    try:
        mask, scores = scorer.evaluate(q)
    except Unsupported:
        mask, scores = scorer.evaluate_by_whoosh(q)
    live = np.zeros(searcher.doc_count_all(), dtype=bool)
    live[list(searcher.reader().all_doc_ids())] = True
    mask &= live
    expected = whoosh_scores(searcher, q)
    docnums = np.flatnonzero(mask)
    assert set(docnums.tolist()) == set(expected), text
    for docnum in docnums.tolist():
        assert scores[docnum] == pytest.approx(expected[docnum], rel=1e-9), (text, docnum)
    top = docnums[top_k(docnums, scores[docnums], 10)].tolist()
    # Whoosh's exact order: every match scored, then score descending, document number ascending.
    # (Not searcher.search(limit=10): with search.ranking's FieldsTerm its pruning can drop a better hit.)
    exact = sorted(expected, key=lambda d: (-expected[d], d))[:10]
    for mine, theirs in zip(top, exact, strict=True):
        assert mine == theirs or scores[mine] == pytest.approx(expected[theirs], rel=1e-12), text


@pytest.fixture(scope="module")
def generated_index(tmp_path_factory) -> Path:
    """A thousand short generated reports in four commits, one of them deleted afterwards."""
    base = tmp_path_factory.mktemp("generated") / "index"
    vocab = Vocabulary.build()
    docs = [make_doc(vocab, n, words=120) for n in range(1000)]
    with write_lock(base):
        for start in range(0, len(docs), 250):
            with index_writer(base) as writer:
                for d in docs[start : start + 250]:
                    fields = IndexDoc(
                        id=f"d{d.number}",
                        title=d.title,
                        body=d.body,
                        lang=d.lang,
                        authors=list(d.authors),
                        org=d.org,
                        areas=list(d.areas),
                        type=d.type,
                        year=int(d.date[:4]),
                        date=d.date,
                        visibility=d.visibility,
                    ).to_fields()
                    writer.add_document(**fields)
        with index_writer(base) as writer:
            writer.delete_by_term("id", "d7")
    return base


@pytest.mark.parametrize("conjunctive", [True, False])
@pytest.mark.parametrize("text", QUERIES)
def test_generated_set_scores_equal_whoosh(generated_index, text, conjunctive):
    searcher = open_index(generated_index).searcher()
    assert len(searcher.leaf_searchers()) > 1  # several segments, as a live index has
    assert_same_as_whoosh(searcher, text, conjunctive)


@pytest.mark.parametrize("text", QUERIES)
def test_mini_corpus_scores_equal_whoosh(mini_hub, text):
    searcher = mini_hub.pool.get().searcher
    assert_same_as_whoosh(searcher, text, True)
    assert_same_as_whoosh(searcher, text, False)


def test_tuned_bm25_parameters_are_followed(generated_index):
    ix = open_index(generated_index)
    searcher = ix.searcher(weighting=scoring.BM25F(B=0.4, K1=1.8, body_en_B=0.9, title_en_B=0.2))
    for text in ("hearing aids", "noise reduction speech", "støj"):
        assert_same_as_whoosh(searcher, text, True)


def test_other_weighting_models_are_scored_by_whoosh(generated_index):
    searcher = open_index(generated_index).searcher(weighting=scoring.TF_IDF())
    with pytest.raises(Unsupported):
        Scorer(searcher).evaluate(parse_query("hearing", searcher.schema).query)
    assert_same_as_whoosh(searcher, "hearing aids", True)


def test_engine_pages_follow_whoosh_order(generated_index):
    pool = SearcherPool(generated_index)
    snapshot = pool.get()
    searcher = snapshot.searcher
    q = parse_query("hearing", searcher.schema).query
    expected = [searcher.stored_fields(h.docnum)["id"] for h in searcher.search(q, limit=30)]
    visibility = ("public", "members", "staff")
    # Without the cross-language expansion: the query compared is the one parsed without it.
    pages = [
        search(snapshot, SearchRequest(q="hearing", page=p, visibility=visibility, crosslang=False)) for p in (1, 2, 3)
    ]
    assert [h.id for page in pages for h in page.hits] == expected
    newest = search(snapshot, SearchRequest(q="", visibility=visibility, per_page=50))
    by_whoosh = searcher.search(wq.Every(), limit=50, sortedby="date", reverse=True)
    assert [h.id for h in newest.hits] == [searcher.stored_fields(h.docnum)["id"] for h in by_whoosh]


def test_threads_sharing_one_searcher_read_the_same_postings(generated_index):
    """Request threads share a searcher; reads from its files must not interleave."""
    import sys
    from concurrent.futures import ThreadPoolExecutor

    searcher = open_index(generated_index).searcher()
    queries = [parse_query(text, searcher.schema).query for text in QUERIES]
    expected = [Scorer(searcher).evaluate(q) for q in queries]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, so any shared read position gets interleaved
    try:
        runs = []
        for _ in range(3):
            scorer = Scorer(searcher)  # cold caches: every thread reads postings from the files
            with ThreadPoolExecutor(8) as pool:
                runs.append(list(pool.map(scorer.evaluate, queries * 4)))
    finally:
        sys.setswitchinterval(interval)
    for got in runs:
        for (mask, scores), (want_mask, want_scores) in zip(got, expected * 4, strict=True):
            assert np.array_equal(mask, want_mask) and np.array_equal(scores, want_scores)


def test_related_documents_are_whoosh_more_like_this_with_hidden_ones_masked(generated_index):
    searcher = open_index(generated_index).searcher()
    snapshot = Snapshot(searcher, generated_index, 0)
    texts = [
        ("en", "Hearing aid users in noisy rooms: speech intelligibility and noise reduction in hearing aids."),
        ("en", "Loudspeaker measurement of distortion and room acoustics, loudspeaker drivers and bass."),
        ("da", "Støj og høreapparater: målinger af støj i klasselokaler og efterklangstid."),
    ]
    for number, (lang, text) in zip((3, 40, 333), texts, strict=True):
        for levels in (("public",), ("members", "public", "staff")):
            q = related_query(snapshot, text, lang)
            allowed = snapshot.columns.mask_for("visibility", list(levels)) & snapshot.columns.live
            hidden = set(np.flatnonzero(~allowed).tolist()) | {searcher.document_number(id=f"d{number}")}
            expected = [hit["id"] for hit in searcher.search(q, limit=5, mask=hidden)]
            assert len(expected) == 5
            assert related(snapshot, f"d{number}", text, lang, levels) == expected


class UnknownTerm(wq.Term):
    """A query class the array evaluator has never heard of (as a plug-in's or a later Whoosh's would be)."""


def fallback_records(caplog, words: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "search.engine" and words in r.getMessage()]


def test_a_node_the_evaluator_does_not_model_is_scored_by_whoosh_and_said_once(generated_index, caplog):
    searcher = open_index(generated_index).searcher()
    parsed = parse_query("hearing aids", searcher.schema, conjunctive=False).query
    word = next(t for t in parsed.leaves() if type(t) is wq.Term)
    q = wq.Or([parsed, UnknownTerm(word.fieldname, word.text, boost=2.0)])
    with caplog.at_level(logging.WARNING, logger="search.engine"):
        for _ in range(3):
            assert_query_same_as_whoosh(searcher, q, "hearing aids OR UnknownTerm")
    assert len(fallback_records(caplog, "UnknownTerm node scored by Whoosh's matcher")) == 1


def test_a_weighting_the_evaluator_does_not_model_sends_the_whole_query_to_whoosh_said_once(generated_index, caplog):
    searcher = open_index(generated_index).searcher(weighting=scoring.PL2())
    snapshot = Snapshot(searcher, generated_index, 0)
    visibility = ("public", "members", "staff")
    with caplog.at_level(logging.WARNING, logger="search.engine"):
        for text in ("hearing", "noise reduction"):
            result = search(snapshot, SearchRequest(q=text, visibility=visibility, per_page=5))
            expected = whoosh_scores(searcher, result.parsed.query)
            assert result.total == len(expected) > 0
            for hit in result.hits:
                assert hit.score == pytest.approx(expected[hit.docnum], rel=1e-9), text
    assert len(fallback_records(caplog, "the whole query scored by Whoosh's matchers: PL2")) == 1
