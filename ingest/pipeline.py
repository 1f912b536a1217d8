"""Files in, documents out: the steps between reading bytes and saving.

:func:`prepare` is pure (bytes in, a :class:`Document` or a reason out), so it
can run anywhere, including a child process with limits. :class:`Ingestor`
walks folders, prepares files and saves them in batches, reporting each file
that fails and carrying on with the rest.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ingest.areas import AreaClassifier, Example
from ingest.catalog import Catalog
from ingest.datadir import DataDir
from ingest.detect import UnsupportedType, detect_format
from ingest.indexing import save_documents
from ingest.language import detect_language
from ingest.metadata import heuristic_title, merge, normalise
from ingest.model import Document
from ingest.parsers import ParseError, get_parser
from ingest.store import sha256_of, store
from ingest.taxonomy import Taxonomy

MAX_FILE_BYTES = int(os.environ.get("SKH_MAX_FILE_MB", "50")) * 1024 * 1024
SKIP_NAMES = {"manifest.csv", ".DS_Store", "Thumbs.db"}


class IngestError(ValueError):
    """A file that cannot become a document; the message says why."""


@dataclass
class Outcome:
    path: str
    status: str  # added | updated | unchanged | failed
    id: str | None = None
    title: str = ""
    reason: str = ""
    duplicate_of: str | None = None


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def summary(self) -> dict[str, int]:
        return {s: self.count(s) for s in ("added", "updated", "unchanged", "failed")}


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

    def as_metadata(self) -> dict[str, object]:
        return normalise({k: v for k, v in self.__dict__.items() if v})


def extract(data: bytes, filename: str, source: str, explicit: dict[str, object]) -> Document:
    """Parse one file's bytes into a catalog document (areas as given, if any).

    Raises :class:`IngestError` with a reason a person can act on.
    """
    if len(data) > MAX_FILE_BYTES:
        raise IngestError(f"the file is larger than the {MAX_FILE_BYTES // (1024 * 1024)} MB limit")
    try:
        fmt = detect_format(data)
        parsed = get_parser(fmt)(data)
    except (UnsupportedType, ParseError) as exc:
        raise IngestError(str(exc)) from exc
    body = parsed.body.strip()
    if len(body) < 20:
        raise IngestError("no readable text in the file")
    embedded = normalise(parsed.metadata)
    heuristics = {"title": heuristic_title(parsed.headings, body, filename)}
    meta = merge(explicit, embedded, heuristics)

    detected, confidence = detect_language(body)
    if "lang" in explicit:
        lang = str(explicit["lang"])
    elif detected and (confidence >= 0.9 or "lang" not in meta):
        lang = detected  # text beats a template's stale lang="en"
    else:
        lang = str(meta.get("lang") or detected or "en")

    digest = sha256_of(data)
    return Document(
        id=digest[:12],
        sha256=digest,
        source=source,
        filename=Path(filename).name[:255],
        format=fmt,
        size=len(data),
        title=str(meta["title"]),
        body=body,
        abstract=str(meta.get("abstract", "")),
        authors=list(meta.get("authors", [])),
        org=str(meta.get("org", "")),
        date=str(meta.get("date", "")),
        year=meta.get("year"),
        type=str(meta.get("type") or "document"),
        lang=lang,
        areas=list(meta.get("areas", [])),
        visibility=str(meta.get("visibility") or "public"),
        doi=str(meta.get("doi", "")),
        url=str(meta.get("url", "")),
    )


def assign_areas(doc: Document, classifier: AreaClassifier) -> Document:
    """Keep known areas that were given; otherwise assign them automatically."""
    known = set(classifier.taxonomy.ids)
    doc.areas = [a for a in doc.areas if a in known]
    if doc.areas:
        doc.areas_auto, doc.area_evidence = False, {}
    else:
        found = classifier.assign(doc.title, f"{doc.abstract}\n{doc.body}", doc.lang)
        doc.areas, doc.area_evidence, doc.areas_auto = found.areas, found.evidence, bool(found.areas)
    return doc


def prepare(
    data: bytes, filename: str, source: str, explicit: dict[str, object], classifier: AreaClassifier
) -> Document:
    """Turn one file's bytes into a catalog document, or raise IngestError."""
    return assign_areas(extract(data, filename, source, explicit), classifier)


def _resolve(catalog: Catalog, doc: Document, outcome: Outcome) -> Document | None:
    """Decide add / update / unchanged against what the catalog holds now."""
    same_bytes = catalog.by_sha256(doc.sha256)
    if same_bytes is not None:
        outcome.status, outcome.id, outcome.title = "unchanged", same_bytes.id, same_bytes.title
        if same_bytes.source != doc.source:
            outcome.duplicate_of = same_bytes.id
        return None
    previous = catalog.by_source(doc.source)
    if previous is not None:
        doc.id = previous.id  # a changed file keeps its document id
        if doc.areas_auto and not previous.areas_auto:
            # Areas staff set by hand survive a new version of the file.
            doc.areas, doc.areas_auto, doc.area_evidence = previous.areas, False, {}
        outcome.status = "updated"
    else:
        while catalog.get(doc.id) is not None:  # a prefix clash with an updated document
            doc.id = doc.sha256[: len(doc.id) + 4]
        outcome.status = "added"
    outcome.id, outcome.title = doc.id, doc.title
    return doc


def build_classifier(catalog: Catalog, taxonomy: Taxonomy) -> AreaClassifier:
    """An area classifier that has learned from every hand-labelled document."""
    examples = (Example(d.title, f"{d.abstract}\n{d.body}", d.lang, d.areas) for d in catalog.hand_labelled())
    return AreaClassifier(taxonomy, examples)


def reassign_automatic_areas(datadir: DataDir, catalog: Catalog, classifier: AreaClassifier) -> int:
    """Re-run automatic assignment (after a taxonomy change or new hand labels).

    Hand-set areas are kept unless the taxonomy no longer has them; a document
    left with none is assigned automatically. Returns how many changed.
    """
    known = set(classifier.taxonomy.ids)
    changed: list[Document] = []
    for doc in catalog.all():
        if not doc.areas_auto and doc.areas and set(doc.areas) <= known:
            continue
        before = (list(doc.areas), doc.areas_auto)
        doc.areas = [] if doc.areas_auto else [a for a in doc.areas if a in known]
        assign_areas(doc, classifier)
        if (doc.areas, doc.areas_auto) != before or doc.areas_auto:
            changed.append(doc)
    if changed:
        save_documents(datadir, catalog, lambda _catalog: changed)
    return len(changed)


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not child.name.startswith(".") and child.name not in SKIP_NAMES:
                    yield child
        else:
            yield path


class Ingestor:
    """Ingests files into one data directory."""

    def __init__(self, datadir: DataDir, catalog: Catalog, taxonomy: Taxonomy, batch_size: int = 200):
        self.datadir = datadir
        self.catalog = catalog
        self.taxonomy = taxonomy
        self.classifier = build_classifier(catalog, taxonomy)
        self.batch_size = batch_size

    def ingest_paths(
        self,
        paths: Iterable[str | os.PathLike[str]],
        explicit: Explicit | None = None,
        progress: Callable[[Outcome], None] | None = None,
    ) -> Report:
        report = Report()
        pending: list[tuple[Document, Outcome]] = []
        meta = (explicit or Explicit()).as_metadata()
        for path in iter_files(Path(p) for p in paths):
            outcome = Outcome(path=str(path), status="failed")
            try:
                if path.stat().st_size > MAX_FILE_BYTES:
                    raise IngestError(f"the file is larger than the {MAX_FILE_BYTES // (1024 * 1024)} MB limit")
                data = path.read_bytes()
                doc = prepare(data, path.name, str(path.resolve()), meta, self.classifier)
                store(self.datadir.originals, data)
                pending.append((doc, outcome))
            except IngestError as exc:
                outcome.reason = str(exc)
            except OSError as exc:
                outcome.reason = f"cannot read the file ({exc.strerror or exc})"
            report.outcomes.append(outcome)
            if outcome.status == "failed" and outcome.reason and progress:
                progress(outcome)
            if len(pending) >= self.batch_size:
                self._save(pending, progress)
                pending = []
        if pending:
            self._save(pending, progress)
        return report

    def refresh_classifier(self) -> None:
        """Learn again from the hand-labelled documents (after a staff correction)."""
        self.classifier = build_classifier(self.catalog, self.taxonomy)

    def save(self, doc: Document) -> Outcome:
        """Save one already prepared document (a reviewed upload)."""
        outcome = Outcome(path=doc.filename, status="failed")
        self._save([(doc, outcome)], None)
        return outcome

    def ingest_bytes(self, data: bytes, filename: str, source: str, explicit: Explicit | None = None) -> Outcome:
        """One file from an upload; same rules as the command line."""
        outcome = Outcome(path=filename, status="failed")
        try:
            doc = prepare(
                data, filename, source, (explicit or Explicit()).as_metadata(), self.classifier, self.taxonomy
            )
        except IngestError as exc:
            outcome.reason = str(exc)
            return outcome
        store(self.datadir.originals, data)
        self._save([(doc, outcome)], None)
        return outcome

    def _save(self, pending: list[tuple[Document, Outcome]], progress) -> None:
        def decide(catalog: Catalog) -> list[Document]:
            chosen: dict[str, Document] = {}  # by content hash
            for doc, outcome in pending:
                twin = chosen.get(doc.sha256)
                if twin is not None:  # the same bytes twice in one batch
                    outcome.status, outcome.id, outcome.title = "unchanged", twin.id, twin.title
                    outcome.duplicate_of = twin.id
                elif _resolve(catalog, doc, outcome) is not None:
                    chosen[doc.sha256] = doc
            return list(chosen.values())

        try:
            save_documents(self.datadir, self.catalog, decide)
        except Exception as exc:  # noqa: BLE001 - the batch is rolled back; say so per file
            for _doc, outcome in pending:
                outcome.status, outcome.reason = "failed", f"could not be saved ({exc.__class__.__name__}: {exc})"
        if progress:
            for _doc, outcome in pending:
                progress(outcome)
