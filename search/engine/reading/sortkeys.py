"""Per-document sort keys (date, id) read once per index generation.

Sorting by date with Whoosh's ``sortedby`` reads the column and sorts in
Python on every request; here the dates become one integer rank per
document, so newest-first is an array operation. The ``id`` column lets a
page of hits be named without touching stored fields.
"""

from __future__ import annotations

import numpy as np
from whoosh.reading import IndexReader

from search.engine.reading.segments import SegmentStore, segment_key


class SortKeys:
    def __init__(self, reader: IndexReader, store: SegmentStore | None = None):
        count = reader.doc_count_all()
        self.doc_count_all = count
        store = store or SegmentStore()
        dates = []
        for leaf, _ in reader.leaf_readers():  # each segment's dates read once, kept for later generations
            n = leaf.doc_count_all()
            dates.extend(store.get(segment_key(leaf), "dates", lambda leaf=leaf, n=n: _column_values(leaf, "date", n)))
        # Rank of each document's date string (what Whoosh's sortedby="date" compares).
        _, self.date_rank = np.unique(np.array(dates, dtype=object).astype(str), return_inverse=True)
        self.date_rank = self.date_rank.astype(np.int64)

    def by_date(self, docnums: np.ndarray, newest: bool, limit: int) -> np.ndarray:
        """The first ``limit`` of ``docnums`` by date, in Whoosh's order for ties.

        Whoosh sorts (key, docnum) pairs, reversed for newest first, so among
        equal dates the higher document number comes first when newest.
        """
        key = self.date_rank[docnums] * (self.doc_count_all + 1) + docnums
        if newest:
            key = -key
        if docnums.size > limit:
            part = np.argpartition(key, limit - 1)[:limit]
        else:
            part = np.arange(docnums.size)
        return docnums[part[np.argsort(key[part], kind="stable")]]


def _column_values(reader: IndexReader, fieldname: str, count: int) -> list:
    if reader.has_column(fieldname):
        column = reader.column_reader(fieldname)
        values = list(column)
        if len(values) == count:
            return [v.decode("utf-8") if isinstance(v, bytes) else v for v in values]
    return [""] * count
