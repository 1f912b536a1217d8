"""Exact-value columns of one index generation: value -> document numbers, and masks over them.

Counting and filtering on a field such as an area or a visibility level is
done with numpy over boolean masks instead of asking Whoosh to group every
match (``groupedby``), which is pure Python per hit. A field's column is read
once per generation straight from its posting lists; each segment's share is
kept in the :class:`~search.engine.reading.segments.SegmentStore`, so after a
commit only the new segment is read. What the values mean (facets, who may see
a document) is the search features' business (:mod:`search.facets`); this
module only reads them.

A column is read when first asked for. The features name the columns every
search needs with :func:`warm_columns`, and :meth:`Snapshot.warm
<search.engine.reading.searcher.Snapshot.warm>` reads those as a generation
opens, so the first request does not wait for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np
from whoosh.reading import IndexReader

from search.engine.cache import Cache
from search.engine.format.postings import postings_arrays
from search.engine.reading.segments import SegmentStore, segment_key

Values = dict[str, np.ndarray]
"""A column: each value of the field -> the ascending document numbers that have it."""

_WARM: list[str] = []


def warm_columns(names: Iterable[str]) -> None:
    """Have every generation read the columns ``names`` when it is warmed (see the module docstring)."""
    _WARM.extend(name for name in names if name not in _WARM)


def warmed_columns() -> tuple[str, ...]:
    """The columns a generation reads when it is warmed."""
    return tuple(_WARM)


@dataclass(frozen=True)
class ValueCodes:
    """A column turned around: each document's values, as codes into ``names``, in document order.

    ``entries[offsets[d]:offsets[d + 1]]`` are document ``d``'s value codes.
    Counting the values of a set of documents then costs in proportion to the
    set (:meth:`counts`), not to the whole column as a gather per value does.
    """

    names: tuple[str, ...]
    offsets: np.ndarray  # int64, one more than there are documents
    entries: np.ndarray  # int32 value codes, grouped by document
    single: np.ndarray | None  # when no document has two values: each one's code, len(names) for none

    @classmethod
    def of(cls, column: Values, doc_count: int) -> ValueCodes:
        names = tuple(column)
        docs = np.concatenate([column[v] for v in names]) if names else np.zeros(0, np.int32)
        codes = np.repeat(np.arange(len(names), dtype=np.int32), [len(column[v]) for v in names])
        order = np.argsort(docs, kind="stable")
        offsets = np.zeros(doc_count + 1, dtype=np.int64)
        np.cumsum(np.bincount(docs, minlength=doc_count), out=offsets[1:])
        entries = codes[order]
        single = None
        if not (np.diff(offsets) > 1).any():
            single = np.full(doc_count, len(names), dtype=np.int32)
            single[docs] = codes
            single.flags.writeable = False
        for array in (offsets, entries):
            array.flags.writeable = False
        return cls(names, offsets, entries, single)

    def counts(self, ids: np.ndarray, mask: np.ndarray, column: Values) -> np.ndarray:
        """How many of the documents ``ids`` (ascending; ``mask`` as booleans) have each value, in ``names`` order.

        ``column`` is the same field by value: when the documents are many and
        may have several values each, one gather per value over ``mask`` is the
        cheaper way round.
        """
        if self.single is not None:  # at most one value per document (a year, a language)
            return np.bincount(self.single[ids], minlength=len(self.names) + 1)[: len(self.names)]
        if ids.size * _SPARSE > self.offsets.size:
            return np.array([np.count_nonzero(mask[column[name]]) for name in self.names], dtype=np.int64)
        starts = self.offsets[ids]
        lengths = self.offsets[ids + 1] - starts
        ends = np.cumsum(lengths)
        picked = np.repeat(starts - (ends - lengths), lengths) + np.arange(ends[-1] if ends.size else 0)
        return np.bincount(self.entries[picked], minlength=len(self.names))


_SPARSE = 8  # below one document in eight, expanding each document's values beats a gather per value


class Columns:
    """The exact-value columns of one reader, read per field on first use, plus which documents are live.

    Values include documents deleted since their segment was written; every
    caller masks them out with :attr:`live`.
    """

    def __init__(self, reader: IndexReader, store: SegmentStore, mask_bytes: int):
        self.doc_count_all = reader.doc_count_all()
        self._leaves = [(leaf, segment_key(leaf), offset) for leaf, offset in reader.leaf_readers()]
        self._store = store
        self._fields: Cache[Values] = Cache()  # one entry per field: bounded by the schema
        self._codes: Cache[ValueCodes] = Cache()  # likewise
        self._masks: Cache[np.ndarray] = Cache(max_bytes=mask_bytes, size_of=lambda mask: mask.nbytes)
        live = np.zeros(self.doc_count_all, dtype=bool)
        live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        live.flags.writeable = False
        self.live = live
        self.postings: Mapping[str, Values] = _ByField(self)
        """The same columns as a mapping from field name (``columns.postings.get("year", {})``)."""

    def values(self, name: str) -> Values:
        """Each value of field ``name`` -> its documents (empty for a field the index does not have)."""
        return self._fields.get_or_build(name, lambda: self._read(name))

    def value_codes(self, name: str) -> ValueCodes:
        """Field ``name``'s values per document (:class:`ValueCodes`), built once per generation."""
        return self._codes.get_or_build(name, lambda: ValueCodes.of(self.values(name), self.doc_count_all))

    def read(self, names: Iterable[str]) -> None:
        """Read these columns now rather than in the request that first needs them."""
        for name in names:
            self.values(name)
            self.value_codes(name)

    def mask_for(self, name: str, values: list[str]) -> np.ndarray:
        """Documents having any of ``values`` in field ``name`` (OR within a field).

        Masks are kept per generation, bounded by the ``masks`` share of the
        memory budget (filters repeat: visibility on every request, an area
        while someone browses it); callers must not modify them.
        """
        key = (name, tuple(sorted(set(values))))
        return self._masks.get_or_build(key, lambda: self._mask(name, key[1]))

    def _mask(self, name: str, values: tuple[str, ...]) -> np.ndarray:
        mask = np.zeros(self.doc_count_all, dtype=bool)
        column = self.values(name)
        for value in values:
            docnums = column.get(value)
            if docnums is not None:
                mask[docnums] = True
        mask.flags.writeable = False
        return mask

    def _read(self, name: str) -> Values:
        parts: dict[str, list[np.ndarray]] = {}
        for leaf, segkey, offset in self._leaves:
            local = self._store.get(segkey, ("column", name), lambda leaf=leaf: _segment_values(leaf, name))
            for value, docnums in local.items():
                parts.setdefault(value, []).append(docnums + np.int32(offset))
        return {v: np.concatenate(p) if len(p) > 1 else p[0] for v, p in parts.items()}


class _ByField(Mapping[str, Values]):
    """:meth:`Columns.values` as a read-only mapping; iterating lists the columns read so far."""

    def __init__(self, columns: Columns):
        self._columns = columns

    def __getitem__(self, name: str) -> Values:
        return self._columns.values(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns._fields.keys())

    def __len__(self) -> int:
        return len(self._columns._fields)


def _segment_values(reader: IndexReader, name: str) -> Values:
    """Value -> segment-local document numbers (deleted ones included) of one field."""
    values: Values = {}
    if name in reader.schema:
        for term in reader.lexicon(name):
            ids, _ = postings_arrays(reader, name, term)
            if ids.size:
                values[term.decode("utf-8") if isinstance(term, bytes) else str(term)] = ids.astype(np.int32)
    return values
