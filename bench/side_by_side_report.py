"""The side-by-side bench's table, verdict and docs/performance.md entry (``bench/side_by_side.py``).

Kept apart from the runner so the runner reads as the order of the measurements;
the table is markdown so the same text goes to the terminal and to the docs.
"""

from __future__ import annotations

import statistics
from datetime import date
from pathlib import Path

from bench.search_bench import percentiles

LIMIT = 0.10  # issue #15: within 10 % of main before the step (--aim sets another issue's)


def _ratio(new: float, old: float) -> str:
    return f"{new / old:.2f}" if old else "–"


def ingest_rows(runs: dict[str, list[dict]]) -> list[tuple[str, float, float]]:
    """(measure, old, new): documents/s and CPU ms per document, the mean over each side's ingests."""
    rate = {side: statistics.mean(r["documents"] / r["seconds"] for r in runs[side]) for side in runs}
    cpu = {side: statistics.mean(1000 * r["cpu_seconds"] / r["documents"] for r in runs[side]) for side in runs}
    counts = ", ".join(f"{side} {len(runs[side])}" for side in runs)
    return [
        (f"ingest, documents/s (mean of {counts})", rate["old"], rate["new"]),
        ("ingest, CPU ms per document (parent + children)", cpu["old"], cpu["new"]),
    ]


def search_rows(samples: dict[str, dict[str, list[float]]]) -> list[tuple[str, float, float]]:
    """(measure, old, new) for p50/p95/p99 of the full search (as the page) and the engine alone."""
    rows = []
    for kind, label in (("full", "search in-process"), ("engine", "engine only")):
        old, new = percentiles(samples["old"][kind]), percentiles(samples["new"][kind])
        for p in ("p50", "p95", "p99"):
            rows.append((f"{label}, {p} ms (n {old['n']} / {new['n']})", old[p], new[p]))
    return rows


def table(rows: list[tuple[str, float, float]], old_name: str, new_name: str) -> str:
    lines = [f"| measure | old ({old_name}) | new ({new_name}) | new / old |", "| --- | ---: | ---: | ---: |"]
    for label, old, new in rows:
        lines.append(f"| {label} | {old:.1f} | {new:.1f} | {_ratio(new, old)} |")
    return "\n".join(lines)


def verdict(rows: list[tuple[str, float, float]], limit: float = LIMIT) -> str:
    """The two figures against ``limit`` (a fraction): search p95 may not grow, documents/s may not fall."""
    by_label = {label.split(" (")[0]: (old, new) for label, old, new in rows}
    parts = []
    share = f"{limit * 100:g} %"
    if "search in-process, p95 ms" in by_label:
        old, new = by_label["search in-process, p95 ms"]
        ok = new <= old * (1 + limit)
        parts.append(f"search p95 new/old {new / old:.2f} ({'within' if ok else 'OUTSIDE'} {share})")
    if "ingest, documents/s" in by_label:
        old, new = by_label["ingest, documents/s"]
        ok = new >= old * (1 - limit)
        parts.append(f"ingest documents/s new/old {new / old:.2f} ({'within' if ok else 'OUTSIDE'} {share})")
    return "; ".join(parts)


def write_docs(docs: Path, command: str, context: str, text: str, verdict_line: str) -> None:
    """Append one dated run to ``docs`` (docs/performance.md), as the issue asks the figures be written."""
    heading = "## Restructuring (issue 15): side by side with main before the step"
    text_before = docs.read_text(encoding="utf-8") if docs.exists() else ""
    entry = ("" if heading in text_before else f"\n{heading}\n") + (
        f"\n### Side by side, {date.today().isoformat()}\n\n`{command}`\n\n{context}\n\n{text}\n\n{verdict_line}\n"
    )
    with docs.open("a", encoding="utf-8") as handle:
        handle.write(entry)
