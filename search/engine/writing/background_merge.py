"""A bulk load's large merges, written by another process while the load goes on.

Whoosh merges inside a commit: at 100,000 reports a bulk load stops twice,
at about 45,000 and 90,000 documents, while one process rewrites some 45,000
documents (minutes on 2 cores). The parser children have filled their window
and wait too, so a core idles through each merge.

:class:`BackgroundMerges` is the merge policy of one bulk load. Where Whoosh's
rule (:func:`search.engine.writing.merging.small_merge`) picks a merge of at least
``min_docs`` documents, it starts a child process that writes the merged
segment from the chosen segments' files, and the commit goes on without
merging. The child runs at a lower priority, so it takes the CPU time the load
leaves. A later commit of the same load (or :meth:`BackgroundMerges.finish`,
at its end) takes the finished segment in place of its sources:

* documents deleted from the sources meanwhile (an update replaces a
  document: delete, then add) are deleted from the merged segment too, by
  their new numbers;
* if a source is gone (another writer merged it, or the index was rebuilt),
  the result is dropped: the sources are still there, and nothing is lost;
* while the child writes, the index folder holds a reservation
  (:data:`search.engine.writing.merging.RESERVATION`), so no writer's commit deletes its
  files as leftovers and no other merge takes its sources;
* the child says how far it got in a small progress file
  (:func:`merge_progress`: its pid, then ``started``, ``writing``, ``written``), so
  ``skh check`` can name the process doing the merge, and whoever waits for a
  merge can wait for a phase rather than guess from time.

The index stays what it was until the swap, one commit writes the table of
contents, and the write lock is still held only by commits: there is still one
writer of the table of contents at a time and readers never wait.
"""

from __future__ import annotations

import bisect
import json
import logging
import multiprocessing
import os
import shutil
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from whoosh.codec.whoosh3 import W3Codec, W3Segment
from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex

from search.engine.writing.merging import busy_segment_ids, merge_into, release, reservation, reserve, small_merge

log = logging.getLogger(__name__)

MIN_BACKGROUND_DOCS = 10_000
"""Merges of fewer documents are made in the commit, as before (seconds at most)."""

NICENESS = 10
"""The merging child's priority below the load's: it uses what the load leaves of the CPUs."""


class _Preset(W3Codec):
    """Whoosh's codec, handing the writer a segment named in advance (so it can be reserved first)."""

    def __init__(self, segment: W3Segment):
        super().__init__()
        self._preset = segment

    def new_segment(self, storage, indexname):
        return self._preset


def _tempname(segment: W3Segment) -> str:
    """The child's folder for temporary files (a dot first: Whoosh's clean-up passes it by)."""
    return f".merge-{segment.segment_id()}.tmp"


PHASES = ("started", "writing", "written")
"""How far a merging process got: running (before it reads its sources), writing the merged segment (its
temporary files in use), done (the result on its way to the load)."""


@dataclass(frozen=True)
class MergeProgress:
    """The phase of the background merge that holds an index folder, and the process doing it."""

    pid: int
    phase: str


def _progress_path(folder: str | os.PathLike[str], segment_id: str) -> Path:
    return Path(folder) / f".merge-{segment_id}.json"


def _report(folder: str, segment: W3Segment, phase: str) -> None:
    """The child: record ``phase`` (written whole, then renamed into place: a reader never sees half)."""
    path = _progress_path(folder, segment.segment_id())
    temporary = path.with_suffix(".json.new")
    temporary.write_text(json.dumps({"pid": os.getpid(), "phase": phase}))
    os.replace(temporary, path)


def merge_progress(folder: str | os.PathLike[str]) -> MergeProgress | None:
    """How far the background merge holding ``folder`` got; None if none holds it or its child has not
    reported yet."""
    found = reservation(folder)
    if found is None:
        return None
    try:
        said = json.loads(_progress_path(folder, str(found["segment"])).read_text())
        return MergeProgress(int(said["pid"]), str(said["phase"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


class _OwnTemporaries(FileStorage):
    """The index folder, with temporary files in a folder of the merge's own.

    Whoosh names a writer's temporary folder after the index, and each commit
    of the load beside the merge deletes it, with the column files the merge
    is assembling there.
    """

    def __init__(self, folder: str, tempname: str):
        super().__init__(folder)
        self._tempname = tempname

    def temp_storage(self, name=None):
        return super().temp_storage(self._tempname)


def _merge_main(folder: str, indexname: str, segment: W3Segment, sources: list, conn) -> None:
    """The child: write ``segment`` from ``sources`` and send it back (or why it failed)."""
    try:
        _report(folder, segment, "started")
        from search.engine.writing.segment_writer import FastSegmentWriter  # the child imports what it needs

        os.nice(NICENESS)
        ix = FileIndex(_OwnTemporaries(folder, _tempname(segment)), indexname=indexname)
        writer = FastSegmentWriter(ix, limitmb=256, _lk=False, codec=_Preset(segment))
        try:
            _report(folder, segment, "writing")
            merge_into(writer, sources, sources)
            result = writer._finalize_segment()
        finally:
            writer._finish()
        _report(folder, segment, "written")
        conn.send(("done", result))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which keeps the sources
        conn.send(("failed", f"{exc.__class__.__name__}: {exc}"))
    finally:
        conn.close()


@dataclass
class _Source:
    segment_id: str
    doc_count_all: int
    deleted: list[int]
    """Sorted: the documents deleted when the merge started (the child leaves them out)."""


class _Job:
    """One running merge: its child, the segment it writes and its sources as they were."""

    def __init__(self, folder: str, indexname: str, chosen: Sequence[W3Segment]):
        """Reserve the folder and start the child; raises :class:`BlockingIOError` if another merge holds it."""
        self.folder = folder
        self.segment = W3Segment(W3Codec(), indexname)
        self.sources = [_Source(s.segment_id(), s.doc_count_all(), sorted(s.deleted_docs())) for s in chosen]
        self.docs = sum(s.doc_count() for s in chosen)
        if not reserve(folder, self.segment.segment_id(), [s.segment_id for s in self.sources]):
            raise BlockingIOError("another background merge is under way in this index")
        context = multiprocessing.get_context("spawn")  # a fresh interpreter: the load's threads stay behind
        self._conn, child_end = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_merge_main, args=(folder, indexname, self.segment, list(chosen), child_end), daemon=True
        )
        try:
            self.process.start()
        except BaseException:
            self.release()
            raise
        child_end.close()  # so a child that dies without a word is seen as the end of the pipe
        self._outcome: tuple[str, object] | None = None

    @property
    def source_ids(self) -> set[str]:
        return {source.segment_id for source in self.sources}

    def finished(self) -> bool:
        return self._outcome is not None or self._conn.poll()

    def outcome(self) -> tuple[str, object]:
        """``("done", segment)`` or ``("failed", reason)``; waits for the child."""
        if self._outcome is None:
            try:
                self._outcome = self._conn.recv()
            except (EOFError, OSError):
                self.process.join()
                self._outcome = ("failed", f"the merging process ended with exit code {self.process.exitcode}")
            self._conn.close()
            self.process.join()
        return self._outcome

    def release(self) -> None:
        """Give up the reservation (the next commit deletes the segment's files unless it took them)."""
        shutil.rmtree(Path(self.folder) / _tempname(self.segment), ignore_errors=True)  # left by a killed child
        with suppress(OSError):
            _progress_path(self.folder, self.segment.segment_id()).unlink()
        release(self.folder)

    def stop(self) -> None:
        """End the child (an interrupted load) and give up the reservation."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self._conn.close()
        self.release()


class BackgroundMerges:
    """The merge policy of one bulk load (``mergetype`` of each commit); see the module's docstring."""

    def __init__(self, min_docs: int = MIN_BACKGROUND_DOCS):
        self.min_docs = min_docs
        self.started = 0
        self.taken = 0
        self.carried_deletions = 0
        self._job: _Job | None = None
        self._failed = False
        self._closing = False

    def __call__(self, writer, segments: Sequence[W3Segment]) -> list[W3Segment]:
        segments = list(segments)
        if self._job is not None and self._job.finished():
            segments = self._take(writer, segments)
        busy = busy_segment_ids(writer.storage.folder)  # this load's merge, or another process's
        free = [segment for segment in segments if segment.segment_id() not in busy]
        chosen = small_merge(free)
        if not chosen:
            return segments
        docs = sum(segment.doc_count() for segment in chosen)
        if self._job is None and not (self._failed or self._closing) and self.min_docs and docs >= self.min_docs:
            try:
                self._job = _Job(writer.storage.folder, writer.indexname, chosen)
            except BlockingIOError:  # another load's merge holds the index: merge here, as Whoosh would
                return merge_into(writer, chosen, segments)
            except Exception as exc:  # noqa: BLE001 - no process to be had: merge here from now on
                log.warning("could not start a background merge (%s); merging in the commit", exc)
                self._failed = True
                return merge_into(writer, chosen, segments)
            self.started += 1
            return segments
        return merge_into(writer, chosen, segments)

    def _take(self, writer, segments: list[W3Segment]) -> list[W3Segment]:
        """The segments with the finished merge's result in place of its sources (or as they are)."""
        job, self._job = self._job, None
        assert job is not None
        status, result = job.outcome()
        job.release()
        if status != "done":
            log.warning("a background merge failed (%s); its segments are merged in the commits instead", result)
            self._failed = True
            return segments
        current = {segment.segment_id(): segment for segment in segments}
        if writer.storage.folder != job.folder or not job.source_ids <= set(current):
            return segments  # the sources changed under it: dropped, the next commit deletes its files
        merged: W3Segment = result
        base = 0
        for source in job.sources:
            already = set(source.deleted)
            for docnum in current[source.segment_id].deleted_docs():
                if docnum not in already:
                    merged.delete_document(base + docnum - bisect.bisect_left(source.deleted, docnum))
                    self.carried_deletions += 1
            base += source.doc_count_all - len(source.deleted)
        self.taken += 1
        return [segment for segment in segments if segment.segment_id() not in job.source_ids] + [merged]

    def wait(self) -> None:
        """Wait until a running merge has finished (its result is taken by the next commit)."""
        if self._job is not None:
            self._job.outcome()

    def finish(self, base: Path, waiting: Callable[[str], None] | None = None) -> None:
        """Wait for a running merge and commit its result (the end of the load); ``waiting`` hears why."""
        from search.engine.writing.writer import index_writer, write_lock

        self._closing = True  # the last commit merges in place what it merges
        if self._job is None:
            return
        if waiting is not None:
            waiting(f"finishing the index merge of {self._job.docs:,} documents begun during the load")
        self.wait()
        with write_lock(base), index_writer(base, merge=self):
            pass

    def stop(self) -> None:
        """Give up a running merge (the load failed or was interrupted); the index keeps its sources."""
        job, self._job = self._job, None
        if job is not None:
            job.stop()
