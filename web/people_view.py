"""What the organisation and author pages show, and the links to them from hits and document pages.

The search side says who is who and counts (:func:`search.directory`, :func:`search.entity_profile`);
an entity's documents, and their counts per strength area and year, are an ordinary search filtered to it
(:func:`search.entity_filter`), so a page, its charts and the search it links to count the same documents.
Titles and text come from the catalog, as on the search page. Every count is of documents the visitor may
see: the directory and the search both take the visitor's levels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import g
from flask_babel import gettext as _

from search import (
    Entity,
    SearchRequest,
    directory,
    entity_filter,
    entity_profile,
    find_entity,
    linker,
    name_slug,
    organisations,
)
from web.access import visible_levels
from web.charts import Chart, columns, rows_chart, year_items
from web.hub import Hub, get_hub
from web.i18n import current_language
from web.params import link, pagination
from web.results import ShownHit, run_search

PER_PAGE = 10
PATHS = {"org": "/orgs", "author": "/authors"}


def entity_url(entity: Entity) -> str:
    return f"{PATHS[entity.kind]}/{entity.slug}"


@dataclass(frozen=True)
class Named:
    """An organisation or person listed on another's page, with the documents they share."""

    entity: Entity
    count: int
    url: str


@dataclass(frozen=True)
class Term:
    text: str  # in the interface language where the glossary has it
    lang: str
    count: int
    url: str  # a search for it among the entity's documents (an organisation's) or all


@dataclass
class ProfilePage:
    entity: Entity
    total: int
    hits: list[ShownHit]
    pages: dict[str, object]
    areas: Chart
    years: Chart
    terms: list[Term] | None  # None: still being worked out (a large index's first page after a start)
    orgs: list[Named]
    authors: list[Named]
    search_url: str | None  # the search of the same documents (organisations: the org filter)


def find(hub: Hub, kind: str, slug: str, levels: tuple[str, ...]) -> Entity | None:
    """The organisation or person ``slug`` names, if the visitor may see any of their documents."""
    return find_entity(hub.pool.get(), levels, kind, slug)


def profile_page(hub: Hub, entity: Entity, levels: tuple[str, ...], page: int) -> ProfilePage:
    request = SearchRequest(
        filters=entity_filter(entity), visibility=levels, sort="newest", page=page, per_page=PER_PAGE
    )
    result, hits = run_search(hub, request)
    about = entity_profile(hub.pool.get(), levels, entity, glossary=hub.settings.search.glossary)
    base = [("org", entity.name)] if entity.kind == "org" else None
    language = current_language()
    areas = [
        (
            hub.taxonomy.label(area_id, language),
            _count(result.facets.get("area", []), area_id),
            _search(base, "area", area_id),
        )
        for area_id in hub.taxonomy.ids
    ]
    years = {int(c.value): c.count for c in result.facets.get("year", []) if c.value.isdigit()}
    year_rows = [(str(y), n, _search(base, "year", str(y)) if n else None) for y, n in year_items(years)]
    return ProfilePage(
        entity=entity,
        total=result.total,
        hits=hits,
        pages=pagination(entity_url(entity), [], result.page, result.pages),
        areas=rows_chart("chart-areas", _("Documents per strength area"), areas),
        years=columns("chart-years", _("Documents per year"), year_rows),
        terms=None if about.concepts is None else [_term(c.terms, c.count, base, language) for c in about.concepts],
        orgs=[Named(e, n, entity_url(e)) for e, n in about.orgs],
        authors=[Named(e, n, entity_url(e)) for e, n in about.authors],
        search_url=link("/search", base) if base else None,
    )


def _count(counts, value: str) -> int:
    return next((c.count for c in counts if c.value == value), 0)


def _search(base: list[tuple[str, str]] | None, name: str, value: str) -> str | None:
    if base is None:
        return None
    if name == "year":
        return link("/search", base + [("year", value)])  # a chosen year: its box is checked on the page
    return link("/search", base + [(name, value)])


def _term(terms: dict[str, str], count: int, base: list[tuple[str, str]] | None, language: str) -> Term:
    lang = language if language in terms else next(iter(terms))
    text = terms[lang]
    q = f'"{text}"' if " " in text else text
    return Term(text, lang, count, link("/search", [("q", q)] + (base or [])))


def directory_list(hub: Hub, levels: tuple[str, ...], name_filter: str) -> list[Entity]:
    """Every organisation the visitor sees documents of, by name; ``name_filter`` keeps those whose name
    holds each of its words, folded as slugs are ("hør syd" and "HOR" find Hørecenter Syd)."""
    orgs = directory(hub.pool.get(), levels).orgs.entities
    if not name_filter.strip():
        return list(orgs)
    words = [w for w in name_slug(name_filter).split("-") if w]
    return [e for e in orgs if words and all(w in name_slug(e.name) for w in words)]


# -- links from hits and document pages ------------------------------------------------------------------


def _links() -> Callable[[str, str], str | None]:
    found = g.get("skh_people_links")
    if found is None:
        found = linker(get_hub().pool.get(), visible_levels())
        g.skh_people_links = found
    return found


def org_links(org: str) -> list[tuple[str, str | None]]:
    """Each organisation a document's ``org`` names, with its page's URL (None when it has none to show)."""
    slug_of = _links()
    return [(name, _url("org", slug_of("org", name))) for name in organisations(org)]


def author_links(authors: list[str]) -> list[tuple[str, str | None]]:
    slug_of = _links()
    return [(name, _url("author", slug_of("author", name))) for name in authors]


def _url(kind: str, slug: str | None) -> str | None:
    return f"{PATHS[kind]}/{slug}" if slug else None
