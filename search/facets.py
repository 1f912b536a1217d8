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


def count(columns: Columns, name: str, base: np.ndarray) -> list[FacetCount]:
    """Count each value of ``name`` among the documents in ``base``, largest first."""
    counts = [
        FacetCount(value, int(np.count_nonzero(base[docnums]))) for value, docnums in columns.values(name).items()
    ]
    counts = [c for c in counts if c.count]
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
    for name in names:
        base = matched
        for other, mask in selections.items():
            if other != name:
                base = base & mask
        result[name] = count(columns, name, base)
    return result
