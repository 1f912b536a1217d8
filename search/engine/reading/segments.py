"""Per-segment arrays, kept from one index generation to the next.

:class:`Segment` holds one leaf searcher's reader, its document-number offset
and its field-length columns; :class:`TermCache` holds posting arrays and
scores of recently used terms, bounded in bytes, so a popular word is read
from disk and scored once.

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
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from itertools import takewhile
from typing import TypeVar

import numpy as np
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from search.engine.format.postings import length_bytes

T = TypeVar("T")


class TermCache:
    """Per-term arrays of one index generation, least recently used first out.

    Keyed by segment, field and term; holds document numbers and unboosted
    scores, so a popular word is read from disk and scored once per generation.
    """

    def __init__(self, max_bytes: int = 160 * 1024 * 1024):
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> tuple[np.ndarray, np.ndarray] | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def keep_only(self, wanted: Callable[[tuple], bool]) -> None:
        """Drop the entries ``wanted`` rejects (those of segments a merge removed)."""
        with self._lock:
            for key in [k for k in self._items if not wanted(k)]:
                old = self._items.pop(key)
                self._bytes -= old[0].nbytes + old[1].nbytes

    def put(self, key: tuple, item: tuple[np.ndarray, np.ndarray]) -> None:
        size = item[0].nbytes + item[1].nbytes
        if size > self.max_bytes // 4:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = item
            self._bytes += size
            while self._bytes > self.max_bytes and self._items:
                _, old = self._items.popitem(last=False)
                self._bytes -= old[0].nbytes + old[1].nbytes


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
    """Reads of segments that later generations reuse: term arrays, field lengths, facet values, dates."""

    def __init__(self, term_bytes: int = 128 * 1024 * 1024):
        self.terms = TermCache(term_bytes)
        self._items: dict[tuple, object] = {}
        self._lock = threading.Lock()

    def get(self, segkey: tuple, name: object, build: Callable[[], T]) -> T:
        key = (segkey, name)
        found = self._items.get(key)
        if found is None:
            found = build()
            with self._lock:
                found = self._items.setdefault(key, found)
        return found

    def field_terms(self, segment: IndexReader, fieldname: str) -> tuple[list[bytes], list[int]]:
        """:func:`field_terms` of ``segment``, read once and shared (the completion lexicon, fuzzy expansion)."""
        return self.get(segment_key(segment), ("terms", fieldname), lambda: field_terms(segment, fieldname))

    def keep_only(self, segkeys: set[tuple]) -> None:
        """Forget segments that are no longer in the index (merged away, or an old folder)."""
        with self._lock:
            for key in [k for k in self._items if k[0] not in segkeys]:
                del self._items[key]
        self.terms.keep_only(lambda key: key[0] in segkeys)


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
