"""The cluster's bilingual glossary: concepts with their English and Danish terms (placeholder).

A minimal version of the interface another branch implements in full (with the 400+ concepts of
``corpus/glossary.toml``): a concept has an id, the strength areas it belongs to, its English and Danish
terms and its abbreviations. Cross-language search (:mod:`search.crosslang`) reads it through
:func:`load_glossary`; the file format is::

    [[concept]]
    id = "hearing-aid"
    areas = ["hearing-health"]
    en = ["hearing aid", "hearing instrument"]
    da = ["høreapparat"]
    abbr = ["HA"]
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

DEFAULT_GLOSSARY = Path(__file__).resolve().parent.parent / "corpus" / "glossary.toml"


@dataclass(frozen=True)
class Concept:
    id: str
    areas: tuple[str, ...]
    en: tuple[str, ...]
    da: tuple[str, ...]
    abbr: tuple[str, ...] = ()

    def terms(self, lang: str) -> tuple[str, ...]:
        """The concept's terms in ``lang`` ("en" or "da")."""
        return self.da if lang == "da" else self.en


@dataclass(frozen=True)
class Glossary:
    concepts: tuple[Concept, ...]


def load_glossary(path: str | Path | None = None) -> Glossary:
    """Read the glossary at ``path`` (default :data:`DEFAULT_GLOSSARY`); a malformed entry is a ValueError."""
    source = Path(path) if path else DEFAULT_GLOSSARY
    with open(source, "rb") as handle:
        data = tomllib.load(handle)
    concepts = []
    for n, entry in enumerate(data.get("concept", [])):
        if not isinstance(entry, dict) or not entry.get("id"):
            raise ValueError(f"{source}: concept {n + 1} has no id")
        concepts.append(
            Concept(
                id=str(entry["id"]),
                areas=tuple(map(str, entry.get("areas", ()))),
                en=tuple(map(str, entry.get("en", ()))),
                da=tuple(map(str, entry.get("da", ()))),
                abbr=tuple(map(str, entry.get("abbr", ()))),
            )
        )
    return Glossary(tuple(concepts))
