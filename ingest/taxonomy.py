"""The strength-area taxonomy: a data file, never code.

``corpus/areas.toml`` by default; ``SKH_TAXONOMY`` points at another file, so
a deployment with other areas edits data and runs ``skh reindex``.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_TAXONOMY = Path(__file__).resolve().parent.parent / "corpus" / "areas.toml"


@dataclass(frozen=True)
class Area:
    id: str
    label_en: str
    label_da: str
    description_en: str
    description_da: str = ""
    seeds_en: tuple[str, ...] = field(default_factory=tuple)
    seeds_da: tuple[str, ...] = field(default_factory=tuple)

    def label(self, lang: str = "en") -> str:
        return self.label_da if lang == "da" and self.label_da else self.label_en


@dataclass(frozen=True)
class Taxonomy:
    areas: tuple[Area, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.areas)

    def get(self, area_id: str) -> Area | None:
        return next((a for a in self.areas if a.id == area_id), None)

    def label(self, area_id: str, lang: str = "en") -> str:
        area = self.get(area_id)
        return area.label(lang) if area else area_id


def load_taxonomy(path: str | os.PathLike[str] | None = None) -> Taxonomy:
    """Read and check the taxonomy file; raises ValueError with the reason."""
    path = Path(path or DEFAULT_TAXONOMY)
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    areas = []
    for entry in data.get("area", []):
        missing = [k for k in ("id", "label_en", "label_da", "description_en") if not entry.get(k)]
        if missing:
            raise ValueError(f"{path}: an area lacks {', '.join(missing)}")
        areas.append(
            Area(
                id=entry["id"],
                label_en=entry["label_en"],
                label_da=entry["label_da"],
                description_en=" ".join(entry["description_en"].split()),
                description_da=" ".join(entry.get("description_da", "").split()),
                seeds_en=tuple(entry.get("seeds_en", ())),
                seeds_da=tuple(entry.get("seeds_da", ())),
            )
        )
    if not areas:
        raise ValueError(f"{path}: no [[area]] entries")
    if len({a.id for a in areas}) != len(areas):
        raise ValueError(f"{path}: area ids must be unique")
    return Taxonomy(tuple(areas))
