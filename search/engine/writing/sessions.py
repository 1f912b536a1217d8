"""What a caller of the index writer asks for, without knowing how the engine does it.

Ingest has three kinds of write, and each wants different things from the
writer: a person's save (a quick commit that merges only a bounded amount, so
the person never waits for a large merge), a bulk load (many commits, with
Whoosh's large merges, the largest of them written by another process while
the load goes on), and a rebuild (a fresh generation filled while the live one
serves, then swapped in). This module offers exactly those three, so the
merge policies, writer options and Whoosh's index objects stay inside the
engine (:mod:`search.engine.writing.merging`,
:mod:`search.engine.writing.background_merge`).

Documents are anything with ``to_fields()`` (:class:`search.schema.IndexDoc`):
the engine writes fields, the search features decide what they are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Protocol

from whoosh import index as whoosh_index
from whoosh.writing import IndexWriter

from search.engine.reading.index import make_live, new_generation
from search.engine.writing.background_merge import MIN_BACKGROUND_DOCS, BackgroundMerges
from search.engine.writing.merging import BULK_MERGE, INTERACTIVE_MERGE_DOCS, MergePolicy, bounded_merge
from search.engine.writing.segment_writer import FastSegmentWriter
from search.engine.writing.writer import index_writer

__all__ = [
    "INTERACTIVE_MERGE_DOCS",
    "MIN_BACKGROUND_DOCS",
    "BulkLoad",
    "DocumentWriter",
    "build_generation",
    "make_live",
    "new_generation",
    "update_generation",
    "write_documents",
]

REBUILD_LIMIT_MB = 256
"""Postings a rebuild's writer holds in memory before spilling to disk (a person's save: the writer's 512)."""


class Fields(Protocol):
    def to_fields(self) -> dict[str, object]: ...


class DocumentWriter:
    """Adds, replaces and deletes documents in one commit; the commit happens when its block ends."""

    def __init__(self, writer: IndexWriter):
        self._writer = writer
        self._names = frozenset(writer.schema.names())

    def add(self, doc: Fields) -> None:
        """A document known not to be in the index yet (a fresh generation)."""
        self._writer.add_document(**self._fields(doc))

    def put(self, doc: Fields) -> None:
        """A document that replaces the one with its id, if any."""
        self._writer.update_document(**self._fields(doc))

    def _fields(self, doc: Fields) -> dict[str, object]:
        """The document's fields that this index has. An index built before a field was added keeps taking
        saves without it (``skh check`` calls its schema stale, ``skh reindex`` adds the field) instead of
        refusing every save until it is rebuilt."""
        fields = doc.to_fields()
        if not fields.keys() <= self._names:
            fields = {name: value for name, value in fields.items() if name in self._names}
        return fields

    def delete(self, doc_id: str) -> None:
        self._writer.delete_by_term("id", doc_id)


class BulkLoad:
    """One bulk load's commits: they merge as Whoosh would, merges of at least ``min_background_docs``
    documents in another process while the load goes on (0: every merge in the commits).

    Use it as a context manager around the load and call :meth:`finish` at its end; leaving the block
    without finishing (an error, an interrupt) gives up a running merge and the index keeps its sources.
    """

    def __init__(self, base: Path, min_background_docs: int = MIN_BACKGROUND_DOCS):
        self.base = Path(base)
        self._merges: BackgroundMerges | None = BackgroundMerges(min_background_docs)

    @property
    def policy(self) -> MergePolicy:
        return self._merges if self._merges is not None else BULK_MERGE

    @property
    def started(self) -> int:
        """Merges this load began in another process."""
        return self._merges.started if self._merges is not None else 0

    @property
    def taken(self) -> int:
        """Of those, the merges whose result a commit took into the index."""
        return self._merges.taken if self._merges is not None else 0

    def finish(self, waiting: Callable[[str], None] | None = None) -> None:
        """Wait for a running background merge and commit its result; ``waiting`` hears why it waits."""
        if self._merges is not None:
            self._merges.finish(self.base, waiting)

    def __enter__(self) -> BulkLoad:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._merges is not None:
            self._merges.stop()


@contextmanager
def write_documents(
    base: Path, load: BulkLoad | None = None, max_merge_docs: int = INTERACTIVE_MERGE_DOCS
) -> Iterator[DocumentWriter]:
    """One commit to the live index under ``base``; must be used inside :func:`write_lock`.

    In a bulk ``load`` the commit merges by the load's policy; otherwise (a person waits for it) it merges
    at most ``max_merge_docs`` documents. An error inside the block cancels the commit.
    """
    merge = load.policy if load is not None else bounded_merge(max_merge_docs)
    with index_writer(base, merge=merge) as writer:
        yield DocumentWriter(writer)


@contextmanager
def _generation_writer(folder: Path, **commit_options) -> Iterator[DocumentWriter]:
    """One commit to the generation ``folder``, with ``commit_options``; an error inside cancels it."""
    writer = FastSegmentWriter(whoosh_index.open_dir(str(folder)), limitmb=REBUILD_LIMIT_MB)
    try:
        yield DocumentWriter(writer)
    except BaseException:
        writer.cancel()
        raise
    writer.commit(**commit_options)


def build_generation(folder: Path) -> AbstractContextManager[DocumentWriter]:
    """Fill the fresh generation ``folder`` (:func:`new_generation`) in one commit, merged to one segment."""
    return _generation_writer(folder, optimize=True)


def update_generation(
    folder: Path, max_merge_docs: int = INTERACTIVE_MERGE_DOCS
) -> AbstractContextManager[DocumentWriter]:
    """One commit of changes to a generation that is not live yet, merging at most ``max_merge_docs``."""
    return _generation_writer(folder, mergetype=bounded_merge(max_merge_docs))
