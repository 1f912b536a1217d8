"""The limits one file is parsed under, from the environment.

Read when an :class:`ingest.pipeline.Ingestor` is made, not at import, so a
test or an operator can change them per run:

* ``SKH_MAX_FILE_MB`` (50): larger files are refused before they are read.
* ``SKH_PARSE_TIMEOUT_S`` (60): wall-clock seconds one file may take to parse.
* ``SKH_PARSE_MEMORY_MB`` (1024): memory a parser child may use beyond what it
  starts with (its ``RLIMIT_AS`` headroom).
* ``SKH_INGEST_WORKERS`` (one less than the CPUs, at least 2, at most 4): parser
  child processes (:func:`default_workers`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

MB = 1024 * 1024


def env_number(name: str, default: float) -> float:
    """The number in environment variable ``name``, or ``default`` when it is unset or not a number."""
    value = os.environ.get(name, "").strip()
    try:
        return float(value) if value else default
    except ValueError:
        return default


def default_workers() -> int:
    """Parser children for a bulk ingest: one per core but the writer's, and at least two.

    The writer (the parent) needs a core of its own: indexing is the larger share of ingest time. But it
    waits for the children while they fill the first batch and whenever they fall behind, and a second
    child on a 2-core machine uses that core then. With 900-word reports (``bench/ingest_speed.py
    --docs 5000``) one child gave 129-132 documents/s, two 140-149. (An older parent, which committed less
    often and analysed more slowly, measured the opposite on short texts: 88 with one, 67 with two.)
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
            max_file_bytes=int(env_number("SKH_MAX_FILE_MB", 50) * MB),
            timeout_s=max(0.01, env_number("SKH_PARSE_TIMEOUT_S", 60)),
            memory_mb=max(16, int(env_number("SKH_PARSE_MEMORY_MB", 1024))),
            workers=max(1, int(env_number("SKH_INGEST_WORKERS", default_workers()))),
        )

    def describe_size(self) -> str:
        mb = self.max_file_bytes / MB
        return f"{mb:g} MB"
