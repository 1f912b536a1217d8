"""A query node's matches and scores from its children's: the arithmetic of each node kind, written once.

Every function here works on :class:`Part` arrays of one length: the whole
index (global document numbers) or one segment. The evaluator
(:mod:`search.engine.scoring.evaluator`) decides which children to compute and
over which space; this module only says what Whoosh's matchers would make of
them: ``And``/``Or`` add their children's scores, boosts multiply,
``AndNot``/``Require``/``Not`` only mask, ``AndMaybe`` adds what the optional
side found, and a coordinated ``Or`` applies Whoosh's coordination formula.

Scores are added child by child in the children's order, so a document's
score is the same sum whichever space it was computed over.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


class Unsupported(Exception):
    """The query or weighting cannot be modelled; let Whoosh score it."""


@dataclass
class Part:
    """One query node's matches and scores over a segment (dense, segment-local) or the whole index."""

    mask: np.ndarray
    score: np.ndarray | None  # None when only the match set was asked for
    terms: np.ndarray | None = None  # matching term count per document (for coordination)
    terms_total: int = 0  # term matchers Whoosh would build in this segment (for coordination)


def empty(size: int, scored: bool) -> Part:
    """Nothing matched."""
    return Part(np.zeros(size, dtype=bool), np.zeros(size) if scored else None)


def everything(size: int, boost: float, scored: bool) -> Part:
    """``Every``: every document, each scored its boost."""
    return Part(np.ones(size, dtype=bool), np.full(size, float(boost)) if scored else None)


def from_arrays(size: int, ids: np.ndarray, scores: np.ndarray, scored: bool) -> Part:
    """A leaf's sparse matches (document numbers and their scores) as a dense part."""
    part = empty(size, scored)
    part.mask[ids] = True
    if scored:
        part.score[ids] = scores
    return part


def and_not(a: Part, b: Part) -> Part:
    """``a`` without ``b``'s matches; ``b`` adds nothing to the score."""
    return Part(a.mask & ~b.mask, a.score)


def require(a: Part, b: Part) -> Part:
    """``a`` where ``b`` matches too; only ``a`` is scored."""
    return Part(a.mask & b.mask, a.score)


def and_maybe(a: Part, b: Part, scored: bool) -> Part:
    """``a``'s matches, plus ``b``'s score where ``b`` matches as well."""
    return Part(a.mask, a.score + np.where(b.mask, b.score, 0.0) if scored else None)


def negate(inner: Part, size: int, scored: bool) -> Part:
    """``Not``: every document ``inner`` does not match, each scored 1 (Whoosh's InverseMatcher)."""
    return Part(~inner.mask, np.ones(size) if scored else None)


def conjunction(parts: list[Part], boost: float, size: int, scored: bool) -> Part:
    """``And``: documents every child matches, scored as the children's sum times the boost."""
    mask = np.logical_and.reduce([p.mask for p in parts])
    score = None
    if scored:
        score = np.zeros(size)
        for p in parts:
            score += np.where(p.mask, p.score, 0.0)
        if boost != 1.0:
            score = score * boost
    return Part(mask, score)


class Union:
    """An uncoordinated ``Or``, built up child by child into one pair of arrays (no array per leaf child)."""

    def __init__(self, size: int, scored: bool):
        self.part = empty(size, scored)
        self.scored = scored

    def add_arrays(self, ids: np.ndarray, scores: np.ndarray) -> None:
        """A leaf child's sparse matches and scores."""
        self.part.mask[ids] = True
        if self.scored:
            self.part.score[ids] += scores

    def add(self, child: Part) -> None:
        """Any other child, computed as a dense part."""
        self.part.mask |= child.mask
        if self.scored:
            self.part.score += np.where(child.mask, child.score, 0.0)

    def result(self, boost: float) -> Part:
        if self.scored and boost != 1.0:
            self.part.score = self.part.score * boost
        return self.part


def coordinated(parts: list[Part], scale: float, boost: float, size: int) -> Part:
    """A coordinated ``Or`` (``scale`` set) over one segment, scored as Whoosh's coordination formula.

    Whoosh counts the term matchers it builds in the segment (``terms_total``)
    and each document's matching terms, so this is per segment by nature and
    its children are term leaves carrying those counts. The children's scores
    are summed with ``np.sum`` over the stacked children, as this node always
    has been (bit for bit the sequential sum, except over a one-document
    segment, where numpy adds eight or more rows pairwise).
    """
    mask = np.logical_or.reduce([p.mask for p in parts])
    score = np.sum([np.where(p.mask, p.score, 0.0) for p in parts], axis=0)
    if boost != 1.0:
        score = score * boost
    terms = np.sum([np.where(p.mask, p.terms, 0) for p in parts], axis=0)
    out = Part(mask, score, np.where(mask, terms, 0), sum(p.terms_total for p in parts))
    total = out.terms_total
    if total:
        if total == scale:
            out.score = np.zeros(size)
        else:
            out.score = (score + ((out.terms - 1) / (total - scale) ** 2)) * ((total - 1) / total)
    return out
