"""Who published what: the organisations and people on the documents a visitor may see, read from the index.

The organisation and author pages and the experts ranking count over index columns (``org`` and
``author_name``: value -> documents, :mod:`search.engine.reading.columns`) rather than the catalog: the
columns are already in memory, a count over 100,000 documents is one numpy operation, and visibility is
applied here the way every search applies it, as a mask, so no page can count a document its visitor may not
see. The catalog stays the truth for what a page shows of each document (its title, its text).

A :class:`Directory` is built once per index generation and set of visibility levels. It holds each
organisation and each person (spellings merged by :mod:`search.names`, among visible names only) with their
visible documents, and the same as flat ``(document, entity)`` pairs, so a count over any set of documents
is one ``np.bincount`` (:func:`counts_within`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from search.engine.reading.columns import Values, warm_columns
from search.engine.reading.searcher import Snapshot
from search.names import assign_slugs, merge_people, parse_person, person_key, suffixed_slug

KINDS = ("org", "author")
COLUMN = {"org": "org", "author": "author_name"}
"""The index column of each kind of entity: its values are the names as written on the documents."""

warm_columns(COLUMN.values())  # the experts ranking reads both on its first request


@dataclass(frozen=True)
class Entity:
    """An organisation or a person, as one visibility set sees them."""

    kind: str  # "org" or "author"
    number: int  # position in its directory list (the ``entity`` of the pairs)
    name: str  # as shown: an organisation's name; a person's most used spelling
    slug: str
    count: int  # documents the visitor may see
    spellings: tuple[str, ...]  # the column values that are this entity (a person's names as written)


@dataclass
class Roster:
    """One kind of entity in a directory: the entities, their documents, and the pairs for counting."""

    entities: list[Entity]
    docs: list[np.ndarray]  # per entity: its visible document numbers, ascending
    pair_doc: np.ndarray  # int32: a document of ...
    pair_entity: np.ndarray  # int32: ... this entity; pairs grouped by entity
    by_slug: dict[str, Entity] = field(default_factory=dict)  # every slug an entity answers to
    by_spelling: dict[str, Entity] = field(default_factory=dict)

    def lookup(self, slug: str) -> Entity | None:
        return self.by_slug.get(slug)

    def mask_of(self, entity: Entity, size: int) -> np.ndarray:
        mask = np.zeros(size, dtype=bool)
        mask[self.docs[entity.number]] = True
        return mask


@dataclass
class Directory:
    """The organisations and people of one index generation, for one set of visibility levels."""

    visible: np.ndarray  # the documents these levels may see (live ones only)
    rosters: dict[str, Roster]

    @property
    def orgs(self) -> Roster:
        return self.rosters["org"]

    @property
    def authors(self) -> Roster:
        return self.rosters["author"]

    @property
    def size(self) -> int:
        return self.visible.size


def directory(snapshot: Snapshot, levels: tuple[str, ...]) -> Directory:
    """The :class:`Directory` of ``snapshot`` for a visitor who may see ``levels`` (built once per both)."""
    levels = tuple(sorted(set(levels)))
    return snapshot.derived(("people", levels), lambda: _build(snapshot, levels))


def counts_within(roster: Roster, mask: np.ndarray) -> list[tuple[Entity, int]]:
    """Each entity with at least one document in ``mask``, with how many, most first (then by name)."""
    found = np.bincount(roster.pair_entity[mask[roster.pair_doc]], minlength=len(roster.entities))
    numbers = np.flatnonzero(found)
    ranked = sorted(numbers.tolist(), key=lambda n: (-int(found[n]), roster.entities[n].name.casefold()))
    return [(roster.entities[n], int(found[n])) for n in ranked]


def _build(snapshot: Snapshot, levels: tuple[str, ...]) -> Directory:
    columns = snapshot.columns
    visible = columns.mask_for("visibility", list(levels)) & columns.live
    orgs = _visible_values(columns.values(COLUMN["org"]), visible)
    authors = _visible_values(columns.values(COLUMN["author"]), visible)
    return Directory(
        visible=visible,
        rosters={"org": _org_roster(orgs), "author": _author_roster(authors)},
    )


def _visible_values(column: Values, visible: np.ndarray) -> dict[str, np.ndarray]:
    """Each value of a column -> its visible documents; values with none are left out."""
    found = {}
    for value, docnums in column.items():
        seen = docnums[visible[docnums]]
        if seen.size:
            found[value] = seen
    return found


def _roster(kind: str, groups: list[tuple[str, str, tuple[str, ...], np.ndarray]]) -> Roster:
    """A roster of ``groups`` (name, slug, spellings, documents), sorted by name as people read it."""
    groups.sort(key=lambda g: (g[0].casefold(), g[0]))
    entities, docs = [], []
    for number, (name, slug, spellings, documents) in enumerate(groups):
        entities.append(Entity(kind, number, name, slug, int(documents.size), spellings))
        docs.append(documents)
    sizes = [d.size for d in docs]
    pair_doc = np.concatenate(docs).astype(np.int32) if docs else np.zeros(0, dtype=np.int32)
    pair_entity = np.repeat(np.arange(len(docs), dtype=np.int32), sizes)
    return Roster(entities, docs, pair_doc, pair_entity)


def _org_roster(values: dict[str, np.ndarray]) -> Roster:
    slugs = assign_slugs(values)
    roster = _roster("org", [(name, slugs[name], (name,), docs) for name, docs in values.items()])
    for entity in roster.entities:
        roster.by_slug[suffixed_slug(entity.name)] = entity  # the form that never moves (search.names)
        roster.by_spelling[entity.name] = entity
    for entity in roster.entities:
        roster.by_slug[entity.slug] = entity
    return roster


def _author_roster(values: dict[str, np.ndarray]) -> Roster:
    keys = merge_people(values)
    people: dict[str, list[str]] = {}
    for spelling, key in keys.items():
        people.setdefault(key, []).append(spelling)
    groups = []
    for key, spellings in people.items():
        # Shown as written in full ("Anne Jensen" before "A. Jensen" and "Jensen, Anne"), then as most used;
        # one document naming a person twice counts once.
        spellings.sort(key=lambda s: (_initialled(s), "," in s, -values[s].size, s))
        documents = (
            values[spellings[0]] if len(spellings) == 1 else np.unique(np.concatenate([values[s] for s in spellings]))
        )
        groups.append((spellings[0], key, tuple(spellings), documents))
    roster = _roster("author", groups)
    for entity in roster.entities:
        roster.by_slug[entity.slug] = entity
        for spelling in entity.spellings:
            roster.by_spelling[spelling] = entity
            roster.by_slug.setdefault(person_key(spelling), entity)  # "a-jensen" merged into "anne-jensen"
    return roster


def _initialled(spelling: str) -> bool:
    person = parse_person(spelling)
    return person is None or person.has_initials


def entity_filter(entity: Entity) -> dict[str, list[str]]:
    """The search filter of an entity's documents (:class:`search.SearchRequest` ``filters``)."""
    return {COLUMN[entity.kind]: list(entity.spellings)}


def linker(snapshot: Snapshot, levels: tuple[str, ...]) -> Callable[[str, str], str | None]:
    """``(kind, name as written) -> slug`` for links from hits and document pages (None: no page to link)."""
    found = directory(snapshot, levels)

    def slug_of(kind: str, name: str) -> str | None:
        entity = found.rosters[kind].by_spelling.get(" ".join(name.replace(";", ",").split()))  # as indexed
        return entity.slug if entity is not None else None

    return slug_of
