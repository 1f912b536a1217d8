"""A share of the first page for each language, when a search was also run in the other language.

Cross-language search (:mod:`search.crosslang`) weighs the other language's equivalents below the typed words,
so that a document in the query's own language comes first when both match equally. For a broad query that
is also what hides the other language: "hearing aids" matches more than ten English reports that outscore every
Danish report on høreapparater, and the first page shows none of them. The member who asked is then told
"also searched in Danish" and shown no Danish document, which is the gap the cross-language search was built
to close.

So, on a relevance-ranked search whose words were also searched in the other language, each language that
has good enough matches gets up to :data:`SHARE` of the first :data:`WINDOW` places: its best matches not
already there take the last places of the window, in score order, and the documents they displace move to
the top of what follows. "Good enough" is a score of at least :data:`FLOOR` times the last score in the
window: at half weight (the equivalents'), at least half as good as the window's last document; a document
the lower weight of its language's words kept off the page, not one that matched a minor word. Everything
else keeps its score order, and so does each language's own list (a document never moves above a
better-scored one of its own language), so the same-language ranking is the one without the
share. Why these numbers, and what they changed, is in ``docs/ranking.md``.
"""

from __future__ import annotations

import numpy as np

from search.engine.scoring.evaluator import top_k

WINDOW = 10
"""The first page at the default page size: the places the share is kept in, whatever the page size."""

SHARE = 3
"""Places of the window each language may claim."""

FLOOR = 0.25
"""A claiming document's least score, as a share of the window's last score: half of the equivalents' 0.5."""


def ranked_with_share(
    docnums: np.ndarray, scores: np.ndarray, languages: dict[str, np.ndarray], limit: int
) -> np.ndarray:
    """The best ``limit`` of ``docnums`` (ascending document numbers) in score order, with each language's
    share of the window. Only a language short of its share is looked up on its own."""
    ranked = docnums[top_k(docnums, scores[docnums], max(limit, WINDOW))]
    window = ranked[:WINDOW]
    pool = [ranked]
    for mask in languages.values():
        if docnums.size > WINDOW and np.count_nonzero(mask[window]) < SHARE:
            own = docnums[mask[docnums]]  # this language's best, wherever the overall order puts them
            pool.append(own[top_k(own, scores[own], WINDOW + SHARE)])
    if len(pool) == 1:
        return ranked[:limit]
    found = np.unique(np.concatenate(pool))
    return share_places(found[np.lexsort((found, -scores[found]))], scores, languages)[:limit]


def share_places(ranked: np.ndarray, scores: np.ndarray, languages: dict[str, np.ndarray]) -> np.ndarray:
    """``ranked`` (document numbers in score order, the best ``WINDOW + SHARE * len(languages)`` at least)
    with each language's share of the window given to it; the same documents, re-ordered.

    ``languages`` maps each language to a mask over document numbers.
    """
    if ranked.size <= WINDOW:
        return ranked
    window = ranked[:WINDOW]
    floor = FLOOR * float(scores[window[-1]])
    claims: list[int] = []
    for mask in languages.values():
        have = int(np.count_nonzero(mask[window]))
        if have >= SHARE:
            continue
        waiting = [d for d in ranked[WINDOW:].tolist() if mask[d] and scores[d] >= floor]
        claims += waiting[: SHARE - have]
    if not claims:
        return ranked
    claimed = set(claims)
    short = [m for m in languages.values() if int(np.count_nonzero(m[window])) < SHARE]
    protected = {d for d in window.tolist() if any(m[d] for m in short)}  # a claiming language's own places
    others = WINDOW - len(claims) - len(protected)  # places left for the rest of the window, in score order
    stays, leaves = [], []
    for d in window.tolist():
        if d in protected or others > 0:
            others -= d not in protected
            stays.append(d)
        else:
            leaves.append(d)
    claims.sort(key=lambda d: (-scores[d], d))
    rest = [d for d in ranked[WINDOW:].tolist() if d not in claimed]
    return np.array(stays + claims + leaves + rest, dtype=ranked.dtype)
