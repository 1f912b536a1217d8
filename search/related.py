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
from search.crosslang import EXPANSION_BOOST, tables_for
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


def related_query(snapshot: Snapshot, text: str, lang: str, glossary: str | None = None) -> wq.Query | None:
    """The OR query of a text's key terms in its language's abstract and body fields (None: no key terms).

    A key term that is a glossary term also brings the concept's terms in the other language, at
    the cross-language weight (:data:`search.crosslang.EXPANSION_BOOST`): a Danish report on høreapparater
    is related to the English ones on hearing aids, below the Danish reports that share its own words.
    """
    terms = key_terms(snapshot, text, lang)
    if not terms:
        return None
    lang = normalise_lang(lang)
    weighted = [(lang, term, weight) for term, weight in terms]
    weighted += [(other, term, weight * EXPANSION_BOOST) for other, term, weight in equivalents(terms, lang, glossary)]
    return wq.Or(
        [
            wq.Term(f"{part}_{language}", term, boost=weight * DEFAULT_BOOSTS.get(part, 1.0))
            for language, term, weight in weighted
            for part in FIELDS
        ]
    )


def equivalents(terms: list[tuple[str, float]], lang: str, glossary: str | None) -> list[tuple[str, str, float]]:
    """(language, stemmed word, weight) of the other language's glossary terms for ``terms``."""
    tables = tables_for(glossary)
    found: dict[tuple[str, str], float] = {}
    for stem, weight in terms:
        for number in tables.by_stems.get(lang, {}).get((stem,), ()):
            for other, named in tables.terms[number].items():
                for _term, stems in named if other != lang else ():
                    for word in stems:  # a several-word term's words share its weight: more-like-this is a bag
                        key = (other, word)
                        found[key] = max(found.get(key, 0.0), weight / len(stems))
    return [(other, stem, weight) for (other, stem), weight in found.items()]


def related(
    snapshot: Snapshot,
    doc_id: str,
    text: str,
    lang: str,
    levels: tuple[str, ...],
    limit: int = 5,
    glossary: str | None = None,
) -> list[str]:
    """Ids of up to ``limit`` visible documents most like ``doc_id``, best first, in either language."""
    levels = tuple(sorted(set(levels)))
    remembered: Cache[list[str]] = snapshot.derived(("related", levels), lambda: Cache(max_items=_REMEMBERED))
    found = remembered.get_or_build(
        (doc_id, limit, glossary), lambda: _search(snapshot, doc_id, text, lang, levels, limit, glossary)
    )
    return list(found)


def _search(
    snapshot: Snapshot, doc_id: str, text: str, lang: str, levels: tuple[str, ...], limit: int, glossary: str | None
) -> list[str]:
    searcher = snapshot.searcher
    docnum = searcher.document_number(id=doc_id)
    q = related_query(snapshot, text, lang, glossary)
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
