"""The Danish–English glossary: the cluster's vocabulary as concepts, each with its terms in both languages.

Members write in Danish and English, and a search in one language should find the reports written in the
other. The glossary says which words are the same thing ("høreapparat" is "hearing aid", "efterklangstid"
is "reverberation time"); the query's cross-language expansion and the area assignment read it from here.

It is data, never code: ``corpus/glossary.toml`` by default, ``SKH_GLOSSARY``
(:attr:`search.limits.SearchSettings.glossary`) names another file, so a deployment extends the vocabulary
by editing TOML. This module only reads and checks the file; it does not know the strength areas (the
search layer sits below the taxonomy), so area ids are taken as written and checked by the tests.

Every concept needs terms on both sides: a concept is a translation, and one with an abbreviation only
("CI" with no words) would translate nothing. An abbreviation is language-neutral and goes in ``abbr`` of
the concept it abbreviates.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_GLOSSARY = Path(__file__).resolve().parent.parent / "corpus" / "glossary.toml"

LANGS = ("en", "da")
_KEYS = {"id", "areas", "en", "da", "abbr"}


class GlossaryError(ValueError):
    """The glossary file cannot be used; the message names the file, the concept and what is wrong."""


@dataclass(frozen=True)
class Concept:
    id: str
    areas: tuple[str, ...]
    en: tuple[str, ...]
    da: tuple[str, ...]
    abbr: tuple[str, ...] = ()

    def terms(self, lang: str) -> tuple[str, ...]:
        """The concept's words in ``lang`` ("en" or "da"), preferred first; abbreviations are not included."""
        if lang == "en":
            return self.en
        if lang == "da":
            return self.da
        raise ValueError(f"the glossary has no language {lang!r} (only {', '.join(LANGS)})")


@dataclass(frozen=True)
class Glossary:
    concepts: tuple[Concept, ...]

    def __len__(self) -> int:
        return len(self.concepts)

    def by_id(self, concept_id: str) -> Concept:
        """The concept with this id; a KeyError for an unknown one (ids come from the file, not from users)."""
        for concept in self.concepts:
            if concept.id == concept_id:
                return concept
        raise KeyError(concept_id)


_cache: dict[Path, tuple[int, Glossary]] = {}


def load_glossary(path: str | os.PathLike[str] | None = None) -> Glossary:
    """Read and check the glossary file (``None``: the shipped one).

    Each search expands its words through the glossary, so the parsed file is kept per resolved path and
    re-read only when its modification time changes (an edited file is seen without a restart).
    """
    resolved = Path(path or DEFAULT_GLOSSARY).resolve()
    try:
        mtime = resolved.stat().st_mtime_ns
    except OSError as exc:
        raise GlossaryError(f"{resolved}: cannot read the glossary ({exc.strerror or exc})") from exc
    cached = _cache.get(resolved)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    glossary = _parse(resolved)
    _cache[resolved] = (mtime, glossary)
    return glossary


def _parse(path: Path) -> Glossary:
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise GlossaryError(f"{path}: cannot read the glossary ({exc.strerror or exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise GlossaryError(f"{path}: not valid TOML: {exc}") from exc
    unknown = sorted(set(data) - {"concept"})
    if unknown:
        raise GlossaryError(f"{path}: unknown top-level key(s) {', '.join(unknown)} (only [[concept]] entries)")
    entries = data.get("concept", [])
    if not isinstance(entries, list) or not entries:
        raise GlossaryError(f"{path}: no [[concept]] entries")
    concepts: list[Concept] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        concept = _concept(path, number, entry)
        if concept.id in seen:
            raise GlossaryError(f"{path}: concept {concept.id!r} (#{number}): duplicate id")
        seen.add(concept.id)
        concepts.append(concept)
    return Glossary(tuple(concepts))


def _concept(path: Path, number: int, entry: Any) -> Concept:
    where = f"{path}: concept #{number}"
    if not isinstance(entry, dict):
        raise GlossaryError(f"{where}: not a table")
    concept_id = entry.get("id")
    if not isinstance(concept_id, str) or not concept_id.strip():
        raise GlossaryError(f"{where}: missing id")
    concept_id = concept_id.strip()
    where = f"{path}: concept {concept_id!r} (#{number})"
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise GlossaryError(f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(_KEYS))})")
    en = _strings(where, entry, "en")
    da = _strings(where, entry, "da")
    for lang, terms in (("en", en), ("da", da)):
        if not terms:
            raise GlossaryError(f"{where}: no {lang} terms (every concept needs English and Danish terms)")
    areas = _strings(where, entry, "areas")
    if not areas:
        raise GlossaryError(f"{where}: no areas")
    return Concept(id=concept_id, areas=areas, en=en, da=da, abbr=_strings(where, entry, "abbr"))


def _strings(where: str, entry: dict[str, Any], key: str) -> tuple[str, ...]:
    """The key's list of strings, stripped, case kept, without repeats (compared case-insensitively)."""
    value = entry.get(key, [])
    if not isinstance(value, list):
        raise GlossaryError(f"{where}: {key} must be a list of strings, not {type(value).__name__}")
    kept: list[str] = []
    folded: set[str] = set()
    for item in value:
        if not isinstance(item, str):
            raise GlossaryError(f"{where}: {key} holds {item!r}, not a string")
        text = " ".join(item.split())
        if not text:
            raise GlossaryError(f"{where}: {key} holds an empty term")
        if text.casefold() not in folded:
            folded.add(text.casefold())
            kept.append(text)
    return tuple(kept)
