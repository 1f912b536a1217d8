"""Which segments a commit merges: all it takes in a bulk load, a bounded amount in a person's save.

Whoosh's default policy (``MERGE_SMALL``) sorts the segments by size and
merges each one whose running total of documents is under a Fibonacci bound
of its rank. The bound grows faster than the totals of equal batches, so
nothing is merged until there are about twenty segments, and then a large
share of the index is merged at once: at 100,000 reports, one commit merged
52,500 documents (about three minutes on 2 cores). In a bulk load that is
fine, it is paid once for many commits. But a staff member's single upload,
edit or deletion is a commit too, and on an index in that state it can be
the commit that crosses the bound: the person waits minutes, and every other
save waits for the write lock.

:func:`bounded_merge` keeps Whoosh's rule for small segments (so the one-
document segments of many uploads are still merged as they accumulate) but
never takes a merge past ``max_docs`` documents; the large merges are left to
the next bulk load (``skh ingest``) or ``skh reindex``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from whoosh.reading import SegmentReader
from whoosh.util import fib
from whoosh.writing import MERGE_SMALL

MergePolicy = Callable[[object, Sequence[object]], list[object]]
"""Whoosh's ``mergetype``: given the writer and the existing segments, add the ones to merge to the
writer (``add_reader``) and return the ones to keep."""

INTERACTIVE_MERGE_DOCS = 5000
"""The most documents a person's save merges: about 15 s of writer time for 900-word reports at worst."""

BULK_MERGE: MergePolicy = MERGE_SMALL
"""Bulk loads keep Whoosh's policy: large merges, paid once for many commits."""


def bounded_merge(max_docs: int = INTERACTIVE_MERGE_DOCS) -> MergePolicy:
    """Whoosh's ``MERGE_SMALL``, except that a merge of more than ``max_docs`` documents is not made.

    ``MERGE_SMALL`` (whoosh-reloaded 2.7.5) merges the ``i + 1`` smallest
    segments at the first rank ``i`` above 3 where together they hold fewer
    than ``fib(i + 5)`` documents; so does this, up to ``max_docs``.
    """

    def merge(writer, segments):
        ordered = sorted(segments, key=lambda s: s.doc_count_all())
        total = 0
        for rank, segment in enumerate(ordered):
            total += max(segment.doc_count_all(), 0)
            if total > max_docs:
                return list(segments)
            if rank > 3 and total < fib(rank + 5):
                for chosen in ordered[: rank + 1]:
                    reader = SegmentReader(writer.storage, writer.schema, chosen)
                    writer.add_reader(reader)
                    reader.close()
                return ordered[rank + 1 :]
        return list(segments)

    return merge
