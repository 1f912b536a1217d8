"""Facet counts as array operations.

Per index generation, each facet field is turned once into a map from value
to the (sorted) document numbers that carry it, read straight from the posting
lists. A request then counts with numpy over boolean masks instead of asking
Whoosh to group every match (``groupedby``), which is pure Python per hit.

Facet semantics: values of one facet are OR-ed, different facets AND-ed, and
each facet's counts use every selected filter except its own, so a person
sees what each other value would add to the current selection.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from whoosh.reading import IndexReader

from search.engine.format.postings import postings_arrays
from search.engine.reading.segments import SegmentStore, segment_key
from search.schema import FACET_FIELDS


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int


class FacetColumns:
    """Value -> document numbers, for every facet field of one reader.

    Each segment's values are read once and kept in the :class:`SegmentStore`
    for later generations; they include documents deleted since, which every
    caller masks out with :attr:`live`.
    """

    def __init__(
        self,
        reader: IndexReader,
        fields: tuple[str, ...] = FACET_FIELDS + ("visibility",),
        store: SegmentStore | None = None,
    ):
        self.doc_count_all = reader.doc_count_all()
        store = store or SegmentStore()
        leaves = [
            (store.get(segment_key(leaf), ("facets", fields), lambda leaf=leaf: _segment_values(leaf, fields)), offset)
            for leaf, offset in reader.leaf_readers()
        ]
        self.postings: dict[str, dict[str, np.ndarray]] = {}
        for name in fields:
            parts: dict[str, list[np.ndarray]] = {}
            for values, offset in leaves:
                for value, local in values.get(name, {}).items():
                    parts.setdefault(value, []).append(local + np.int32(offset))
            self.postings[name] = {v: np.concatenate(p) if len(p) > 1 else p[0] for v, p in parts.items()}
        live = np.zeros(self.doc_count_all, dtype=bool)
        live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        self.live = live
        self.live.flags.writeable = False
        self._masks: dict[tuple[str, tuple[str, ...]], np.ndarray] = {}

    def mask_for(self, name: str, values: list[str]) -> np.ndarray:
        """Documents having any of ``values`` in facet ``name`` (OR within a facet).

        Masks are kept per generation (filters repeat: visibility on every
        request, an area while someone browses it); callers must not modify them.
        """
        key = (name, tuple(sorted(set(values))))
        mask = self._masks.get(key)
        if mask is None:
            mask = np.zeros(self.doc_count_all, dtype=bool)
            for value in key[1]:
                docnums = self.postings.get(name, {}).get(value)
                if docnums is not None:
                    mask[docnums] = True
            mask.flags.writeable = False
            if len(self._masks) >= 512:
                self._masks.clear()
            self._masks[key] = mask
        return mask

    def count(self, name: str, base: np.ndarray) -> list[FacetCount]:
        """Count each value of ``name`` among the documents in ``base``, largest first."""
        counts = [
            FacetCount(value, int(np.count_nonzero(base[docnums])))
            for value, docnums in self.postings.get(name, {}).items()
        ]
        counts = [c for c in counts if c.count]
        counts.sort(key=lambda c: (-c.count, c.value))
        return counts


def _segment_values(reader: IndexReader, fields: tuple[str, ...]) -> dict[str, dict[str, np.ndarray]]:
    """Value -> segment-local document numbers (deleted ones included), per facet field."""
    out: dict[str, dict[str, np.ndarray]] = {}
    for name in fields:
        values: dict[str, np.ndarray] = {}
        if name in reader.schema:
            for term in reader.lexicon(name):
                ids, _ = postings_arrays(reader, name, term)
                if ids.size:
                    values[term.decode("utf-8") if isinstance(term, bytes) else str(term)] = ids.astype(np.int32)
        out[name] = values
    return out


def disjunctive_counts(
    columns: FacetColumns,
    matched: np.ndarray,
    selections: dict[str, np.ndarray],
    names: tuple[str, ...] = FACET_FIELDS,
) -> dict[str, list[FacetCount]]:
    """Counts for every facet, each ignoring its own selection.

    ``matched`` is the query's match set already restricted to what the user may
    see; ``selections`` holds one mask per facet that has selected values.
    """
    result = {}
    for name in names:
        base = matched
        for other, mask in selections.items():
            if other != name:
                base = base & mask
        result[name] = columns.count(name, base)
    return result
