"""``manifest.csv``: metadata for the files of a folder, one row per file.

A folder handed to ``skh ingest`` may carry one; its values are explicit
metadata (they beat what the files embed). The bundled corpus keeps its ground
truth in the same format for tests and evaluation.

Columns (all optional except ``path``): path, title, authors (``;``-separated),
org, year, type, lang, visibility, areas (``;``-separated).
"""

from __future__ import annotations

import csv
from pathlib import Path

from ingest.metadata import normalise

LIST_COLUMNS = ("authors", "areas")


def read_manifest(path: Path) -> dict[Path, dict[str, object]]:
    """Map each listed file (resolved against the manifest's folder) to its metadata."""
    rows: dict[Path, dict[str, object]] = {}
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            name = (row.pop("path", None) or "").strip()
            if not name:
                continue
            raw: dict[str, object] = {}
            for key, value in row.items():
                if key is None or value is None or not value.strip():
                    continue
                key = key.strip().lower()
                raw[key] = [v.strip() for v in value.split(";") if v.strip()] if key in LIST_COLUMNS else value.strip()
            rows[(path.parent / name).resolve()] = normalise(raw)
    return rows
