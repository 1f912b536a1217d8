"""Names of organisations and people: how a document's names are split, folded, merged and made into slugs.

**Organisations.** A document's ``org`` names one organisation, or several separated by ``;`` (the list
separator of a manifest, as for authors): "Aurora Hearing A/S; Kattegat University" was published by both,
which is what makes two organisations co-publishers. A comma stays inside a name ("Fjordby Kommune, Teknik
og Miljø"). Organisations are never merged: two spellings are two organisations.

**People are merged conservatively**, because a wrong merge puts someone's name on work that is not theirs,
while a missed one only splits a person's list in two:

1. A name written "Last, First" (exactly one comma) is read as "First Last"; a comma before a suffix
   ("Anne Jensen, PhD") drops the suffix instead, and a leading title ("Dr.", "Prof.") is dropped.
2. Each word is folded: lowercase, diacritics and letters such as ø and æ written in ASCII (python-slugify's
   transliteration: "Søren Jørgensen" -> "soren jorgensen"). Spellings with the same folded words are one
   person: "Jensen, Anne", "Anne Jensen" and "ANNE JENSEN".
3. A name with initials ("A. Jensen", "Jensen, A. M.") joins a full name only when exactly one full name
   among the names considered fits it: the same surname, and each given name or initial in order the start
   of the full name's (so "A. Jensen" fits "Anne Jensen" and "Anne Marie Jensen", "A. M. Jensen" only the
   latter). Two fitting full names ("Anne Jensen", "Arne Jensen"), or none, leave it a person of its own.
   A surname alone is never merged, nor are two different full names ("Anne Jensen", "Anne Marie Jensen").

Which names are considered is the caller's choice: the people pages consider only the names on documents the
visitor may see, so a merge never reveals a name from a hidden document.

**Slugs** (the ``/orgs/<slug>`` and ``/authors/<slug>`` of a page) are the folded words joined by hyphens:
stable as long as the name is, readable, and ASCII. A person's slug is their merged key. Two organisations
whose names fold alike ("Hørecenter Syd", "Horecenter Syd") share a slug: the first in sorted order keeps
it and the others get ``-`` and six hex digits of their name's SHA-1 (:func:`assign_slugs`); that suffixed
form works for every organisation at any time, so a link made with it never breaks.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from slugify import slugify

ORG_SEPARATOR = ";"
SLUG_MAX = 80
"""Characters of an organisation's slug at most (cut at a word; a cut that collides gets its suffix)."""

_INITIALS = re.compile(r"(?:\w\.-?)+|\w", re.UNICODE)
"""A word written as initials: "A", "A.", "A.M.", "J.-P."."""
_TITLES = frozenset({"dr", "prof", "professor", "mr", "mrs", "ms"})
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md", "msc"})


def organisations(org: str) -> list[str]:
    """The organisations a document's ``org`` field lists, each with its spaces normalised, in order, once."""
    found: list[str] = []
    for part in org.split(ORG_SEPARATOR):
        name = " ".join(part.split())
        if name and name not in found:
            found.append(name)
    return found


def slug(name: str) -> str:
    """``name`` as lowercase ASCII words joined by hyphens ("Hørecenter Syd" -> "horecenter-syd"); "" if none."""
    return slugify(name, max_length=SLUG_MAX, word_boundary=True)


def suffixed_slug(name: str) -> str:
    """The slug every organisation answers to whatever other names exist: its slug plus a hash of the name."""
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:6]
    base = slug(name)
    return f"{base}-{digest}" if base else digest


def assign_slugs(names: Iterable[str]) -> dict[str, str]:
    """Each name -> its page's slug: its :func:`slug`, unless an earlier name (sorted) took it or it is empty;
    then its :func:`suffixed_slug`."""
    taken: set[str] = set()
    slugs = {}
    for name in sorted(set(names)):
        base = slug(name)
        if base and base not in taken:
            slugs[name] = base
            taken.add(base)
        else:
            slugs[name] = suffixed_slug(name)
    return slugs


@dataclass(frozen=True)
class PersonName:
    """A person's name as folded words: given names (or initials) in order, and the surname."""

    given: tuple[str, ...]
    initial: tuple[bool, ...]  # per given word: written as an initial
    surname: str

    @property
    def key(self) -> str:
        """The folded full name: spellings with the same key are the same person."""
        return "-".join(word for word in (*self.given, self.surname) if word)

    @property
    def has_initials(self) -> bool:
        return any(self.initial)

    def fits(self, full: PersonName) -> bool:
        """Could this name with initials be ``full`` (a name without initials) written shorter?"""
        if self.surname != full.surname or not self.given or len(self.given) > len(full.given):
            return False
        for word, is_initial, other in zip(self.given, self.initial, full.given, strict=False):
            if (is_initial and not other.startswith(word)) or (not is_initial and word != other):
                return False
        return True


def _fold(word: str) -> str:
    return slugify(word, separator="")


def _natural_order(name: str) -> str:
    """ "Last, First" -> "First Last"; "Name, PhD" -> "Name"; anything else as it is."""
    if name.count(",") != 1:
        return name
    before, after = (part.strip() for part in name.split(","))
    if _fold(after) in _SUFFIXES or not after:
        return before
    return f"{after} {before}" if before else after


def parse_person(name: str) -> PersonName | None:
    """The folded words of a person's name (rules 1 and 2 of the module docstring), None when none are left."""
    words = _natural_order(" ".join(name.split())).split()
    while len(words) > 1 and _fold(words[0]) in _TITLES:
        words = words[1:]
    given: list[str] = []
    initial: list[bool] = []
    for word in words:
        if _INITIALS.fullmatch(word):
            letters = [_fold(letter) for letter in re.findall(r"\w", word)]
            given += [letter for letter in letters if letter]
            initial += [True for letter in letters if letter]
        elif folded := _fold(word):
            given.append(folded)
            initial.append(False)
    if not given:
        return None
    if initial[-1]:  # "Anne J." names no surname: kept whole, it merges with nothing written otherwise
        return PersonName(tuple(given), (False,) * len(given), "") if len(given) > 1 else None
    return PersonName(tuple(given[:-1]), tuple(initial[:-1]), given[-1])


def person_key(name: str) -> str:
    """The key of one spelling on its own (rules 1 and 2): "Jensen, Anne" -> "anne-jensen"."""
    person = parse_person(name)
    if person is None:
        return "p-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    return person.key


def merge_people(names: Iterable[str]) -> dict[str, str]:
    """Each spelling in ``names`` -> the key of the person it names, with rule 3 applied among ``names``."""
    parsed = {name: parse_person(name) for name in set(names)}
    full: dict[str, dict[str, PersonName]] = {}  # surname -> key -> a full name
    for person in parsed.values():
        if person is not None and not person.has_initials and person.given:
            full.setdefault(person.surname, {})[person.key] = person
    merged = {}
    for name, person in parsed.items():
        if person is None:
            merged[name] = person_key(name)
        elif person.has_initials:
            fitting = [key for key, other in full.get(person.surname, {}).items() if person.fits(other)]
            merged[name] = fitting[0] if len(fitting) == 1 else person.key
        else:
            merged[name] = person.key
    return merged
