"""What a set of documents is about more than the collection is: an organisation's or a person's terms.

The index keeps no term vectors, and counting every word of the lexicon within one organisation's documents
would read every posting list of the index. The candidates are the cluster's own vocabulary instead: the
concepts of the Danish–English glossary (``corpus/glossary.toml``), each found by its terms in either
language, so a Danish and an English report on hearing aids count for the same concept and the page can name
it in the reader's language. Words outside the glossary are not candidates.

Each concept's documents are found once per segment, through the engine's readers (a word's postings, a
phrase's position check; a term counts in the title, abstract and body fields of its language), and kept as
``(document, concept)`` pairs in the segment store, so a later generation reads only its new segments and
counting the concepts of any set of documents is one ``np.bincount`` per segment. The first read of a large
index is slow (60 s at 100,000 reports), so :func:`concept_docs` does it in a background thread.

A concept is characteristic of a set when its share of the set's documents is above its share of the rest
of what the visitor may see, ranked by Dunning's log-likelihood ratio G² over the 2×2 table of document
counts (in the set or not, mentioning the concept or not): unlike a plain ratio of shares it does not put a
concept mentioned once in a small set at the top, and it is the usual measure of keyness between corpora.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq

from search.analysis import LANGUAGES
from search.crosslang import PARTS, Tables, tables_for
from search.engine.reading.searcher import Snapshot
from search.engine.reading.segments import Segment

LIMIT = 10


@dataclass(frozen=True)
class KeyConcept:
    """A characteristic concept: its preferred term per language and how often the set mentions it."""

    terms: dict[str, str]  # lang -> the concept's preferred term
    count: int  # documents of the set that mention it
    share: float  # ... as a share of the set
    overall: float  # its share of all the visible documents
    score: float  # G²


Pairs = tuple[np.ndarray, np.ndarray]
"""One segment's ``(document, concept)`` pairs: segment document numbers (int32) and concept numbers (uint16)."""


@dataclass
class ConceptDocs:
    """The pairs of every segment, each with its offset: kept per segment only (a copy joined for the whole
    index would double their memory, about 37 MB at 100,000 reports), counted segment by segment."""

    segments: list[tuple[int, Pairs]]  # (offset, pairs)
    terms: list[dict[str, str]]  # per concept number

    def counts(self, mask: np.ndarray) -> np.ndarray:
        """Per concept, how many documents of ``mask`` (a whole-index mask) mention it."""
        found = np.zeros(len(self.terms), dtype=np.int64)
        for offset, (docs, concepts) in self.segments:
            found += np.bincount(concepts[mask[docs + np.int32(offset)]], minlength=len(self.terms))
        return found


WAIT_SECONDS = 2.0
"""How long a page waits for the concepts' documents before it is shown without its terms."""
BACKGROUND_DOCS = 10_000
"""Below this many documents the page waits until they are read (well under a second; the test suite)."""

_jobs: dict[tuple, threading.Thread] = {}
_jobs_lock = threading.Lock()
log = logging.getLogger(__name__)


def concept_docs(snapshot: Snapshot, glossary: str | None = None, wait: float | None = None) -> ConceptDocs | None:
    """Which documents mention which concept, in this generation; None while that is still being worked out.

    Each segment's share is read once and kept for later generations (a commit adds a small segment: only it
    is read). Reading a large index's segments the first time is slow (about a minute at 100,000 reports,
    ``docs/performance.md``), so it runs in a background thread and a page waits at most ``wait`` seconds
    (default: :data:`WAIT_SECONDS`, or until done below :data:`BACKGROUND_DOCS` documents).
    """
    tables = tables_for(glossary)
    name = ("concepts", str(glossary))
    job = _job(snapshot, tables, name)
    if wait is None and snapshot.searcher.doc_count_all() >= BACKGROUND_DOCS:
        wait = WAIT_SECONDS
    job.join(wait)
    if job.is_alive():
        return None
    return snapshot.derived(name, lambda: _assemble(snapshot, tables, name))


def _job(snapshot: Snapshot, tables: Tables, name: tuple) -> threading.Thread:
    key = (id(snapshot.store), snapshot.folder, snapshot.generation, name)
    with _jobs_lock:
        for old in [k for k, thread in _jobs.items() if k != key and not thread.is_alive()]:
            del _jobs[old]  # another generation's, done: this one's stays, so a finished job is not run again
        job = _jobs.get(key)
        if job is None:
            job = threading.Thread(target=_read_segments, args=(snapshot, tables, name), name="concepts", daemon=True)
            _jobs[key] = job
            job.start()
    return job


def _read_segments(snapshot: Snapshot, tables: Tables, name: tuple) -> None:
    try:
        for seg in snapshot.scorer.segments:
            snapshot.store.get(seg.key, name, lambda seg=seg: _segment(snapshot, seg, tables))
    except Exception:  # noqa: BLE001 - the page then reads them itself, and says what failed
        log.exception("reading the glossary concepts' documents failed")


def characteristic(
    snapshot: Snapshot, members: np.ndarray, visible: np.ndarray, glossary: str | None = None, limit: int = LIMIT
) -> list[KeyConcept] | None:
    """The concepts that characterise the documents in ``members`` against the rest of ``visible``, best first;
    None while the concepts' documents are still being read (:func:`concept_docs`)."""
    found = concept_docs(snapshot, glossary)
    if found is None:
        return None
    members = members & visible
    size, everyone = int(np.count_nonzero(members)), int(np.count_nonzero(visible))
    if not size or not found.terms:
        return []
    within, total = found.counts(members), found.counts(visible)
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


def _segment(snapshot: Snapshot, seg: Segment, tables: Tables) -> Pairs:
    """The segment's documents (segment numbers) that mention a concept, with its number: one of its terms
    (a word, or a phrase) is in the title, abstract or body field of the term's language."""
    if len(tables.terms) > np.iinfo(np.uint16).max:
        raise ValueError("more glossary concepts than a uint16 numbers")
    leaves = snapshot.scorer.leaves
    docs, numbers = [], []
    for number, named in enumerate(tables.terms):
        mask = np.zeros(seg.size, dtype=bool)
        for lang in LANGUAGES:
            for _term, stems in named.get(lang, ()):
                for part in PARTS:
                    fieldname = f"{part}_{lang}"
                    if len(stems) == 1:
                        ids, _ = leaves.raw_arrays(seg, fieldname, stems[0].encode("utf-8"))
                        mask[ids] = True
                    else:
                        mask |= leaves.leaf(wq.Phrase(fieldname, list(stems)), seg).mask
        found = np.flatnonzero(mask).astype(np.int32)
        if found.size:
            docs.append(found)
            numbers.append(np.full(found.size, number, dtype=np.uint16))
    if not docs:
        return np.zeros(0, np.int32), np.zeros(0, np.uint16)
    return np.concatenate(docs), np.concatenate(numbers)


def _assemble(snapshot: Snapshot, tables: Tables, name: tuple) -> ConceptDocs:
    segments = [
        (seg.offset, snapshot.store.get(seg.key, name, lambda seg=seg: _segment(snapshot, seg, tables)))
        for seg in snapshot.scorer.segments
    ]
    terms = [{lang: named[0][0] for lang, named in concept.items() if named} for concept in tables.terms]
    return ConceptDocs(segments, terms)
