"""Cross-language search (issue #16), measured: a judged Danish–English query set, expansion off against on.

    python bench/crosslang.py --no-speed             # quality only, on the sample corpus (seconds)
    python bench/crosslang.py --size 2000            # quality, then speed on 2,000 generated reports
    python bench/crosslang.py --write-docs           # also append the table to docs/performance.md

Why: members write in Danish and English, and a search in one language found nothing in the other ("hearing
aids" missed every Danish document about høreapparater). Cross-language query expansion (a curated glossary;
``SearchRequest.crosslang``) should fix that without making same-language results worse, and without slowing
search. This bench answers all three with figures, so the glossary can be tuned against them.

Quality. The sample corpus (``corpus/docs``) is loaded into a temporary data dir as ``skh seed`` does it (the
``public/``, ``members/``, ``staff/`` sub-folders get that visibility). The judged queries are in
``bench/crosslang_queries.toml`` (documents named by their path under ``corpus/docs``, mapped to ids through
the catalog's ``source``). Every query is searched as staff (all visibility levels), its top 100 hits kept:

* **recall@10 (cross)**: the share of the query's judged other-language documents (``relevant_other``) that
  are among the top 10 hits of all languages; the mean over queries.
* **nDCG@10 (cross)**: binary gain 1 for a ``relevant_other`` document at rank r <= 10, discounted by
  1/log2(r + 1), over the ideal DCG of min(10, |relevant_other|) such documents; any other hit, however
  relevant in the query's own language, gains 0 here. The mean over queries.
* **P@5 (same)**: take the hits in the query's own language (the catalog's ``lang`` of each hit), in rank
  order, and their first 5; P@5 is how many of those are judged relevant (``relevant_same``) divided by 5
  (fewer than 5 such hits count the missing places as not relevant). The mean over the queries that have at
  least one ``relevant_same`` document. It shows whether the expansion pushes same-language noise up; it is
  capped by how many relevant documents a query has, so compare off with on, not with 1.

Speed. Search p95 in-process on the generated corpus of ``--size`` reports (``bench/search_build.py``,
cached in ``bench/out/``; English-like text, so this measures the expansion's cost, not its benefit), over
``bench/search_bench.py``'s request mix timed by its ``time_mix``, engine only (``search.search``, the call
the expansion changes), off and on alternating pass by pass (off on, on off, ...) so drift falls on both.

If ``SearchRequest`` has no ``crosslang`` field yet, only "off" is run and "on" is printed as n/a.
Exits 0; figures are printed, never asserted (``tests/test_crosslang_bench.py`` checks the query file only).
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CORPUS = ROOT / "corpus" / "docs"
QUERIES = Path(__file__).resolve().parent / "crosslang_queries.toml"
TAXONOMY = ROOT / "corpus" / "areas.toml"
LEVELS = ("public", "members", "staff")  # as staff: every visibility level
DEPTH = 100  # hits kept per query: enough to find 5 same-language ones behind other-language hits
MODES = ("off", "on")


@dataclass(frozen=True)
class Judged:
    q: str
    lang: str
    relevant_other: tuple[str, ...]
    relevant_same: tuple[str, ...]


def load_queries(path: Path = QUERIES) -> list[Judged]:
    """The judged queries, in file order (the test and the bench read them the same way)."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return [
        Judged(
            q=row["q"],
            lang=row["lang"],
            relevant_other=tuple(row.get("relevant_other", ())),
            relevant_same=tuple(row.get("relevant_same", ())),
        )
        for row in data["query"]
    ]


def has_crosslang() -> bool:
    """Whether this tree's ``SearchRequest`` can turn the expansion on and off."""
    from search import SearchRequest

    return "crosslang" in {f.name for f in dataclasses.fields(SearchRequest)}


def request(q: str, mode: str, **options):
    """A ``SearchRequest`` as staff, with the expansion ``mode`` when the tree has the field."""
    from search import SearchRequest

    if has_crosslang():
        options["crosslang"] = mode == "on"
    return SearchRequest(q=q, visibility=LEVELS, **options)


# -- quality ---------------------------------------------------------------


def seed(data_dir: Path):
    """The sample corpus in ``data_dir``, loaded as ``skh seed`` loads it; the hub and a path -> id map."""
    from ingest.model import VISIBILITIES
    from ingest.pipeline import Explicit
    from web.hub import Hub

    hub = Hub.open(data_dir, taxonomy=str(TAXONOMY))
    for level in VISIBILITIES:
        folder = CORPUS / level
        if folder.is_dir():
            report = hub.ingestor.ingest_paths([folder], Explicit(visibility=level))
            for outcome in report.failed:
                print(f"FAILED {outcome.path}: {outcome.reason}", file=sys.stderr)
    ids = {}
    for doc in hub.catalog.all():
        source = Path(doc.source)
        rel = source.resolve().relative_to(CORPUS.resolve()) if source.is_absolute() else source
        ids[rel.as_posix()] = doc.id
    return hub, ids


def ndcg(ranked: list[str], relevant: set[str], k: int = 10) -> float:
    dcg = sum(1 / math.log2(r + 2) for r, doc in enumerate(ranked[:k]) if doc in relevant)
    ideal = sum(1 / math.log2(r + 2) for r in range(min(k, len(relevant))))
    return dcg / ideal if ideal else 0.0


def score_query(ranked: list[str], langs: dict[str, str], judged: Judged, ids: dict[str, str]) -> dict:
    """recall@10 and nDCG@10 of the cross-language targets and P@5 of same-language hits (module docstring)."""
    other = {ids[p] for p in judged.relevant_other}
    same = {ids[p] for p in judged.relevant_same}
    own = [doc for doc in ranked if langs.get(doc) == judged.lang][:5]
    return {
        "recall10": len(other & set(ranked[:10])) / len(other),
        "ndcg10": ndcg(ranked, other),
        "p5": sum(doc in same for doc in own) / 5 if same else None,
    }


def mean(values) -> float:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else float("nan")


def quality(
    queries: list[Judged], modes: tuple[str, ...], verbose: bool = False
) -> dict[str, dict[str, dict[str, float]]]:
    """Per mode, per direction ("da→en", "en→da", "all"): the three means over the judged queries."""
    from search import search

    with tempfile.TemporaryDirectory(prefix="skh-crosslang-") as tmp:
        hub, ids = seed(Path(tmp) / "data")
        missing = sorted({p for j in queries for p in j.relevant_other + j.relevant_same} - ids.keys())
        if missing:
            raise SystemExit(f"judged documents not in the catalog: {missing}")
        langs = {doc.id: doc.lang for doc in hub.catalog.all()}
        for path, doc_id in ids.items():
            if not Path(path).name.startswith(langs[doc_id]):
                print(f"note: {path} is catalogued as {langs[doc_id]!r}", file=sys.stderr)
        snapshot = hub.pool.get()
        out = {}
        for mode in modes:
            rows = []
            for judged in queries:
                ranked = [hit.id for hit in search(snapshot, request(judged.q, mode, per_page=DEPTH)).hits]
                rows.append((judged, score_query(ranked, langs, judged, ids)))
            out[mode] = {}
            for name, keep in (("da→en", "da"), ("en→da", "en"), ("all", None)):
                part = [s for j, s in rows if keep in (None, j.lang)]
                out[mode][name] = {m: mean(s[m] for s in part) for m in ("recall10", "ndcg10", "p5")}
                out[mode][name]["n"] = len(part)
                out[mode][name]["n_p5"] = sum(s["p5"] is not None for s in part)
            if verbose:
                for judged, s in rows:
                    print(
                        f"{mode} {judged.lang} {judged.q!r}: recall@10 {s['recall10']:.2f}, "
                        f"nDCG@10 {s['ndcg10']:.2f}, P@5 {_cell(s['p5'], 2)}",
                        file=sys.stderr,
                    )
        return out


# -- speed -----------------------------------------------------------------


def speed(size: int, passes: int, modes: tuple[str, ...]) -> dict[str, dict[str, float]]:
    """Engine-only search p50/p95/p99 ms per mode over ``search_bench``'s mix, modes alternating per pass."""
    from bench.search_bench import LIST_FILTERS, percentiles, time_mix
    from bench.search_build import build_lean, size_dir
    from search import search
    from web.hub import Hub

    build_lean(size, log=lambda m: print(f"  {m}", file=sys.stderr, flush=True))
    hub = Hub.open(size_dir(size) / "data", taxonomy=str(TAXONOMY))
    hub.pool.get().warm()

    def runner(mode: str):
        def run(q: str, options: dict) -> None:
            year = {k: int(options[k][0]) for k in ("year_from", "year_to") if k in options}
            filters = {k: v for k, v in options.items() if k in LIST_FILTERS}
            extra = {"sort": options.get("sort", "relevance"), "page": options.get("page", 1)}
            search(hub.pool.get(), request(q, mode, filters=filters, **extra, **year))

        return run

    samples: dict[str, list[float]] = {mode: [] for mode in modes}
    for mode in modes:  # one untimed pass each: the first pass fills per-term caches
        time_mix(runner(mode))
    for n in range(passes):
        for mode in modes if n % 2 == 0 else tuple(reversed(modes)):
            samples[mode] += time_mix(runner(mode))
    return {mode: percentiles(found) for mode, found in samples.items()}


# -- report ----------------------------------------------------------------


def _cell(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None or value != value else f"{value:.{digits}f}"


def table(scores: dict, timings: dict | None, size: int) -> str:
    """The markdown table: one row per measure, off and on side by side."""
    lines = ["| measure | off | on |", "| --- | ---: | ---: |"]
    names = {"recall10": "recall@10, cross-language", "ndcg10": "nDCG@10, cross-language", "p5": "P@5, same language"}
    for direction in ("all", "da→en", "en→da"):
        for metric, label in names.items():
            n = scores["off"][direction]["n_p5" if metric == "p5" else "n"]
            row = [_cell(scores.get(mode, {}).get(direction, {}).get(metric)) for mode in MODES]
            lines.append(f"| {label}, {direction} ({n} queries) | {row[0]} | {row[1]} |")
    if timings:
        for p in ("p50", "p95"):
            row = [_cell(timings[mode][p], 2) if mode in timings else "n/a" for mode in MODES]
            n = timings["off"]["n"]
            lines.append(f"| search {p} ms in-process, {size:,} reports (n {n}) | {row[0]} | {row[1]} |")
    return "\n".join(lines)


def write_docs(docs: Path, command: str, context: str, text: str) -> None:
    """Append one dated run to docs/performance.md, under the issue's heading (written once)."""
    heading = "## Cross-language search (issue 16): judged queries, expansion off and on"
    before = docs.read_text(encoding="utf-8") if docs.exists() else ""
    entry = ("" if heading in before else f"\n{heading}\n") + (
        f"\n### {date.today().isoformat()}: `{command}`\n\n{context}\n\n{text}\n"
    )
    with docs.open("a", encoding="utf-8") as handle:
        handle.write(entry)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--no-speed", action="store_true", help="skip the search p95 on the generated corpus")
    parser.add_argument("--size", type=int, default=20000, help="generated reports for the speed part")
    parser.add_argument("--passes", type=int, default=10, help="timed passes over the mix per mode")
    parser.add_argument("--per-query", action="store_true", help="each query's figures, on standard error")
    parser.add_argument("--write-docs", action="store_true", help="append the table to docs/performance.md")
    args = parser.parse_args()
    os.environ.setdefault("SKH_RESULT_CACHE", "0")  # every request computed, as in search_bench
    modes = MODES if has_crosslang() else ("off",)
    queries = load_queries(args.queries)
    t0 = time.perf_counter()
    scores = quality(queries, modes, args.per_query)
    timings = None if args.no_speed else speed(args.size, args.passes, modes)
    context = (
        f"{len(queries)} judged queries (`{args.queries.resolve().relative_to(ROOT)}`), sample corpus, as staff; "
        f"expansion {'off and on' if len(modes) == 2 else 'off only (SearchRequest has no crosslang field)'}; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; {time.perf_counter() - t0:.0f} s."
    )
    text = table(scores, timings, args.size)
    print(context + "\n\n" + text)
    if args.write_docs:
        command = "python bench/crosslang.py " + " ".join(sys.argv[1:])
        write_docs(ROOT / "docs" / "performance.md", command.strip(), context, text)
        print("appended to docs/performance.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
