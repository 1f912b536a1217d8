"""The limits one file is parsed under, from the environment.

Read when an :class:`ingest.pipeline.Ingestor` is made, not at import, so a
test or an operator can change them per run:

* ``SKH_MAX_FILE_MB`` (50): larger files are refused before they are read.
* ``SKH_PARSE_TIMEOUT_S`` (60): wall-clock seconds one file may take to parse.
* ``SKH_PARSE_MEMORY_MB`` (1024): memory a parser child may use beyond what it
  starts with (its ``RLIMIT_AS`` headroom).
* ``SKH_INGEST_WORKERS`` (one less than the CPUs, at least 1, at most 4): parser
  child processes. The parent needs a core of its own: indexing (Whoosh) is
  the larger share of ingest time (``bench/ingest_bench.py``: ~60% for short
  texts), and on 2 cores a second worker only competed with it (3,000
  generated texts: 88 documents/s with one worker, 67 with two).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

MB = 1024 * 1024


def _number(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    try:
        return float(value) if value else default
    except ValueError:
        return default


def default_workers() -> int:
    """Parser children for a bulk ingest: one per core but the writer's, and at least two.

    The writer (the parent) waits for the children while they fill the first batch and whenever they fall
    behind; a second child on a 2-core machine uses that core then. Measured with
    ``bench/ingest_speed.py --docs 5000``: one child 129-132 documents/s, two 140-149.
    """
    return min(4, max(2, (os.cpu_count() or 2) - 1))


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 50 * MB
    timeout_s: float = 60.0
    memory_mb: int = 1024
    workers: int = 1

    @classmethod
    def from_env(cls) -> Limits:
        return cls(
            max_file_bytes=int(_number("SKH_MAX_FILE_MB", 50) * MB),
            timeout_s=max(0.01, _number("SKH_PARSE_TIMEOUT_S", 60)),
            memory_mb=max(16, int(_number("SKH_PARSE_MEMORY_MB", 1024))),
            workers=max(1, int(_number("SKH_INGEST_WORKERS", default_workers()))),
        )

    def describe_size(self) -> str:
        mb = self.max_file_bytes / MB
        return f"{mb:g} MB"
