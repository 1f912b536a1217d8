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

from search.schema import FACET_FIELDS


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int


class FacetColumns:
    """Value -> document numbers, for every facet field of one reader."""

    def __init__(self, reader: IndexReader, fields: tuple[str, ...] = FACET_FIELDS + ("visibility",)):
        self.doc_count_all = reader.doc_count_all()
        self.postings: dict[str, dict[str, np.ndarray]] = {}
        for name in fields:
            values: dict[str, np.ndarray] = {}
            if name in reader.schema:
                for term in reader.lexicon(name):
                    value = term.decode("utf-8") if isinstance(term, bytes) else str(term)
                    docnums = np.fromiter(reader.postings(name, term).all_ids(), dtype=np.int64)
                    if docnums.size:
                        values[value] = docnums
            self.postings[name] = values
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
