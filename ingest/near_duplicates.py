"""Near-duplicate texts: the same work in another format, a revised version of it, or a different document.

Staff upload the same report as a PDF and as its Word or Markdown source, and a revised edition a year later;
each became a document of its own, shown twice in results. A byte hash only finds identical files: the PDF's
extracted text differs from the DOCX's in line breaks, hyphenation and page furniture, and a revision in a
few sentences. What stays the same is most of the running text, so two texts are compared by the share of
their word shingles (runs of :data:`SHINGLE` words) they have in common: the Jaccard similarity, estimated
with MinHash (``datasketch``, a maintained implementation of Broder's sketches) in a fixed-size signature per
document, and candidates found among thousands by locality-sensitive hashing instead of comparing every pair.

What a similarity means (measured by ``bench/near_duplicates.py`` on the sample corpus: formats of one source
0.69-1.00, revisions with 5-10 % of the words changed 0.69-0.93, different documents sharing an area at most
0.02):

* :data:`SAME_WORK` and above: one work, in another format or revised. Text alone does not tell the two apart
  (a PDF's page furniture costs as many shingles as a revision), so which one it is comes from the files'
  formats and dates, and staff decide;
* down to :data:`SUPPORTED`: one work only when the metadata supports it (same organisation and a close
  title), because two reports on one topic by one group can share boilerplate;
* below: separate documents.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH
from rapidfuzz import fuzz, utils

SHINGLE = 3
"""Words per shingle: short enough that a changed word spoils few shingles, long enough that two texts on one
topic share few."""

PERMUTATIONS = 128
"""MinHash signature length: the similarity estimate's standard error is about 0.04 at 0.5."""

SAME_WORK = 0.45
SUPPORTED = 0.3
TITLE_CLOSE = 80
"""rapidfuzz's token-set ratio (0..100) of two titles that name the same work."""

SEED = 1
SCHEME = "affine32"
"""MinHash's permutation seed and hashing scheme: fingerprints are only comparable when made with the same
ones, so both are fixed here rather than left to the library's defaults (a kept signature must still compare
after an upgrade)."""

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Fingerprint:
    """What comparing a document needs: its text's MinHash signature and the supporting metadata."""

    signature: LeanMinHash
    words: int
    title: str = ""
    org: str = ""
    year: int | None = None

    def to_bytes(self) -> bytes:
        """The signature as bytes (the catalog keeps it, so a new upload is compared without re-reading)."""
        return self.signature.hashvalues.astype(np.uint32).tobytes()


def shingles(text: str) -> set[bytes]:
    """The text's runs of :data:`SHINGLE` words, lowercased and accent-folded, as UTF-8 keys."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    words = _WORD.findall(folded)
    if len(words) < SHINGLE:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)}


def fingerprint(text: str, title: str = "", org: str = "", year: int | None = None) -> Fingerprint:
    """The fingerprint of a document's text (its body as ingest extracted it) and its metadata."""
    found = shingles(text)
    sketch = MinHash(num_perm=PERMUTATIONS, seed=SEED, scheme=SCHEME, permutations=_permutations())
    sketch.update_batch(list(found))
    return Fingerprint(LeanMinHash(sketch), len(found), title, org, year)


@cache
def _permutations() -> np.ndarray:
    """The permutations :data:`SEED` makes, drawn once: a third of the cost of fingerprinting a short text."""
    return MinHash(num_perm=PERMUTATIONS, seed=SEED, scheme=SCHEME).permutations


def from_bytes(data: bytes, title: str = "", org: str = "", year: int | None = None) -> Fingerprint:
    """A fingerprint kept by :meth:`Fingerprint.to_bytes`."""
    values = np.frombuffer(data, dtype=np.uint32)
    return Fingerprint(LeanMinHash(seed=SEED, hashvalues=values, scheme=SCHEME), 0, title, org, year)


def similarity(a: Fingerprint, b: Fingerprint) -> float:
    """The estimated Jaccard similarity of the two texts' shingles (0..1)."""
    return float(a.signature.jaccard(b.signature))


def same_work(a: Fingerprint, b: Fingerprint) -> bool:
    """Whether ``a`` and ``b`` are most likely one work (module docstring)."""
    found = similarity(a, b)
    return found >= SAME_WORK or (found >= SUPPORTED and _supported(a, b))


def _supported(a: Fingerprint, b: Fingerprint) -> bool:
    same_org = bool(a.org) and a.org.casefold() == b.org.casefold()
    close_title = (
        bool(a.title and b.title)
        and fuzz.token_set_ratio(a.title, b.title, processor=utils.default_process) >= TITLE_CLOSE
    )
    return same_org and close_title


class Candidates:
    """Fingerprints by document id, with an LSH index that finds the ones similar to a new one quickly."""

    def __init__(self) -> None:
        self._lsh = MinHashLSH(threshold=SUPPORTED, num_perm=PERMUTATIONS)
        self._prints: dict[str, Fingerprint] = {}

    def __len__(self) -> int:
        return len(self._prints)

    def add(self, doc_id: str, found: Fingerprint) -> None:
        if doc_id in self._prints:
            self.remove(doc_id)
        self._lsh.insert(doc_id, found.signature)
        self._prints[doc_id] = found

    def remove(self, doc_id: str) -> None:
        if self._prints.pop(doc_id, None) is not None:
            self._lsh.remove(doc_id)

    def related(self, found: Fingerprint) -> list[tuple[str, float]]:
        """``(doc_id, similarity)`` of the known documents that are most likely the same work as ``found``,
        most similar first."""
        out = []
        for doc_id in self._lsh.query(found.signature):
            other = self._prints[doc_id]
            if same_work(other, found):
                out.append((doc_id, similarity(other, found)))
        return sorted(out, key=lambda row: (-row[1], row[0]))
