"""The engine's exact-value columns and its one lexicon, against Whoosh's own answers on a real index."""

from __future__ import annotations

import numpy as np
import pytest
from whoosh import query as wq

from search.engine.reading.columns import Columns, ValueCodes, warmed_columns
from search.engine.reading.segments import SegmentStore
from search.schema import FACET_FIELDS
from search.vocabulary import vocabulary


@pytest.fixture
def two_segments(mini_hub):
    for n, text in enumerate(["Zzwidget loudspeakers for churches.", "Zzwidget arrays and zzwidgetry in halls."]):
        assert mini_hub.ingestor.ingest_bytes(text.encode(), f"extra{n}.txt", f"test:{n}").status == "added"
    snapshot = mini_hub.pool.get()
    assert len(list(snapshot.searcher.reader().leaf_readers())) >= 2  # or the tests prove nothing
    return snapshot


def test_each_column_lists_the_documents_whoosh_finds_for_each_value(two_segments):
    searcher = two_segments.searcher
    columns = two_segments.columns
    for name in FACET_FIELDS + ("visibility",):
        values = columns.values(name)
        assert values, name
        for value, docnums in values.items():
            expected = sorted(searcher.docs_for_query(wq.Term(name, value)))
            assert docnums.tolist() == expected, (name, value)
    assert columns.postings.get("no-such-field", {}) == {}


def test_a_mask_is_built_once_read_only_and_right(two_segments):
    columns = two_segments.columns
    area = next(iter(columns.values("area")))
    mask = columns.mask_for("area", [area, area])
    assert columns.mask_for("area", [area]) is mask  # kept: same values, same mask
    assert not mask.flags.writeable
    assert np.flatnonzero(mask).tolist() == columns.values("area")[area].tolist()


def test_masks_beyond_the_budget_are_rebuilt_not_kept(two_segments):
    reader = two_segments.searcher.reader()
    columns = Columns(reader, SegmentStore(), mask_bytes=0)
    area = next(iter(columns.values("area")))
    first = columns.mask_for("area", [area])
    assert columns.mask_for("area", [area]) is not first
    assert np.array_equal(columns.mask_for("area", [area]), first)


def test_warming_a_generation_reads_the_columns_the_features_named(two_segments):
    import search.facets  # noqa: F401 - the feature that names the columns every search needs

    assert set(FACET_FIELDS) | {"visibility"} <= set(warmed_columns())
    two_segments.warm()
    assert set(warmed_columns()) <= set(two_segments.columns.postings)


@pytest.mark.parametrize("maxdist", [1, 2])
@pytest.mark.parametrize("word", ["zzwidgte", "loudspeker", "reverberaton", "hering", "xyzzy"])
def test_the_lexicon_finds_the_words_whooshs_automaton_finds(two_segments, word, maxdist):
    """Did-you-mean asked each segment's Levenshtein automaton (``terms_within``); the lexicon must agree."""
    reader = two_segments.searcher.reader()
    whoosh = set()
    for leaf, _ in reader.leaf_readers():
        whoosh.update(leaf.terms_within("words", word, maxdist, prefix=1))
    lexicon = two_segments.store.lexicon(reader, "words")
    assert {lexicon.words[i] for _, i in lexicon.within(word, maxdist, prefix=1)} == whoosh


def test_fuzzy_search_and_the_vocabulary_share_one_lexicon(two_segments):
    reader = two_segments.searcher.reader()
    shared = two_segments.store.lexicon(reader, "words")
    assert two_segments.scorer.expander.lexicon("words") is shared
    assert vocabulary(two_segments, ("public",)).lexicon is shared


def _counted_per_value(column: dict, mask: np.ndarray) -> list[int]:
    return [int(np.count_nonzero(mask[docnums])) for docnums in column.values()]


@pytest.mark.parametrize("several", [False, True])
@pytest.mark.parametrize("density", [0.0, 0.01, 0.3, 1.0])
def test_value_codes_count_what_a_gather_per_value_counts(several, density):
    """Each path of ValueCodes.counts (one value per document, few matches, many matches) against the plain count."""
    rng = np.random.default_rng(7)
    docs = 5_000
    one = rng.integers(0, 13, docs)  # each document's one value, 12 for none
    column = {}
    for n in range(12):
        chosen = rng.random(docs) < 0.3 if several else one == n
        column[f"v{n}"] = np.flatnonzero(chosen).astype(np.int32)
    codes = ValueCodes.of(column, docs)
    assert (codes.single is None) == several
    mask = rng.random(docs) < density
    found = codes.counts(np.flatnonzero(mask), mask, column)
    assert found.tolist() == _counted_per_value(column, mask)


def test_facet_counts_of_the_real_columns_match_a_gather_per_value(two_segments):
    columns = two_segments.columns
    mask = columns.live.copy()
    mask[::2] = False
    for name in FACET_FIELDS:
        column = columns.values(name)
        found = columns.value_codes(name).counts(np.flatnonzero(mask), mask, column)
        assert found.tolist() == _counted_per_value(column, mask), name
        assert columns.value_codes(name) is columns.value_codes(name)  # built once per generation
