"""Facet counts as array operations.

The engine reads each exact-value field once per index generation into a map
from value to the (sorted) document numbers that carry it
(:class:`search.engine.reading.columns.Columns`). A request then counts with
numpy over boolean masks instead of asking Whoosh to group every match
(``groupedby``), which is pure Python per hit.

Facet semantics: values of one facet are OR-ed, different facets AND-ed, and
each facet's counts use every selected filter except its own, so a person
sees what each other value would add to the current selection.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from search.engine.reading.columns import Columns, warm_columns
from search.schema import FACET_FIELDS

warm_columns(FACET_FIELDS + ("visibility",))  # every search counts the facets and filters by visibility


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int


def count(columns: Columns, name: str, base: np.ndarray, ids: np.ndarray | None = None) -> list[FacetCount]:
    """Count each value of ``name`` among the documents in ``base``, largest first.

    ``ids`` may give ``base``'s document numbers when the caller has them: the
    count reads each matched document's values (one gather in proportion to the
    matches) rather than each value's documents.
    """
    codes = columns.value_codes(name)
    found = codes.counts(np.flatnonzero(base) if ids is None else ids, base, columns.values(name))
    counts = [FacetCount(codes.names[i], int(found[i])) for i in np.flatnonzero(found)]
    counts.sort(key=lambda c: (-c.count, c.value))
    return counts


def disjunctive_counts(
    columns: Columns,
    matched: np.ndarray,
    selections: dict[str, np.ndarray],
    names: tuple[str, ...] = FACET_FIELDS,
) -> dict[str, list[FacetCount]]:
    """Counts for every facet, each ignoring its own selection.

    ``matched`` is the query's match set already restricted to what the user may
    see; ``selections`` holds one mask per facet that has selected values.
    """
    result = {}
    everywhere = None  # the documents of the base every facet shares, when none of its own is selected
    for name in names:
        base = matched
        for other, mask in selections.items():
            if other != name:
                base = base & mask
        if name in selections:
            result[name] = count(columns, name, base)
        else:
            if everywhere is None:
                everywhere = np.flatnonzero(base)
            result[name] = count(columns, name, base, everywhere)
    return result
