"""Metadata a person gave for particular files: sidecars and folder manifests.

Both are explicit metadata and beat what a file embeds. Among explicit
sources the most deliberate wins: command-line options (or the upload form)
> the file's sidecar ``NAME.meta.json`` > the folder's ``manifest.csv`` (a
nearer folder's manifest before a farther one's).

A sidecar sits next to its file, named after it with ``.meta.json`` added
(``report.pdf.meta.json``) or replacing the extension (``report.meta.json``),
and holds one JSON object with the same fields as a manifest row.

Mistakes here are refused, not ignored: a typo in ``visibility`` must not
publish a staff-only file, so an unknown field, an unknown visibility or area,
or a year that is not one fails the file with a reason that names the source.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ingest.manifest import read_manifest_rows
from ingest.metadata import FIELD_ALIASES, merge, normalise, normalise_date
from ingest.model import VISIBILITIES
from ingest.reasons import Reason, ReasonError, reason

SIDECAR_SUFFIX = ".meta.json"
MANIFEST_NAME = "manifest.csv"


class ExplicitError(ReasonError):
    """Explicit metadata that cannot be trusted; the message (a :class:`ingest.reasons.Reason`) names the file
    and the field."""


def is_metadata_file(path: Path) -> bool:
    """Sidecars and manifests describe documents; they are not documents."""
    return path.name == MANIFEST_NAME or path.name.endswith(SIDECAR_SUFFIX)


def validate(raw: dict[str, object], where: Reason, known_areas: tuple[str, ...]) -> dict[str, object]:
    """Map field aliases, check the values that matter, and normalise; ``where`` names the source in a reason."""
    fields: dict[str, object] = {}
    for key, value in raw.items():
        name = FIELD_ALIASES.get(str(key).strip().lower())
        if name is None:
            allowed = ", ".join(sorted(set(FIELD_ALIASES.values())))
            raise ExplicitError(reason("unknown_field", where=where, field=repr(key), allowed=allowed))
        if value in (None, "", []):
            continue
        if name in ("authors", "areas") and isinstance(value, str):
            separated = value.replace(",", ";") if name == "areas" else value  # "Jensen, Anna" is one author
            value = [v.strip() for v in separated.split(";") if v.strip()]
        fields[name] = value
    visibility = fields.get("visibility")
    if visibility is not None and str(visibility).strip().lower() not in VISIBILITIES:
        allowed = ", ".join(VISIBILITIES)
        raise ExplicitError(reason("bad_visibility", where=where, value=repr(visibility), allowed=allowed))
    areas = fields.get("areas", [])
    if not isinstance(areas, list):
        raise ExplicitError(reason("areas_not_list", where=where))
    unknown = [a for a in areas if str(a) not in known_areas]
    if unknown:
        names, known = ", ".join(map(str, unknown)), ", ".join(known_areas)
        raise ExplicitError(reason("unknown_area", where=where, areas=names, known=known))
    for date_field, code in (("year", "bad_year"), ("date", "bad_date")):
        if date_field in fields and normalise_date(fields[date_field])[1] is None:
            raise ExplicitError(reason(code, where=where, value=repr(fields[date_field])))
    return normalise(fields)


def sidecar_for(path: Path) -> Path | None:
    for candidate in (path.with_name(path.name + SIDECAR_SUFFIX), path.with_name(path.stem + SIDECAR_SUFFIX)):
        if candidate != path and candidate.is_file():
            return candidate
    return None


def read_sidecar(path: Path, known_areas: tuple[str, ...]) -> dict[str, object]:
    """The sidecar's metadata for ``path`` ({} when it has none); :class:`ExplicitError` when it is wrong."""
    sidecar = sidecar_for(path)
    if sidecar is None:
        return {}
    try:
        raw = json.loads(sidecar.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise ExplicitError(reason("sidecar_json", name=sidecar.name, line=exc.lineno, error=exc.msg)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ExplicitError(reason("sidecar_unreadable", name=sidecar.name, error=exc.__class__.__name__)) from exc
    if not isinstance(raw, dict):
        raise ExplicitError(reason("sidecar_not_object", name=sidecar.name))
    return validate(raw, reason("in_sidecar", name=sidecar.name), known_areas)


@dataclass
class Manifests:
    """The ``manifest.csv`` files that apply to one ingest run."""

    known_areas: tuple[str, ...]
    rows: dict[Path, list[dict[str, object]]] = field(default_factory=dict)
    """Per file: its rows, nearest manifest first (already validated)."""
    broken: dict[Path, Reason] = field(default_factory=dict)
    """Per folder: why its manifest (which covers everything below) cannot be used."""
    row_errors: dict[Path, Reason] = field(default_factory=dict)

    @classmethod
    def for_roots(cls, roots: list[Path], known_areas: tuple[str, ...]) -> Manifests:
        """Manifests inside each folder named, and the one beside each file named."""
        found: set[Path] = set()
        for root in roots:
            if root.is_dir():
                found.update(p.resolve() for p in root.rglob(MANIFEST_NAME) if p.is_file())
            elif (root.parent / MANIFEST_NAME).is_file():
                found.add((root.parent / MANIFEST_NAME).resolve())
        manifests = cls(known_areas)
        # Deepest first, so a nearer manifest's row comes first for each file.
        for manifest in sorted(found, key=lambda p: len(p.parts), reverse=True):
            manifests._load(manifest)
        return manifests

    def _load(self, manifest: Path) -> None:
        where = str(manifest)
        try:
            rows = read_manifest_rows(manifest)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            error = exc.reason if isinstance(exc, ReasonError) else str(exc)
            self.broken[manifest.parent] = reason("manifest_unreadable", manifest=where, error=error)
            return
        for path, raw in rows.items():
            try:
                row = reason("in_manifest_row", manifest=where, name=path.name)
                self.rows.setdefault(path, []).append(validate(raw, row, self.known_areas))
            except ExplicitError as exc:
                self.row_errors.setdefault(path, exc.reason)

    def lookup(self, path: Path) -> dict[str, object]:
        """The manifests' metadata for ``path``; :class:`ExplicitError` when a manifest that covers it is wrong."""
        resolved = path.resolve()
        for folder, why in self.broken.items():
            if folder in resolved.parents:
                raise ExplicitError(why)
        if resolved in self.row_errors:
            raise ExplicitError(self.row_errors[resolved])
        return merge(*self.rows.get(resolved, []))
