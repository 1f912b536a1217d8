"""Ranking quality on SciFact, measured through the service's own search path.

Run: ``.venv/bin/python bench/relevance.py [--split test|train] [--limit N]``
(or ``make bench-relevance``).

The collection (BEIR format) is read from ``SKH_SCIFACT_DIR``, by default
``<repo>/../shared/eval/scifact``. It is for evaluation only and is never
copied into the repository or the corpus: the bench indexes it into a
temporary folder that is deleted afterwards.

Two systems are indexed and judged on the same queries:

* **service** - the project's own schema, analyzers, writer, query parser,
  weighting model and :func:`search.searching.search`, exactly as the web
  service runs them. A SciFact document's title goes to ``title`` and its
  text to ``body`` (see :func:`scifact_doc` for why).
* **baseline** - a plain Whoosh BM25F set-up: one ``content`` field with
  Whoosh's ``StemmingAnalyzer``, the query parsed with ``OrGroup`` and
  scored with Whoosh's default ``BM25F()``.

Prints nDCG@10, recall@100 and MAP@100 for both, and the difference.
Tune on ``--split train`` only; docs/performance.md reports ``--split test``.
Exits 0 whatever the figures are.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from whoosh import index as whoosh_index  # noqa: E402
from whoosh.analysis import StemmingAnalyzer  # noqa: E402
from whoosh.fields import ID, TEXT, Schema  # noqa: E402
from whoosh.qparser import OrGroup, QueryParser  # noqa: E402

from search.engine.reading.index import make_live, new_generation  # noqa: E402
from search.engine.reading.searcher import SearcherPool  # noqa: E402
from search.engine.writing.writer import index_writer, write_lock  # noqa: E402
from search.schema import IndexDoc  # noqa: E402
from search.searching import SearchRequest, search  # noqa: E402

DEFAULT_DIR = ROOT.parent / "shared" / "eval" / "scifact"
DEPTH = 100  # ranks retrieved per query: recall@100 and MAP@100 need them all

Run = dict[str, list[str]]  # query id -> ranked document ids
Qrels = dict[str, dict[str, int]]  # query id -> document id -> grade


def scifact_dir() -> Path:
    return Path(os.environ.get("SKH_SCIFACT_DIR") or DEFAULT_DIR)


def found_scifact() -> Path | None:
    """The SciFact folder, or None (said on stdout) when it is not there: the benches then exit 0."""
    folder = scifact_dir()
    if not (folder / "corpus.jsonl").is_file():
        print(f"SciFact not found in {folder}; set SKH_SCIFACT_DIR to the BEIR scifact folder.")
        return None
    return folder


def judged_queries(folder: Path, split: str, limit: int = 0) -> tuple[Qrels, dict[str, str], list[str]]:
    """A split's judgements, every query's text, and the ids of the split's queries (the first ``limit``)."""
    qrels = load_qrels(folder, split)
    return qrels, load_queries(folder), sorted(qrels, key=int)[: limit or None]


def load_corpus(folder: Path) -> list[dict]:
    with open(folder / "corpus.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_queries(folder: Path) -> dict[str, str]:
    with open(folder / "queries.jsonl", encoding="utf-8") as handle:
        rows = (json.loads(line) for line in handle if line.strip())
        return {row["_id"]: row["text"] for row in rows}


def load_qrels(folder: Path, split: str) -> Qrels:
    qrels: Qrels = {}
    with open(folder / "qrels" / f"{split}.tsv", encoding="utf-8") as handle:
        next(handle)  # header
        for line in handle:
            qid, docid, grade = line.rstrip("\n").split("\t")
            if int(grade) > 0:
                qrels.setdefault(qid, {})[docid] = int(grade)
    return qrels


def scifact_doc(row: dict) -> IndexDoc:
    """One SciFact abstract as the service would index it.

    The text goes to ``body``, not ``abstract``: every real document has a
    body (the extracted text) while an abstract is optional metadata, so body
    weighting is what decides most real rankings and is what this bench tunes.
    """
    return IndexDoc(id=row["_id"], title=row.get("title", ""), body=row.get("text", ""), lang="en", type="publication")


# -- the service -------------------------------------------------------------------------------------------------


def build_service_index(base: Path, corpus: Iterable[dict]) -> None:
    """Index through the service's own writer path (schema, analyzers, lock)."""
    with write_lock(base):
        make_live(base, new_generation(base))
        with index_writer(base, limitmb=256) as writer:
            for row in corpus:
                writer.add_document(**scifact_doc(row).to_fields())


def service_run(base: Path, queries: dict[str, str]) -> Run:
    """Rank with :func:`search.searching.search`, the function behind the web page and the API."""
    pool = SearcherPool(base)
    run: Run = {}
    for qid, text in queries.items():
        result = search(pool.get(), SearchRequest(q=text, per_page=DEPTH))
        run[qid] = [hit.id for hit in result.hits]
    return run


# -- the baseline ------------------------------------------------------------------------------------------------


def baseline_run(folder: Path, corpus: Iterable[dict], queries: dict[str, str]) -> Run:
    """Plain Whoosh: one stemmed content field, OR of the words, default BM25F."""
    schema = Schema(id=ID(stored=True, unique=True), content=TEXT(analyzer=StemmingAnalyzer()))
    ix = whoosh_index.create_in(str(folder), schema)
    writer = ix.writer(limitmb=256)
    for row in corpus:
        writer.add_document(id=row["_id"], content=f"{row.get('title', '')}\n{row.get('text', '')}")
    writer.commit()
    parser = QueryParser("content", schema, group=OrGroup)
    run: Run = {}
    with ix.searcher() as searcher:
        for qid, text in queries.items():
            results = searcher.search(parser.parse(text), limit=DEPTH)
            run[qid] = [hit["id"] for hit in results]
    return run


# -- measures ----------------------------------------------------------------------------------------------------


def ndcg_at(ranked: list[str], rels: dict[str, int], k: int = 10) -> float:
    dcg = sum(rels.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(rels.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at(ranked: list[str], rels: dict[str, int], k: int = 100) -> float:
    return len(set(ranked[:k]) & set(rels)) / len(rels) if rels else 0.0


def average_precision(ranked: list[str], rels: dict[str, int], k: int = 100) -> float:
    found, total = 0, 0.0
    for i, d in enumerate(ranked[:k]):
        if d in rels:
            found += 1
            total += found / (i + 1)
    return total / len(rels) if rels else 0.0


def evaluate(run: Run, qrels: Qrels) -> dict[str, float]:
    """Mean nDCG@10, recall@100 and MAP@100 over the judged queries (a missing query scores 0)."""
    measures: dict[str, Callable[[list[str], dict[str, int]], float]] = {
        "nDCG@10": ndcg_at,
        "recall@100": recall_at,
        "MAP@100": average_precision,
    }
    return {
        name: sum(fn(run.get(qid, []), rels) for qid, rels in qrels.items()) / len(qrels)
        for name, fn in measures.items()
    }


# -- the run -----------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test", choices=("test", "train"))
    parser.add_argument("--limit", type=int, default=0, help="judge only the first N queries (0 = all)")
    args = parser.parse_args(argv)

    folder = found_scifact()
    if folder is None:
        return 0
    corpus = load_corpus(folder)
    qrels, all_queries, qids = judged_queries(folder, args.split, args.limit)
    qrels = {qid: qrels[qid] for qid in qids}
    queries = {qid: all_queries[qid] for qid in qids}
    print(f"SciFact {args.split}: {len(corpus)} documents, {len(queries)} queries; {os.cpu_count()} CPU cores")
    print("(other work on the machine makes the timings noisy; the quality figures are exact)")

    with tempfile.TemporaryDirectory(prefix="skh-relevance-") as tmp:
        started = time.perf_counter()
        build_service_index(Path(tmp) / "service", corpus)
        indexed = time.perf_counter()
        service = evaluate(service_run(Path(tmp) / "service", queries), qrels)
        searched = time.perf_counter()
        (Path(tmp) / "baseline").mkdir()
        baseline = evaluate(baseline_run(Path(tmp) / "baseline", corpus, queries), qrels)
        finished = time.perf_counter()

    per_query = 1000 * (searched - indexed) / max(len(queries), 1)
    searched_s = searched - indexed
    print(f"service: indexed in {indexed - started:.1f}s, searched in {searched_s:.1f}s ({per_query:.1f} ms per query)")
    print(f"baseline: indexed and searched in {finished - searched:.1f}s")
    print()
    print(f"{'measure':<12}{'service':>10}{'baseline':>10}{'diff':>10}{'ratio':>8}")
    for name in service:
        s, b = service[name], baseline[name]
        print(f"{name:<12}{s:>10.4f}{b:>10.4f}{s - b:>+10.4f}{(s / b if b else 0):>8.3f}")
    print()
    print("published on the test split: Anserini BM25 nDCG@10 0.679 (flat), 0.665 (multifield); R@100 0.925 / 0.908")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
