"""``manifest.csv``: metadata for the files of a folder, one row per file.

A folder handed to ``skh ingest`` may carry one; its values are explicit
metadata (they beat what the files embed; see :mod:`ingest.explicit`). The
bundled corpus keeps its ground truth in the same format for tests and
evaluation.

Columns (all optional except ``path``): path, title, authors (``;``-separated),
org, year, date, type, lang, visibility, areas (``;``-separated), doi, url,
abstract; the aliases of :data:`ingest.metadata.FIELD_ALIASES` work too.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ingest.metadata import normalise
from ingest.reasons import ReasonError, reason

LIST_COLUMNS = ("authors", "areas")


class ManifestError(ReasonError):
    """The file is not a manifest; the message (a :class:`ingest.reasons.Reason`) says why."""


def read_manifest_rows(path: Path) -> dict[Path, dict[str, object]]:
    """Map each listed file (resolved against the manifest's folder) to its raw values.

    Raises :class:`ManifestError` (a ``ValueError``) when the file is not a manifest (no ``path`` column).
    """
    rows: dict[Path, dict[str, object]] = {}
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = [c.strip().lower() for c in reader.fieldnames or [] if c]
        if "path" not in columns:
            if not columns:
                raise ManifestError(reason("manifest_no_columns"))
            raise ManifestError(reason("manifest_no_path", columns=", ".join(columns)))
        for row in reader:
            raw: dict[str, object] = {}
            for key, value in row.items():
                if key is None or value is None or not str(value).strip():
                    continue
                key = key.strip().lower()
                value = str(value).strip()
                raw[key] = [v.strip() for v in value.split(";") if v.strip()] if key in LIST_COLUMNS else value
            name = str(raw.pop("path", ""))
            if name:
                rows[(path.parent / name).resolve()] = raw
    return rows


def read_manifest(path: Path) -> dict[Path, dict[str, object]]:
    """Map each listed file to its normalised metadata."""
    return {file: normalise(raw) for file, raw in read_manifest_rows(path).items()}
