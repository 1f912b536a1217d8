"""Per-segment arrays, kept from one index generation to the next.

:class:`Segment` holds one leaf searcher's reader, its document-number offset
and its field-length columns; :class:`TermCache` holds posting arrays and
scores of recently used terms, bounded in bytes, so a popular word is read
from disk and scored once; the whole-index lexicons are built here from each
segment's words.

Whoosh never changes a segment once written (a deletion only marks documents,
and the arrays here include deleted ones, which callers mask with the live
documents), so what is read from a segment stays true in every later
generation that still has it. :class:`SegmentStore` keeps those reads across
commits: after a staff upload only the new segment is read, not the whole
index (at 100,000 documents, opening a generation went from about 1 s of
column building plus cold postings to the new segment's share).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from itertools import takewhile
from typing import TypeVar

import numpy as np
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from search.engine.budget import not_counted
from search.engine.cache import Cache, MemoryBudget
from search.engine.fallbacks import fell_back
from search.engine.format.postings import length_bytes
from search.engine.reading.lexicon import Lexicon

T = TypeVar("T")


def _arrays_nbytes(item: tuple[np.ndarray, np.ndarray]) -> int:
    return item[0].nbytes + item[1].nbytes


class TermCache(Cache[tuple[np.ndarray, np.ndarray]]):
    """Per-term arrays (document numbers and weights or scores), least recently used first out.

    Keyed by segment, field and term, so a popular word is read from disk and
    scored once. Bounded by bytes; one entry may take a quarter of them at most.
    """

    def __init__(self, max_bytes: int):
        super().__init__(max_bytes=max_bytes, size_of=_arrays_nbytes, max_entry_bytes=max_bytes // 4)


def term_infos(segment: IndexReader, fieldname: str) -> Iterator[tuple[bytes, object]]:
    """A Whoosh segment's terms of ``fieldname`` in order, each with its term info, from its term file.

    The term file is sorted by field and term, so this is one sequential walk;
    Whoosh's ``iter_field`` on a multi-segment reader instead looks every term
    up in every segment.
    """
    items = segment._terms.items_from(fieldname, b"")
    for (_name, tbytes), info in takewhile(lambda item: item[0][0] == fieldname, items):
        yield tbytes, info


def field_terms(segment: IndexReader, fieldname: str) -> tuple[list[bytes], list[int]]:
    """One segment's terms of ``fieldname``, in order, with their document frequencies there (about 0.1 s
    for 36,000 words). :meth:`SegmentStore.field_terms` keeps them for later generations."""
    try:
        found = [(tbytes, info.doc_frequency()) for tbytes, info in term_infos(segment, fieldname)]
    except AttributeError:  # not a Whoosh segment reader: the general way
        fell_back("field terms", f"a {type(segment).__name__} looks every term up")
        found = [(tbytes, info.doc_frequency()) for tbytes, info in segment.iter_field(fieldname)]
    return [term for term, _ in found], [freq for _, freq in found]


def segment_key(reader: IndexReader) -> tuple:
    """What names a segment's content: its random id (new for every segment written) and its size.

    A reader that is not one segment gets a key of its own that is never reused.
    """
    try:
        return ("segment", reader.segment().segment_id(), reader.doc_count_all())
    except (AttributeError, NotImplementedError):
        return ("reader", next(_UNIQUE))


_UNIQUE = itertools.count()


class SegmentStore:
    """Reads of segments that later generations reuse: term arrays, field lengths, columns, dates, words.

    It also holds the :class:`~search.engine.cache.MemoryBudget` of the caches
    bounded by bytes, since it lives as long as the pool that made it.
    """

    LEXICONS = 16
    """Whole-index lexicons kept at most (one per field searched fuzzily or offered, this generation)."""

    def __init__(self, budget: MemoryBudget | None = None):
        self.budget = budget or MemoryBudget()
        self.terms = TermCache(self.budget.bytes_for("terms"))
        self._items: Cache[object] = Cache()  # one entry per segment and read: pruned by keep_only
        self._lexicons: Cache[Lexicon] = Cache(max_items=self.LEXICONS)

    def get(self, segkey: tuple, name: object, build: Callable[[], T]) -> T:
        """``build()`` for segment ``segkey``, read once (however many threads ask) and kept for later
        generations while the segment is in the index."""
        return self._items.get_or_build((segkey, name), build)

    def field_terms(self, segment: IndexReader, fieldname: str) -> tuple[list[bytes], list[int]]:
        """:func:`field_terms` of ``segment``, read once and shared (the lexicons)."""
        return self.get(segment_key(segment), ("terms", fieldname), lambda: field_terms(segment, fieldname))

    def lexicon(self, reader: IndexReader, fieldname: str) -> Lexicon:
        """The whole-index :class:`~search.engine.reading.lexicon.Lexicon` of ``fieldname`` in ``reader``.

        Keyed by the reader's segments, so it is built once per generation
        (a deletion alone does not change it: lexicons list the words of
        deleted documents too, as Whoosh's do) and shared by fuzzy expansion
        and the vocabulary. Its time is not charged to the request that
        happens to come first (:func:`search.engine.budget.not_counted`).
        """
        leaves = [leaf for leaf, _ in reader.leaf_readers()]
        key = (tuple(segment_key(leaf) for leaf in leaves), fieldname)

        def build() -> Lexicon:
            with not_counted():
                return Lexicon.read([self.field_terms(leaf, fieldname) for leaf in leaves])

        return self._lexicons.get_or_build(key, build)

    def keep_only(self, segkeys: set[tuple]) -> None:
        """Forget segments that are no longer in the index (merged away, or an old folder)."""
        self._items.keep_only(lambda key: key[0] in segkeys)
        self.terms.keep_only(lambda key: key[0] in segkeys)
        self._lexicons.keep_only(lambda key: set(key[0]) == segkeys)  # only the new generation's


class Segment:
    """What scoring needs from one leaf searcher: its reader, offset and length columns."""

    def __init__(self, number: int, searcher: Searcher, offset: int, store: SegmentStore):
        self.number = number
        self.searcher = searcher
        self.reader = searcher.reader()
        self.key = segment_key(self.reader)
        self.offset = offset
        self.size = self.reader.doc_count_all()
        self.store = store

    def lengths(self, fieldname: str) -> np.ndarray:
        return self.store.get(self.key, ("lengths", fieldname), lambda: length_bytes(self.reader, fieldname))
