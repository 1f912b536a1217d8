"""Structure for the documents ingested before it was kept: their originals read again, their text left alone.

A catalog upgraded in place has documents without structure, whose pages show their text's paragraphs.
Ingesting the same files again changes nothing (the same bytes are "unchanged"), so ``skh restructure`` reads
each such original again in the parser children (:mod:`ingest.sandbox`, under the same limits as an ingest),
with the catalog's title, authors and organisation as the explicit metadata so the same front matter comes off,
and keeps the structure only when the text read now has the same words as the catalog's text. A document whose
text differs (its parser reads it otherwise now, or it changed meanwhile) keeps its paragraphs.

Only the structure column is written, and only where it is still empty and the text unchanged: the index does
not hold the structure, so nothing is indexed, no index lock is taken, and pages show it at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from ingest.catalog import Catalog
from ingest.extract import IngestError
from ingest.limits import Limits
from ingest.metadata import normalise
from ingest.sandbox import ParserPool
from ingest.store import path_for

CHUNK = 50
"""Documents read, parsed and written per round: the originals of one round are in memory at once."""


@dataclass
class RestructureReport:
    structured: int = 0
    """Documents that have their structure now."""
    paragraphs: int = 0
    """Read again, but their text is paragraphs alone: nothing to store."""
    differs: int = 0
    """Read again, but the words differ from the catalog's text: left as they were."""
    failed: int = 0
    """The original could not be read again (missing, or refused by its parser)."""

    def as_json(self) -> dict[str, int]:
        return asdict(self)


def without_structure(catalog: Catalog) -> list[str]:
    """Ids of the documents with no structure whose format can have some (plain text never has)."""
    rows = catalog.connection().execute(
        "SELECT id FROM documents WHERE structure IS NULL AND format != 'text' ORDER BY id"
    )
    return [row[0] for row in rows]


def restructure(
    catalog: Catalog, originals: Path, limits: Limits, progress: Callable[[int, int], None] | None = None
) -> RestructureReport:
    """Store the structure of every document that has none and can have some (module docstring)."""
    report = RestructureReport()
    ids = without_structure(catalog)
    with ParserPool(limits) as pool:
        for start in range(0, len(ids), CHUNK):
            pending = []
            for doc in catalog.get_many(ids[start : start + CHUNK]).values():
                path = path_for(originals, doc.sha256)
                if not path.is_file():
                    report.failed += 1
                    continue
                explicit = normalise({"title": doc.title, "authors": doc.authors, "org": doc.org})
                pending.append((doc, pool.submit(path.read_bytes(), doc.filename, doc.source, explicit)))
            updates = []
            for doc, future in pending:
                try:
                    parsed = pool.result(future).doc
                except IngestError:
                    report.failed += 1
                    continue
                if not parsed.structure:
                    report.paragraphs += 1
                elif parsed.body.split() != doc.body.split():
                    report.differs += 1
                else:
                    updates.append((parsed.structure, doc.id, doc.text_sha256))
            with catalog.transaction() as conn:
                for row in updates:
                    changed = conn.execute(
                        "UPDATE documents SET structure = ? WHERE id = ? AND structure IS NULL AND text_sha256 = ?",
                        row,
                    ).rowcount
                    report.structured += changed
                    report.differs += 1 - changed  # changed meanwhile: its new version was read on its own
            if progress:
                progress(min(start + CHUNK, len(ids)), len(ids))
    return report
