"""Which facet values a search may filter by.

A filter on a value no document can carry (``area=bogus``) can only find nothing, and used to show itself as
a selected "bogus" filter with 0 results. Knowing the values lets the API refuse it with a 400 that names the
mistake (:mod:`web.api_params`) and the search page set it aside with a notice (:mod:`web.views.pages`).

- **area**: the taxonomy's ids (``corpus/areas.toml`` or ``SKH_TAXONOMY``), the only areas a document gets.
- **lang**: the languages the index tells apart (:data:`search.LANGUAGES`: da, en). A document in another
  language is indexed, and filtered, as English (its hit still says its own code), so ``lang=de`` could only
  ever find nothing: it is refused rather than answered with a misleading 0.
- **type**: the document types ingest names, plus any type a document the visitor may see carries. Ingest
  keeps a type it has no name for as a slug (``dataset``); the facet lists it and its toggle link must work.
  Only *visible* documents count, so a type that only hidden documents carry answers exactly as an unknown
  one does.
- **org** is open: names are free text that grows with every upload. An organisation with no visible
  document is an ordinary search that finds nothing (0 results), not an error: a link to an organisation's
  documents stays valid before its first report arrives and after its last is hidden, and telling "not in the
  index" from "nothing you may see" would reveal organisations that only hidden documents name.
"""

from __future__ import annotations

from ingest.metadata import TYPE_SYNONYMS
from ingest.model import Document
from search import LANGUAGES, SearchRequest, search
from web.hub import Hub

CHECKED = ("area", "type", "lang")
"""The facets whose values are checked; ``org`` is open (above)."""

KNOWN_TYPES = (*TYPE_SYNONYMS, Document.type)
"""The types ingest names (``document``: a file that said none)."""

KNOWN_LANGS = tuple(LANGUAGES)
"""The languages the index tells apart (and so can filter by)."""


def _carried_types(hub: Hub, levels: tuple[str, ...]) -> set[str]:
    """The types that documents visible at ``levels`` carry: one browse of the index, made only when a type
    outside :data:`KNOWN_TYPES` is asked for."""
    result = search(hub.pool.get(), SearchRequest(visibility=levels, per_page=1))
    return {c.value for c in result.facets.get("type", [])}


def unknown_values(hub: Hub, filters: dict[str, list[str]], levels: tuple[str, ...]) -> list[tuple[str, str]]:
    """The ``(facet, value)`` pairs of ``filters`` that no search at ``levels`` can match, in the order given."""
    known: dict[str, set[str]] = {"area": set(hub.taxonomy.ids), "type": set(KNOWN_TYPES), "lang": set(KNOWN_LANGS)}
    carried: set[str] | None = None
    unknown = []
    for name in CHECKED:
        for value in filters.get(name, []):
            if not value or value in known[name]:
                continue
            if name == "type":
                if carried is None:
                    carried = _carried_types(hub, levels)
                if value in carried:
                    continue
            unknown.append((name, value))
    return unknown
