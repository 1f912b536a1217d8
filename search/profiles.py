"""An organisation's or a person's page, as far as the index says it: who else is on their documents, and
what those documents are about more than the collection is.

Their documents, and their counts per strength area and year, are an ordinary search filtered to the
entity (:func:`search.people.entity_filter`), so the page and a search agree. Everything here counts only
the documents the visitor may see (:mod:`search.people`).
"""

from __future__ import annotations

from dataclasses import dataclass

from search.concepts import KeyConcept, characteristic
from search.engine.reading.searcher import Snapshot
from search.people import Entity, counts_within, directory

NAMED = 20
"""Co-publishers, authors, organisations or co-authors listed on a page at most."""


@dataclass(frozen=True)
class Profile:
    entity: Entity
    orgs: list[tuple[Entity, int]]  # organisations on its documents (for an organisation: its co-publishers)
    authors: list[tuple[Entity, int]]  # people on its documents (for a person: the co-authors)
    concepts: list[KeyConcept] | None  # its characteristic terms (None: still being worked out)


def find_entity(snapshot: Snapshot, levels: tuple[str, ...], kind: str, slug: str) -> Entity | None:
    """The organisation (``kind`` "org") or person ("author") a slug names, if the visitor sees any of its
    documents; the entity's own ``slug`` may differ (a merged spelling's, or an organisation's suffixed one)."""
    return directory(snapshot, levels).rosters[kind].lookup(slug)


def profile(
    snapshot: Snapshot, levels: tuple[str, ...], entity: Entity, glossary: str | None = None, named: int = NAMED
) -> Profile:
    """Who else is on ``entity``'s visible documents, and its characteristic terms (:mod:`search.concepts`)."""
    people = directory(snapshot, levels)
    own = people.rosters[entity.kind]
    members = own.mask_of(entity, people.size) & people.visible
    found = {kind: counts_within(people.rosters[kind], members) for kind in ("org", "author")}
    others = {kind: [(e, n) for e, n in found[kind] if e != entity][:named] for kind in found}
    concepts = characteristic(snapshot, members, people.visible, glossary)
    return Profile(entity, others["org"], others["author"], concepts)
