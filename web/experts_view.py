"""What ``/experts`` and ``/api/experts`` show for one URL: who knows about the query, and why.

The ranking is the search side's (:func:`search.find_experts`, explained in ``docs/ranking.md``); this
module reads the arguments as ``/search`` does (the same query language, filters and ``crosslang``), and
puts titles from the catalog on the documents that make each case, checking each one's visibility once more.
"""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from ingest.model import Document
from search import Expert, Experts, SearchRequest, find_experts
from web.hub import Hub
from web.params import link, parse_args
from web.people_view import entity_url

LIMIT = 10
MAX_LIMIT = 50


@dataclass(frozen=True)
class ShownExpert:
    expert: Expert
    url: str
    documents: list[tuple[Document, float]]  # the documents that make the case, with their evidence

    def as_json(self) -> dict[str, object]:
        e = self.expert
        return {
            "name": e.entity.name,
            "slug": e.entity.slug,
            "url": self.url,
            "score": round(e.score, 4),
            "matching": e.matching,
            "documents": e.entity.count,
            "evidence": [
                {"id": d.id, "title": d.title, "url": f"/doc/{d.id}", "evidence": round(r, 4)}
                for d, r in self.documents
            ],
        }


@dataclass
class ExpertsPage:
    request: SearchRequest
    result: Experts
    orgs: list[ShownExpert]
    authors: list[ShownExpert]
    search_url: str  # the same query on the search page


def experts_page(hub: Hub, args: MultiDict, levels: tuple[str, ...], limit: int = LIMIT) -> ExpertsPage:
    """The experts for the arguments of a ``/experts`` URL, as a visitor who may see ``levels``."""
    settings = hub.settings.search
    request = parse_args(args, levels, settings.limits, glossary=settings.glossary)
    result = find_experts(hub.pool.get(), request, limit=limit)
    wanted = [ev.doc_id for x in (*result.orgs, *result.authors) for ev in x.documents]
    docs = hub.catalog.get_many(wanted) if wanted else {}

    def shown(expert: Expert) -> ShownExpert:
        found = [(docs[ev.doc_id], ev.evidence) for ev in expert.documents if ev.doc_id in docs]
        # The index filtered by visibility already; the catalog row decides (as web.results does).
        visible = [(doc, r) for doc, r in found if doc.visibility in levels]
        return ShownExpert(expert, entity_url(expert.entity), visible)

    pairs = [("q", request.q)] + ([("crosslang", "0")] if not request.crosslang else [])
    return ExpertsPage(
        request=request,
        result=result,
        orgs=[shown(x) for x in result.orgs],
        authors=[shown(x) for x in result.authors],
        search_url=link("/search", pairs),
    )
