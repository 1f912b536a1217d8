"""What a soak run records while it runs, and the figures it reports at the end (``bench/soak_bench.py``).

Apart from the bench's loops so that the bench reads as what it does, and this as what it counts.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field


def percentile(samples: list[float], p: float) -> float:
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(p * len(ordered)) - 1))]


@dataclass
class Results:
    errors: Counter = field(default_factory=Counter)
    first_errors: dict[str, str] = field(default_factory=dict)
    reads: list[float] = field(default_factory=list)
    read_log: list[tuple[float, float, str]] = field(default_factory=list)
    """(seconds into the run when it started, seconds it took, the query) of every read."""
    searchable: list[float] = field(default_factory=list)
    write_waits: dict[str, list[float]] = field(default_factory=lambda: {"ingest": [], "publish": []})
    never_searchable: list[str] = field(default_factory=list)
    searchable_log: list[tuple[float, float]] = field(default_factory=list)
    """(seconds into the run when the write returned, seconds until search found it) of every write."""
    lost_after_reindex: list[str] = field(default_factory=list)
    ingest_lock_waits: list[float] = field(default_factory=list)
    """Seconds each ``skh ingest`` said it waited for another writer."""
    write_log: list[tuple[str, float, float]] = field(default_factory=list)
    """(kind, seconds into the run when it started, seconds it took) of every write."""
    reindex: dict[str, object] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, kind: str, detail: str = "") -> None:
        with self.lock:
            self.errors[kind] += 1
            self.first_errors.setdefault(kind, detail[:300])


def report(results: Results, seconds: float) -> dict[str, object]:
    waits = results.write_waits
    every_wait = results.ingest_lock_waits + waits["publish"]  # a command's start-up is not a wait
    return {
        "seconds": seconds,
        "errors": dict(results.errors),
        "first_errors": results.first_errors,
        "reads": len(results.reads),
        "read_p50_ms": round(percentile(results.reads, 0.50) * 1000, 1),
        "read_p95_ms": round(percentile(results.reads, 0.95) * 1000, 1),
        "slowest_reads": sorted(results.read_log, key=lambda r: -r[1])[:5],
        "writes": {"ingest": len(waits["ingest"]), "publish": len(waits["publish"])},
        "searchable": len(results.searchable),
        "never_searchable": results.never_searchable,
        "lost_after_reindex": results.lost_after_reindex,
        "searchable_p95_s": round(percentile(results.searchable, 0.95), 3),
        "searchable_max_s": round(max(results.searchable, default=0.0), 3),
        "slowest_to_searchable": sorted(results.searchable_log, key=lambda w: -w[1])[:5],
        "longest_write_wait_s": round(max(every_wait, default=0.0), 2),
        "longest_ingest_lock_wait_s": round(max(results.ingest_lock_waits, default=0.0), 2),
        "longest_ingest_s": round(max(waits["ingest"], default=0.0), 2),
        "longest_publish_s": round(max(waits["publish"], default=0.0), 2),
        "median_ingest_s": round(percentile(waits["ingest"], 0.5), 2),
        "median_publish_s": round(percentile(waits["publish"], 0.5), 2),
        "slowest_writes": sorted(results.write_log, key=lambda w: -w[2])[:5],
        "reindex": results.reindex,
    }
