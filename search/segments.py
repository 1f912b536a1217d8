"""Per-segment arrays a scorer keeps for one index generation.

:class:`Segment` holds one leaf searcher's reader, its document-number offset
and its field-length columns; :class:`TermCache` holds posting arrays and
scores of recently used terms, bounded in bytes, so a popular word is read
from disk and scored once per generation.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
from whoosh.searching import Searcher

from search.postings import length_bytes


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


class Segment:
    """What scoring needs from one leaf searcher: its reader, offset and length columns."""

    def __init__(self, number: int, searcher: Searcher, offset: int):
        self.number = number
        self.searcher = searcher
        self.reader = searcher.reader()
        self.offset = offset
        self.size = self.reader.doc_count_all()
        self._lengths: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def lengths(self, fieldname: str) -> np.ndarray:
        found = self._lengths.get(fieldname)
        if found is None:
            with self._lock:
                found = self._lengths.get(fieldname)
                if found is None:
                    found = length_bytes(self.reader, fieldname)
                    self._lengths[fieldname] = found
        return found
