"""Files in, documents out: the steps between reading bytes and saving.

:func:`ingest.extract.extract` is pure (bytes in, a :class:`Document` or a
reason out) and runs in a child process with limits (:mod:`ingest.sandbox`).
:class:`Ingestor` walks folders, resolves each file's explicit metadata
(options, sidecar, manifest: :mod:`ingest.explicit`), has the children parse
while it assigns areas and saves what came back in batches, and reports each
file that fails with the reason, carrying on with the rest.

A document is written whole or not at all: its original, catalog row and
index entry are written together under the one write lock, and a batch that
fails to save takes back the originals it stored and is retried file by file,
so one bad document costs only itself; unless the storage failed (a full disk, a
read-only data dir): then the load stops once with that cause
(:mod:`ingest.storage_errors`).
"""

from __future__ import annotations

import os
import stat
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext, suppress
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from ingest.areas import AreaClassifier, Example, assign_areas
from ingest.catalog import Catalog
from ingest.datadir import DataDir
from ingest.explicit import ExplicitError, Manifests, is_metadata_file, read_sidecar
from ingest.extract import IngestError, extract
from ingest.indexing import save_documents
from ingest.limits import BATCH_DOCUMENTS, MB, IngestSettings, Limits
from ingest.metadata import merge, normalise
from ingest.model import Document
from ingest.orphans import HeldElsewhere
from ingest.reasons import reason
from ingest.report import Outcome, Report
from ingest.resolve import choose
from ingest.sandbox import Extracted, ParserPool
from ingest.storage_errors import StorageFailed, storage_failure
from ingest.store import path_for, store
from ingest.taxonomy import Taxonomy
from ingest.timing import StageTimes
from ingest.walk import Skipped, iter_files
from ingest.work_candidates import WorkCandidates, place_in_works
from search import BulkLoad, Glossary

__all__ = [
    "BATCH_DOCUMENTS",
    "Explicit",
    "IngestError",
    "Ingestor",
    "Outcome",
    "Report",
    "extract",
    "iter_files",
]

WINDOW_FILES = 3000
WINDOW_BYTES = 64 * 1024 * 1024
"""Files handed to the children ahead of the one being collected: at most this many, holding at most
this many bytes (beyond one file). Deeper than a batch, so the children can parse the whole next batch
while the parent commits one to the index (10-15 s for 2,500 reports), shallow enough to bound memory."""

FIRST_BATCH = 250
"""Documents in the first commit of a run. Until the first commit the parent has nothing to do but wait for
the children (a full batch of 2,500 reports: about 4 s on 2 cores); a small first batch starts the writer
after a tenth of that, and later batches are parsed while the one before is committed."""

STORE_THREADS = 4
"""Originals written at once when a batch is saved (one file each; creating a file mostly waits on the disk)."""

Progress = Callable[[Outcome], None]


@dataclass
class Explicit:
    """Metadata a person gave (command line, upload form); it beats the file's own."""

    areas: list[str] = field(default_factory=list)
    type: str = ""
    org: str = ""
    visibility: str = ""
    lang: str = ""
    title: str = ""
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    doi: str = ""
    url: str = ""

    def as_metadata(self) -> dict[str, object]:
        return normalise({k: v for k, v in self.__dict__.items() if v})


def build_classifier(catalog: Catalog, taxonomy: Taxonomy, glossary: Glossary | None = None) -> AreaClassifier:
    """An area classifier that has learned from every hand-labelled document (``glossary`` None: the shipped one)."""
    examples = (Example(d.title, f"{d.abstract}\n{d.body}", d.lang, d.areas) for d in catalog.hand_labelled())
    return AreaClassifier(taxonomy, examples, glossary=glossary)


Batch = list[tuple[Document, Outcome, bytes | None]]
"""Documents to save, with their outcome and original (None: stored already)."""


class Ingestor:
    """Ingests files into one data directory."""

    def __init__(
        self,
        datadir: DataDir,
        catalog: Catalog,
        taxonomy: Taxonomy,
        batch_size: int | None = None,
        limits: Limits | None = None,
        timings: StageTimes | None = None,
        held_elsewhere: HeldElsewhere | None = None,
        settings: IngestSettings | None = None,
        glossary: Glossary | None = None,
    ):
        """Without ``settings`` they are read from the environment now; ``batch_size`` and ``limits``
        override theirs (tests and benchmarks)."""
        self.settings = settings or IngestSettings.from_env()
        self.datadir = datadir
        self.catalog = catalog
        self.taxonomy = taxonomy
        self.glossary = glossary  # the area assignment's concepts (None: the shipped glossary)
        self.classifier = build_classifier(catalog, taxonomy, glossary)
        self.batch_size = batch_size or self.settings.batch_docs
        self._batch_limit = self.batch_size  # FIRST_BATCH at the start of a run, then batch_size
        self.limits = limits or self.settings.parse
        self.held_elsewhere = held_elsewhere  # originals pending uploads hold (ingest.orphans); None: gc removes
        self.timings = timings
        """Set (by the benchmark) to collect seconds per stage."""
        self.background_merge_docs = self.settings.background_merge_docs
        """A bulk load's merges of at least this many documents are written by another process (0: none)."""
        self.merges: BulkLoad | None = None
        """The last bulk load, to read how many background merges it started and took."""
        self.candidates = WorkCandidates(catalog.connection)
        """The catalog's documents by text fingerprint: a new one's formats and versions are found there."""
        self._signatures: dict[str, bytes] = {}  # the children's fingerprints, by original's hash, until saved
        self._group_formats = False  # set for a bulk run: formats of one work are linked as they come

    def _timed(self, stage: str):
        return self.timings.measure(stage) if self.timings is not None else nullcontext()

    # -- planning: which files, with which explicit metadata -----------------

    def _plan(
        self, paths: list[Path], given: dict[str, object], follow_symlinks: bool
    ) -> Iterator[tuple[Path, Outcome, dict | None]]:
        manifests = Manifests.for_roots(paths, self.taxonomy.ids)
        for path in iter_files(paths, follow_symlinks):
            if isinstance(path, Skipped):  # a link not followed, a FIFO, a device...: reported, never opened
                yield path.path, Outcome(path=str(path.path), status=path.status, reason=path.reason), None
                continue
            outcome = Outcome(path=str(path), status="failed")
            try:
                if is_metadata_file(path):
                    raise ExplicitError(reason("metadata_file"))
                meta = merge(given, read_sidecar(path, self.taxonomy.ids), manifests.lookup(path))
            except ExplicitError as exc:
                outcome.reason, meta = exc.reason, None
            yield path, outcome, meta

    def _too_large(self, size: int | None = None) -> IngestError:
        mb = self.limits.max_file_bytes / MB
        return IngestError(reason("too_large", mb=mb) if size is None else reason("too_large_bytes", mb=mb, bytes=size))

    def _read(self, path: Path) -> bytes:
        limit = self.limits.max_file_bytes
        try:
            info = path.stat()
            if not stat.S_ISREG(info.st_mode):  # it changed since the walk: a FIFO would block the read
                raise IngestError(reason("not_regular_now"))
            if info.st_size > limit:
                raise self._too_large(info.st_size)
            data = path.read_bytes()
        except OSError as exc:
            raise IngestError(reason("unreadable", error=str(exc.strerror or exc))) from exc
        if len(data) > limit:  # it grew since stat
            raise self._too_large()
        return data

    # -- running ----------------------------------------------------------------

    def ingest_paths(
        self,
        paths: Iterable[str | os.PathLike[str]],
        explicit: Explicit | None = None,
        progress: Progress | None = None,
        start: Callable[[int], None] | None = None,
        waiting: Callable[[str], None] | None = None,
        follow_symlinks: bool = False,
    ) -> Report:
        """Ingest files and folders; ``start`` hears the number of files, ``progress`` each file's outcome,
        and ``waiting`` what the load still waits for once every file is done (a background merge).
        Symbolic links inside the folders are followed only with ``follow_symlinks`` (:mod:`ingest.walk`)."""
        given = (explicit or Explicit()).as_metadata()
        plan = list(self._plan([Path(p) for p in paths], given, follow_symlinks))
        if start:
            start(len(plan))
        report = Report(outcomes=[outcome for _, outcome, _ in plan])
        batch: Batch = []
        self._batch_limit = min(FIRST_BATCH, self.batch_size)
        self._group_formats = True
        # A load of this run's own: threads of one process may each run a load.
        with BulkLoad(self.datadir.index, self.background_merge_docs) as load:
            self.merges = load
            self._run(plan, batch, progress, load)
            if batch:
                self._save(batch, progress, load)
            with self._timed("index"):
                load.finish(waiting)
        self._group_formats = False
        return report

    def _run(self, plan: list, batch: Batch, progress: Progress | None, load: BulkLoad) -> None:
        """Read each file, parse it in a child and save full batches; the window keeps the children ahead."""
        window: deque[tuple[Outcome, object, bytes]] = deque()
        pending = 0  # bytes of the files in the window
        with ParserPool(self.limits, timed=self.timings is not None, classifier=self.classifier) as pool:
            for path, outcome, meta in plan:
                if meta is None:
                    self._fail(outcome, outcome.reason, progress, outcome.status)
                    continue
                try:
                    with self._timed("read"):
                        data = self._read(path)
                except IngestError as exc:
                    self._fail(outcome, exc.reason, progress)
                    continue
                while window and (len(window) >= WINDOW_FILES or pending + len(data) > WINDOW_BYTES):
                    pending -= len(window[0][2])
                    self._collect(pool, window.popleft(), batch, progress, load)
                window.append((outcome, pool.submit(data, path.name, str(path.resolve()), meta), data))
                pending += len(data)
            while window:
                self._collect(pool, window.popleft(), batch, progress, load)

    def refresh_classifier(self) -> None:
        """Learn again from the hand-labelled documents (after a staff correction)."""
        self.classifier = build_classifier(self.catalog, self.taxonomy, self.glossary)

    def save(self, doc: Document) -> Outcome:
        """Save one already prepared document (a reviewed upload, whose original is already stored)."""
        outcome = Outcome(path=doc.filename, status="failed")
        self._save([(doc, outcome, None)], None)
        return outcome

    def save_many(self, docs: list[Document]) -> list[Outcome]:
        """Save several prepared documents (a bulk upload's selection) in one commit; one outcome each, in order.
        A document that fails costs itself only (the batch is retried file by file)."""
        outcomes = [Outcome(path=doc.filename, status="failed") for doc in docs]
        if docs:
            self._save([(doc, outcome, None) for doc, outcome in zip(docs, outcomes, strict=True)], None)
        return outcomes

    def extract_isolated(self, data: bytes, filename: str, source: str, explicit: dict[str, object]) -> Document:
        """:func:`extract` in a parser child under the limits (an upload's first step); raises IngestError."""
        if len(data) > self.limits.max_file_bytes:
            raise self._too_large()
        with ParserPool(replace(self.limits, workers=1)) as pool:
            return pool.result(pool.submit(data, filename, source, explicit)).doc

    def extract_each(
        self, files: Iterable[tuple[bytes, str, str, dict[str, object]]]
    ) -> Iterator[Extracted | IngestError]:
        """Each of ``files`` (bytes, name, source, explicit metadata) extracted in one parser child under the
        limits, with areas assigned; a file that fails yields its :class:`IngestError` and the rest go on.
        One child for them all: a browser's batch of 200 files does not start 200 processes."""
        with ParserPool(replace(self.limits, workers=1)) as pool:
            for data, filename, source, explicit in files:
                if len(data) > self.limits.max_file_bytes:
                    yield self._too_large()
                    continue
                try:
                    extracted = pool.result(pool.submit(data, filename, source, explicit))
                except IngestError as exc:
                    yield exc
                    continue
                assign_areas(extracted.doc, self.classifier)
                yield extracted

    def ingest_bytes(self, data: bytes, filename: str, source: str, explicit: Explicit | None = None) -> Outcome:
        """One file from an upload; same rules and limits as the command line."""
        outcome = Outcome(path=filename, status="failed")
        if len(data) > self.limits.max_file_bytes:
            outcome.reason = self._too_large().reason
            return outcome
        batch: Batch = []
        with ParserPool(replace(self.limits, workers=1)) as pool:
            meta = (explicit or Explicit()).as_metadata()
            self._collect(pool, (outcome, pool.submit(data, filename, source, meta), data), batch, None, None)
        if batch:
            self._save(batch, None)
        return outcome

    @staticmethod
    def _fail(outcome: Outcome, reason: str, progress: Progress | None, status: str = "failed") -> None:
        outcome.status, outcome.reason, outcome.id = status, reason, None
        if progress:
            progress(outcome)

    def _collect(
        self,
        pool: ParserPool,
        entry: tuple[Outcome, object, bytes],
        batch: Batch,
        progress: Progress | None,
        load: BulkLoad | None,
    ) -> None:
        """Take one child's result: a failure is reported now, a document joins the batch."""
        outcome, future, data = entry
        try:
            with self._timed("wait"):
                extracted: Extracted = pool.result(future)
        except IngestError as exc:
            self._fail(outcome, exc.reason, progress)
            return
        if self.timings is not None:
            self.timings.merge(extracted.times)
        doc = extracted.doc
        outcome.format, outcome.notes = doc.format, extracted.notes
        if extracted.signature:
            self._signatures[doc.sha256] = extracted.signature
        if not extracted.areas_assigned:
            with self._timed("areas"):
                assign_areas(doc, self.classifier)
        batch.append((doc, outcome, data))
        if len(batch) >= self._batch_limit:
            self._save(list(batch), progress, load)
            batch.clear()
            self._batch_limit = self.batch_size

    def _save(self, batch: Batch, progress: Progress | None, load: BulkLoad | None = None) -> None:
        """Catalog and index one batch. A bulk ``load``'s commits may merge much of the index; without one
        (a person's save) the commit merges a bounded amount (:func:`ingest.indexing.save_documents`)."""
        stored: list[Path] = []

        def decide(catalog: Catalog) -> list[Document]:
            chosen = choose(catalog, [(doc, outcome) for doc, outcome, _data in batch])  # by content hash
            self._place_in_works(catalog, [(doc, o) for doc, o, _d in batch if chosen.get(doc.sha256) is doc])
            # Originals are stored here, inside the lock, so a failed save can take them back.
            new = []
            for doc, _outcome, data in batch:
                target = path_for(self.datadir.originals, doc.sha256)
                if data is not None and chosen.get(doc.sha256) is doc and not target.exists():
                    new.append(data)
                    stored.append(target)
            if new:  # creating files is mostly waiting on the file system: several at once
                with ThreadPoolExecutor(max_workers=STORE_THREADS) as pool:
                    list(pool.map(partial(store, self.datadir.originals), new))
            return list(chosen.values())

        try:
            with self._timed("index"):
                save_documents(
                    self.datadir,
                    self.catalog,
                    decide,
                    load=load,
                    held_elsewhere=self.held_elsewhere,
                    max_merge_docs=self.settings.interactive_merge_docs,
                )
        except Exception as exc:  # noqa: BLE001 - rolled back; find the one file that cannot be saved
            for target in stored:
                with suppress(OSError):  # never written (its folder could not be made, say)
                    target.unlink()
            cause = storage_failure(exc)
            if cause is not None and load is not None:  # every retry would fail the same way
                raise StorageFailed(cause, len(batch)) from exc
            if len(batch) > 1:
                for item in batch:
                    self._save([item], progress, load)
                return
            _doc, outcome, _data = batch[0]
            outcome.duplicate_of = None
            self._fail(outcome, reason("save_failed", error=f"{exc.__class__.__name__}: {exc}"), None)
        for doc, _outcome, _data in batch:
            self._signatures.pop(doc.sha256, None)
        if progress:
            for _doc, outcome, _data in batch:
                progress(outcome)

    def _place_in_works(self, catalog: Catalog, saving: list[tuple[Document, Outcome]]) -> None:
        with self._timed("works"):
            place_in_works(catalog.connection(), self.candidates, saving, self._signatures, self._group_formats)
