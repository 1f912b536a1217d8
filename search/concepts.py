"""What a set of documents is about more than the collection is: an organisation's or a person's terms.

The index keeps no term vectors, and counting every word of the lexicon within one organisation's documents
would read every posting list of the index. The candidates are the cluster's own vocabulary instead: the
concepts of the Danish–English glossary (``corpus/glossary.toml``), each found by its terms in either
language, so a Danish and an English report on hearing aids count for the same concept and the page can name
it in the reader's language. Words outside the glossary are not candidates.

Each concept's documents are found once per index generation: its terms (a word, or a phrase, in the title,
abstract and body fields of the term's language) are evaluated as one unscored query by the array evaluator,
whose per-segment postings and phrase matches carry over to the next generation. They are kept as
``(document, concept)`` pairs, so counting the concepts of any set of documents is one ``np.bincount``.

A concept is characteristic of a set when its share of the set's documents is above its share of the rest
of what the visitor may see, ranked by Dunning's log-likelihood ratio G² over the 2×2 table of document
counts (in the set or not, mentioning the concept or not): unlike a plain ratio of shares it does not put a
concept mentioned once in a small set at the top, and it is the usual measure of keyness between corpora.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from whoosh import query as wq

from search.analysis import LANGUAGES
from search.crosslang import PARTS, Tables, tables_for
from search.engine.reading.searcher import Snapshot
from search.engine.scoring.evaluator import Unsupported

LIMIT = 10


@dataclass(frozen=True)
class KeyConcept:
    """A characteristic concept: its preferred term per language and how often the set mentions it."""

    terms: dict[str, str]  # lang -> the concept's preferred term
    count: int  # documents of the set that mention it
    share: float  # ... as a share of the set
    overall: float  # its share of all the visible documents
    score: float  # G²


@dataclass
class ConceptDocs:
    pair_doc: np.ndarray  # int32
    pair_concept: np.ndarray  # int32
    terms: list[dict[str, str]]  # per concept number


def concept_docs(snapshot: Snapshot, glossary: str | None = None) -> ConceptDocs:
    """Which documents mention which concept, in this generation (built once per generation and glossary)."""
    return snapshot.derived(("concepts", str(glossary)), lambda: _build(snapshot, tables_for(glossary)))


def characteristic(
    snapshot: Snapshot, members: np.ndarray, visible: np.ndarray, glossary: str | None = None, limit: int = LIMIT
) -> list[KeyConcept]:
    """The concepts that characterise the documents in ``members`` against the rest of ``visible``, best first."""
    found = concept_docs(snapshot, glossary)
    members = members & visible
    size, everyone = int(np.count_nonzero(members)), int(np.count_nonzero(visible))
    if not size or not found.terms:
        return []
    concepts = len(found.terms)
    within = np.bincount(found.pair_concept[members[found.pair_doc]], minlength=concepts)
    total = np.bincount(found.pair_concept[visible[found.pair_doc]], minlength=concepts)
    rest_size = everyone - size
    score = _g2(within, size - within, total - within, rest_size - (total - within))
    least = 2 if size >= 5 else 1
    keep = np.flatnonzero((within >= least) & (within * everyone > total * size))
    best = sorted(keep.tolist(), key=lambda n: (-score[n], -within[n], n))[:limit]
    return [
        KeyConcept(found.terms[n], int(within[n]), float(within[n] / size), float(total[n] / everyone), float(score[n]))
        for n in best
    ]


def _g2(k11: np.ndarray, k12: np.ndarray, k21: np.ndarray, k22: np.ndarray) -> np.ndarray:
    """Dunning's G² of each 2×2 table ``[[k11, k12], [k21, k22]]`` (0 · log 0 taken as 0)."""
    cells = np.stack([k11, k12, k21, k22]).astype(np.float64)
    n = cells.sum(axis=0)
    rows = np.stack([k11 + k12, k11 + k12, k21 + k22, k21 + k22]).astype(np.float64)
    cols = np.stack([k11 + k21, k12 + k22, k11 + k21, k12 + k22]).astype(np.float64)
    expected = rows * cols / np.where(n > 0, n, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(cells > 0, cells * np.log(cells / expected), 0.0)
    return 2 * terms.sum(axis=0)


def _concept_query(tables: Tables, number: int) -> wq.Query | None:
    leaves: list[wq.Query] = []
    for lang in LANGUAGES:
        for _term, stems in tables.terms[number].get(lang, ()):
            for part in PARTS:
                fieldname = f"{part}_{lang}"
                leaves.append(wq.Term(fieldname, stems[0]) if len(stems) == 1 else wq.Phrase(fieldname, list(stems)))
    return wq.Or(leaves) if leaves else None


def _build(snapshot: Snapshot, tables: Tables) -> ConceptDocs:
    docs, numbers, terms = [], [], []
    live = snapshot.columns.live
    for number in range(len(tables.terms)):
        q = _concept_query(tables, number)
        if q is None:
            continue
        try:
            mask, _ = snapshot.scorer.evaluate(q, scored=False)
        except Unsupported:  # an untested Whoosh: no fast evaluation, and no terms rather than a slow page
            return ConceptDocs(np.zeros(0, np.int32), np.zeros(0, np.int32), [])
        found = np.flatnonzero(mask & live).astype(np.int32)
        docs.append(found)
        numbers.append(np.full(found.size, len(terms), dtype=np.int32))
        terms.append({lang: named[0][0] for lang, named in tables.terms[number].items() if named})
    if not docs:
        return ConceptDocs(np.zeros(0, np.int32), np.zeros(0, np.int32), [])
    return ConceptDocs(np.concatenate(docs), np.concatenate(numbers), terms)
