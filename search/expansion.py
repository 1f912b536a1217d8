"""The index terms a prefix, wildcard or fuzzy query stands for, computed once.

Whoosh finds a fuzzy term's neighbours by walking a Levenshtein automaton
over the lexicon in pure Python (seconds on a large index; far more on a
multi-segment reader, where it falls back to measuring every term), and the
parser emits the same fuzzy word once per text field. Here the candidates come
from RapidFuzz's C++ Levenshtein distance over the field's lexicon, held once
per index generation, and every expansion is cached, so a typo costs
milliseconds. The result is the set Whoosh's automaton accepts (plain
Levenshtein distance within ``maxdist``, same prefix), per segment as Whoosh
expands per segment.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from whoosh import query as wq
from whoosh.reading import IndexReader

from search.segments import SegmentStore


class Expander:
    def __init__(self, reader: IndexReader, max_entries: int = 2048, store: SegmentStore | None = None):
        self.reader = reader
        self.store = store or SegmentStore()
        self.max_entries = max_entries
        self._lexicons: dict[str, list[str]] = {}
        self._cache: OrderedDict[tuple, list[bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def expand(self, q: wq.MultiTerm, segment: int | None = None, reader: IndexReader | None = None) -> list[bytes]:
        """Terms of ``q`` in one segment's ``reader`` (or in the whole index when ``segment`` is None)."""
        key = (segment, type(q).__name__, q.field(), q.text, getattr(q, "maxdist", 0), getattr(q, "prefixlength", 0))
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
                return found
        if type(q) is wq.FuzzyTerm:
            words = self._fuzzy(q)
            if segment is not None:
                fieldname = q.field()
                words = [w for w in words if (fieldname, w) in reader]
        else:
            words = [w for w in q._btexts(reader if reader is not None else self.reader) if w]
        with self._lock:
            self._cache[key] = words
            while len(self._cache) > self.max_entries:
                self._cache.popitem(last=False)
        return words

    def _fuzzy(self, q: wq.FuzzyTerm) -> list[bytes]:
        fieldname = q.field()
        if fieldname not in self.reader.schema:
            return []
        lexicon = self._lexicon(fieldname)
        text, prefix = q.text, q.prefixlength
        found = process.extract(text, lexicon, scorer=Levenshtein.distance, score_cutoff=q.maxdist, limit=None)
        hits = sorted(index for word, _, index in found if word[:prefix] == text[:prefix])
        return [lexicon[i].encode("utf-8") for i in hits]

    def _lexicon(self, fieldname: str) -> list[str]:
        """The field's words in the whole index, sorted (as Whoosh's lexicon lists them).

        Built from each segment's words, which are kept for later generations:
        after a commit only the new segment's lexicon is read.
        """
        found = self._lexicons.get(fieldname)
        if found is None:
            field = self.reader.schema[fieldname]
            words: set[bytes] = set()
            for leaf, _ in self.reader.leaf_readers():
                words.update(self.store.field_terms(leaf, fieldname)[0])
            found = sorted(field.from_bytes(b) for b in words)
            self._lexicons[fieldname] = found
        return found
