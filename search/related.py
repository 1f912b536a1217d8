"""Related documents ("more like this") among the documents a visitor may see.

The index keeps no text or term vectors, so a document's key terms are taken
from its text (the caller reads it from the catalog), analysed with its own
language's analyzer and weighed against the collection (Whoosh's Bo1 model).
They are then searched as one OR query in that language's abstract and body
fields, scored as arrays (:mod:`search.engine.scoring.evaluator`: Whoosh's scores and order,
with the term arrays searches already cached), with every document the visitor
may not see masked out, and the document itself too. (Adding the title fields doubles the time for little
gain: the title's words are among the key terms and occur in the body.)
Answers are remembered per generation, visibility set and document.
"""

from __future__ import annotations

import numpy as np
from whoosh import query as wq

from search.analysis import normalise_lang
from search.engine.cache import Cache
from search.engine.fallbacks import fell_back
from search.engine.reading.searcher import Snapshot
from search.engine.scoring.evaluator import Unsupported, top_k
from search.query import DEFAULT_BOOSTS

KEY_TERMS = 10
FIELDS = ("abstract", "body")
_REMEMBERED = 2000  # documents per generation and visibility set (least recently used forgotten first)
MAX_TEXT = 20_000  # characters of text analysed for key terms: the start says what a document is about


def key_terms(snapshot: Snapshot, text: str, lang: str, number: int = KEY_TERMS) -> list[tuple[str, float]]:
    """The ``number`` terms (stemmed) that best tell ``text`` apart from the collection."""
    fieldname = f"body_{normalise_lang(lang)}"
    if not text.strip() or fieldname not in snapshot.searcher.schema:
        return []
    return snapshot.searcher.key_terms_from_text(fieldname, text[:MAX_TEXT], numterms=number, normalize=True)


def related_query(snapshot: Snapshot, text: str, lang: str) -> wq.Query | None:
    """The OR query of a text's key terms in its language's abstract and body fields (None: no key terms)."""
    terms = key_terms(snapshot, text, lang)
    if not terms:
        return None
    lang = normalise_lang(lang)
    return wq.Or(
        [
            wq.Term(f"{part}_{lang}", term, boost=weight * DEFAULT_BOOSTS.get(part, 1.0))
            for term, weight in terms
            for part in FIELDS
        ]
    )


def related(
    snapshot: Snapshot,
    doc_id: str,
    text: str,
    lang: str,
    levels: tuple[str, ...],
    limit: int = 5,
) -> list[str]:
    """Ids of up to ``limit`` visible documents most like ``doc_id``, best first."""
    levels = tuple(sorted(set(levels)))
    remembered: Cache[list[str]] = snapshot.derived(("related", levels), lambda: Cache(max_items=_REMEMBERED))
    found = remembered.get_or_build((doc_id, limit), lambda: _search(snapshot, doc_id, text, lang, levels, limit))
    return list(found)


def _search(snapshot: Snapshot, doc_id: str, text: str, lang: str, levels: tuple[str, ...], limit: int) -> list[str]:
    searcher = snapshot.searcher
    docnum = searcher.document_number(id=doc_id)
    q = related_query(snapshot, text, lang)
    if docnum is None or q is None:
        return []
    columns = snapshot.columns
    hidden = ~(columns.mask_for("visibility", list(levels)) & columns.live)
    hidden[docnum] = True
    try:
        matched, scores = snapshot.scorer.evaluate(q)
    except Unsupported as why:  # a weighting the array scorer does not model: Whoosh's own search
        fell_back("related documents", f"scored by Whoosh's own search: {why}")
        results = searcher.search(q, limit=limit, mask=set(np.flatnonzero(hidden).tolist()))
        return [hit["id"] for hit in results]
    docnums = np.flatnonzero(matched & ~hidden)
    best = docnums[top_k(docnums, scores[docnums], limit)]
    return [searcher.stored_fields(int(d))["id"] for d in best]
