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
the next bulk load (``skh ingest``) or ``skh reindex``. A bulk load writes its
large merges in another process (:mod:`search.engine.writing.background_merge`); the
reservation below keeps that merge's files and sources safe from every other
writer's commit.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

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


def small_merge(segments: Sequence[object], max_docs: int | None = None) -> list[object]:
    """The segments Whoosh's ``MERGE_SMALL`` would merge now (none: an empty list), up to ``max_docs`` documents.

    ``MERGE_SMALL`` (whoosh-reloaded 2.7.5) merges the ``i + 1`` smallest
    segments at the first rank ``i`` above 3 where together they hold fewer
    than ``fib(i + 5)`` documents.
    """
    ordered = sorted(segments, key=lambda s: s.doc_count_all())
    total = 0
    for rank, segment in enumerate(ordered):
        total += max(segment.doc_count_all(), 0)
        if max_docs is not None and total > max_docs:
            return []
        if rank > 3 and total < fib(rank + 5):
            return ordered[: rank + 1]
    return []


def merge_into(writer, chosen: Sequence[object], segments: Sequence[object]) -> list[object]:
    """Have ``writer`` merge the ``chosen`` segments; the rest of ``segments``, to keep."""
    for segment in chosen:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    ids = {segment.segment_id() for segment in chosen}
    return [segment for segment in segments if segment.segment_id() not in ids]


def bounded_merge(max_docs: int = INTERACTIVE_MERGE_DOCS) -> MergePolicy:
    """Whoosh's ``MERGE_SMALL``, except that a merge of more than ``max_docs`` documents is not made.

    Segments that a bulk load is merging in the background (:mod:`search.engine.writing.background_merge`) are left
    alone, so that work is not wasted.
    """

    def merge(writer, segments):
        busy = busy_segment_ids(writer.storage.folder)
        free = [segment for segment in segments if segment.segment_id() not in busy]
        chosen = small_merge(free, max_docs)
        return merge_into(writer, chosen, segments) if chosen else list(segments)

    return merge


# -- segments being merged by another process ---------------------------------------------------

RESERVATION = "MERGING.json"
"""In an index folder while a background merge runs: its owner's pid, the segment it writes, its sources."""


@dataclass(frozen=True)
class _Named:
    """Stands for a segment in :func:`whoosh.index.clean_files`, which only asks for its id."""

    name: str

    def segment_id(self) -> str:
        return self.name


def reserve(folder: str | os.PathLike[str], segment_id: str, source_ids: Sequence[str]) -> bool:
    """Record that this process is writing ``segment_id`` from ``source_ids``; False if a live merge
    (of this process or another) holds the folder. One background merge per index at a time."""
    path = Path(folder) / RESERVATION
    temporary = path.with_name(f".{RESERVATION}.{os.getpid()}.{segment_id}")
    temporary.write_text(json.dumps({"pid": os.getpid(), "segment": segment_id, "sources": list(source_ids)}))
    try:
        for _attempt in range(2):
            try:
                os.link(temporary, path)  # fails if the file is there: no two merges can both take it
                return True
            except FileExistsError:
                if reservation(folder) is not None:
                    return False
                with suppress(FileNotFoundError):
                    path.unlink()  # its owner died: a leftover
        return False
    finally:
        temporary.unlink()


def release(folder: str | os.PathLike[str]) -> None:
    with suppress(OSError):
        (Path(folder) / RESERVATION).unlink()


def reservation(folder: str | os.PathLike[str]) -> dict | None:
    """The folder's reservation, or None if there is none or its owner has died (a crash's leftover)."""
    try:
        found = json.loads((Path(folder) / RESERVATION).read_text())
        os.kill(int(found["pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return found


def reserved_segments(folder: str | os.PathLike[str]) -> list[_Named]:
    """Segments being written by a background merge: a commit must not delete their files."""
    found = reservation(folder)
    return [_Named(str(found["segment"]))] if found else []


def busy_segment_ids(folder: str | os.PathLike[str]) -> set[str]:
    """Segments a background merge is reading: other merges leave them alone."""
    found = reservation(folder)
    return {str(name) for name in found["sources"]} if found else set()
