"""The baseline: a full search the way Whoosh's documentation does it.

Same request as the service answers (query, filters, five facets counted over
the whole match set, ten hits with highlighted passages), done with Whoosh's
out-of-the-box tools on the naive index of :mod:`bench.search_build`:
``MultifieldParser``, filter queries, ``groupedby`` facets and
``hit.highlights`` from the stored body.
"""

from __future__ import annotations

from whoosh import query as wq
from whoosh import sorting
from whoosh.qparser import MultifieldParser

FACETS = {
    "area": sorting.FieldFacet("area", allow_overlap=True),
    "type": sorting.FieldFacet("type"),
    "org": sorting.FieldFacet("org"),
    "lang": sorting.FieldFacet("lang"),
    "year": sorting.FieldFacet("year"),
}


def naive_search(searcher, q: str, filters: dict[str, list[str]], sort: str = "relevance", page: int = 1) -> dict:
    parser = MultifieldParser(["title", "body"], searcher.schema)
    query = parser.parse(q) if q.strip() else wq.Every()
    clauses = [wq.Term("visibility", "public")]
    for name, values in filters.items():
        if name in ("year_from", "year_to"):
            continue
        if values:
            clauses.append(wq.Or([wq.Term(name, v) for v in values]))
    if filters.get("year_from") or filters.get("year_to"):
        clauses.append(wq.TermRange("year", filters.get("year_from", ["0000"])[0], filters.get("year_to", ["9999"])[0]))
    options = {"limit": page * 10, "groupedby": FACETS, "filter": wq.And(clauses)}
    if sort != "relevance" or not q.strip():
        options.update(sortedby="year", reverse=(sort != "oldest"))
    results = searcher.search(query, **options)
    facets = {name: results.groups(name) for name in FACETS}
    hits = []
    for hit in results[(page - 1) * 10 : page * 10]:
        hits.append({"id": hit["id"], "title": hit["title"], "snippet": hit.highlights("body") or hit["body"][:260]})
    return {"total": len(results), "hits": hits, "facets": {k: len(v) for k, v in facets.items()}}
