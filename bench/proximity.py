"""Does a proximity rerank of the top documents improve ranking on SciFact? (It did not: see below.)

Run: ``.venv/bin/python bench/proximity.py [--split train] [--depth 100] [--limit N]``

Ranks every query with :func:`search.searching.search` (the service's own path,
as ``bench/relevance.py`` does), then re-scores the ``depth`` best hits with a
bonus for query words that occur close together, reading word positions from
the index (``search.engine.format.postings.positions_for``) for those documents only, per
text part (title, abstract, body). Two published forms, each at a few weights:

* **BM25TP** (Rasolofo & Savoy, 2003): every pair of distinct query words at
  distance d <= 5 adds 1/d^2 to both words' accumulators; a word's accumulator
  is saturated like a term frequency (k1, b, part weights as in BM25F) and
  weighted by min(1, idf).
* **SDM-like pairs** (after Metzler & Croft, 2005, on BM25): each pair of
  neighbouring query words is one extra BM25F term whose frequency is the
  count of its ordered bigrams (``o1``) or of its co-occurrences within 8
  words (``uw8``), with the rarer word's idf.

Prints nDCG@10 per variant against the service ranking of the same run, a
paired randomisation test's p (5,000 sign flips over the queries), and the
time the rerank costs per query. Tune-only: it reads the train split by
default and never changes the service. Exits 0.

Measured (train, 809 queries, depth 100): the service 0.7066; the best
variant BM25TP x0.4 0.7091 (+0.0025, p 0.28), every other -0.012..+0.002;
so the rerank was left out (see ``docs/ranking.md``). The search took
10 ms per query and the rerank's positions and features 28 ms more.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from relevance import build_service_index, found_scifact, judged_queries, load_corpus, ndcg_at  # noqa: E402
from whoosh import query as wq  # noqa: E402

from search.engine.format.postings import LENGTH_OF_BYTE, positions_for  # noqa: E402
from search.engine.reading.searcher import SearcherPool, Snapshot  # noqa: E402
from search.engine.scoring import bm25f  # noqa: E402
from search.ranking import text_field  # noqa: E402
from search.searching import SearchRequest, search  # noqa: E402

TP_WINDOW = 5
UW_WINDOW = 8


@dataclass
class Candidates:
    """One query's reranking material: ``depth`` hits, their scores and per-part pair features."""

    ids: list[str]
    scores: np.ndarray
    idf: np.ndarray  # per query word
    pairs: list[tuple[int, int]]  # (i, j) with i < j, indices into the query's words
    tp: np.ndarray  # [doc, pair] BM25TP's sum of 1/d^2, part-weighted and length-normalised
    o1: np.ndarray  # [doc, pair] ordered bigram count, same weighting
    uw: np.ndarray  # [doc, pair] co-occurrences within UW_WINDOW words, same weighting


def query_words(q: wq.Query) -> list[bm25f.FieldsTerm]:
    """The query's words in one language (the first met), in query order, once each."""
    found: list[bm25f.FieldsTerm] = []
    stack = [q]
    while stack:
        node = stack.pop(0)
        if isinstance(node, bm25f.FieldsTerm):
            found.append(node)
        elif isinstance(node, wq.Not):
            continue
        elif isinstance(node, wq.AndNot):
            stack.insert(0, node.a)
        elif not node.is_leaf():
            stack[0:0] = list(node.children())
    if not found:
        return []
    lang = text_field(found[0].subqueries[0].fieldname)[1]
    seen, out = set(), []
    for word in found:
        if text_field(word.subqueries[0].fieldname)[1] == lang and word.subqueries[0].text not in seen:
            seen.add(word.subqueries[0].text)
            out.append(word)
    return out


def candidates(snapshot: Snapshot, text: str, depth: int) -> Candidates:
    result = search(snapshot, SearchRequest(q=text, per_page=depth))
    docnums = np.array([hit.docnum for hit in result.hits], dtype=np.int64)
    words = query_words(result.parsed.query)
    pairs = list(itertools.combinations(range(len(words)), 2))
    shape = (docnums.size, len(pairs))
    tp, o1, uw = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    idf = np.zeros(len(words))
    scorer = snapshot.scorer
    for n, word in enumerate(words):
        idf[n], _ = bm25f.bm25f_stats(snapshot.searcher, word)
    if pairs and docnums.size:
        _, parts = bm25f.bm25f_stats(snapshot.searcher, words[0])
        for part in parts:  # the same part names for every word of one language
            positions = [_positions(scorer, part.fieldname, w, docnums) for w in words]
            norm = _norm(scorer, part, docnums)
            for k, (i, j) in enumerate(pairs):
                for d in range(docnums.size):
                    a, b = positions[i][d], positions[j][d]
                    if a.size and b.size:
                        gaps = np.abs(a[:, None] - b[None, :])
                        near = gaps[gaps <= TP_WINDOW]
                        tp[d, k] += norm[d] * float(np.sum(1.0 / near.astype(np.float64) ** 2))
                        o1[d, k] += norm[d] * float(np.isin(a + 1, b).sum())
                        uw[d, k] += norm[d] * float(np.count_nonzero(gaps < UW_WINDOW))
    scores = np.array([hit.score for hit in result.hits])
    return Candidates([hit.id for hit in result.hits], scores, idf, pairs, tp, o1, uw)


def _positions(scorer, fieldname: str, word: bm25f.FieldsTerm, docnums: np.ndarray) -> list[np.ndarray]:
    """Per document of ``docnums`` (global numbers), the positions of ``word`` in ``fieldname``."""
    btext = scorer.searcher.schema[fieldname].to_bytes(word.subqueries[0].text)
    out = [np.zeros(0, dtype=np.int64)] * docnums.size
    for seg in scorer.segments:
        inside = np.flatnonzero((docnums >= seg.offset) & (docnums < seg.offset + seg.size))
        if not inside.size or (fieldname, btext) not in seg.reader:
            continue
        ids, _ = scorer.leaves.raw_arrays(seg, fieldname, btext)
        local = docnums[inside] - seg.offset
        has = np.isin(local, ids)
        order = np.argsort(local[has])
        docs, slots = local[has][order], inside[has][order]
        which, where = positions_for(seg.reader, fieldname, btext, docs)
        for n, slot in enumerate(slots.tolist()):
            out[slot] = where[which == n]
    return out


def _norm(scorer, part: bm25f.PartStats, docnums: np.ndarray) -> np.ndarray:
    """BM25F's per-document factor for one part: weight / (1 - b + b * length / average)."""
    lengths = np.zeros(docnums.size)
    for seg in scorer.segments:
        inside = np.flatnonzero((docnums >= seg.offset) & (docnums < seg.offset + seg.size))
        if inside.size:
            lengths[inside] = LENGTH_OF_BYTE[seg.lengths(part.fieldname)[docnums[inside] - seg.offset]]
    return part.weight / (1.0 - part.b + part.b * lengths / part.avg_length)


def saturate(tf: np.ndarray) -> np.ndarray:
    return tf * (bm25f.K1 + 1.0) / (tf + bm25f.K1)


def bm25tp(c: Candidates) -> np.ndarray:
    acc = np.zeros((len(c.ids), c.idf.size))
    for k, (i, j) in enumerate(c.pairs):
        acc[:, i] += c.tp[:, k]
        acc[:, j] += c.tp[:, k]
    return (np.minimum(1.0, c.idf) * saturate(acc)).sum(axis=1)


def neighbour_pairs(feature: str) -> Callable[[Candidates], np.ndarray]:
    def bonus(c: Candidates) -> np.ndarray:
        chosen = [k for k, (i, j) in enumerate(c.pairs) if j == i + 1]
        if not chosen:
            return np.zeros(len(c.ids))
        idf = np.array([min(c.idf[c.pairs[k][0]], c.idf[c.pairs[k][1]]) for k in chosen])
        return (idf * saturate(getattr(c, feature)[:, chosen])).sum(axis=1)

    return bonus


VARIANTS: dict[str, Callable[[Candidates], np.ndarray]] = {
    "BM25TP": bm25tp,
    "pairs o1": neighbour_pairs("o1"),
    "pairs uw8": neighbour_pairs("uw"),
}
WEIGHTS = (0.1, 0.2, 0.4, 0.8)


def reranked(c: Candidates, bonus: np.ndarray, weight: float) -> list[str]:
    total = c.scores + weight * bonus
    return [c.ids[n] for n in np.lexsort((np.arange(total.size), -total))]


def randomisation_p(a: np.ndarray, b: np.ndarray, rounds: int = 5000) -> float:
    diff = a - b
    signs = np.random.default_rng(0).choice((-1.0, 1.0), size=(rounds, diff.size))
    return float(np.mean(np.abs((signs * diff).mean(axis=1)) >= abs(diff.mean()) - 1e-12))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="train", choices=("train", "test"))
    parser.add_argument("--depth", type=int, default=100, help="hits reranked per query")
    parser.add_argument("--limit", type=int, default=0, help="judge only the first N queries (0 = all)")
    args = parser.parse_args(argv)
    folder = found_scifact()
    if folder is None:
        return 0
    qrels, all_queries, qids = judged_queries(folder, args.split, args.limit)
    print(f"SciFact {args.split}: {len(qids)} queries, rerank depth {args.depth}; {os.cpu_count()} CPU cores")
    print("(other work on the machine makes the timings noisy; the quality figures are exact)")

    with tempfile.TemporaryDirectory(prefix="skh-proximity-") as tmp:
        build_service_index(Path(tmp), load_corpus(folder))
        snapshot = SearcherPool(Path(tmp)).get()
        plain_time = extra_time = 0.0
        material = []
        for qid in qids:
            started = time.perf_counter()
            search(snapshot, SearchRequest(q=all_queries[qid] + " ", per_page=args.depth))  # no cached result
            plain_time += time.perf_counter() - started
            started = time.perf_counter()
            found = candidates(snapshot, all_queries[qid], args.depth)
            extra_time += time.perf_counter() - started
            material.append((found, {v: VARIANTS[v](found) for v in VARIANTS}))

    def judged(rank: Callable[[Candidates, dict], list[str]]) -> np.ndarray:
        return np.array([ndcg_at(rank(c, b), qrels[qid]) for qid, (c, b) in zip(qids, material, strict=True)])

    base = judged(lambda c, _: c.ids)
    print(
        f"search {1000 * plain_time / len(qids):.1f} ms per query; positions and pair features for the rerank "
        f"{1000 * max(extra_time - plain_time, 0.0) / len(qids):.1f} ms more (unoptimised numpy)"
    )
    print(f"\n{'variant':<12}{'weight':>8}{'nDCG@10':>10}{'diff':>10}{'p':>8}")
    print(f"{'service':<12}{'':>8}{base.mean():>10.4f}")
    for name in VARIANTS:
        for weight in WEIGHTS:
            got = judged(lambda c, b, name=name, weight=weight: reranked(c, b[name], weight))
            print(
                f"{name:<12}{weight:>8}{got.mean():>10.4f}{got.mean() - base.mean():>+10.4f}"
                f"{randomisation_p(got, base):>8.3f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
