"""Ingest's settings: the limits one file is parsed under, where the data lives, how loads commit.

:class:`IngestSettings` is ingest's section of the service's settings
(``web.settings.Settings``, read once when the app or a command starts). An
:class:`ingest.pipeline.Ingestor` made without settings reads them from the
environment when it is made, not at import, so a test or an operator can
change them per run. A missing or malformed number keeps the default.

* ``SKH_MAX_FILE_MB`` (50): larger files are refused before they are read.
* ``SKH_PARSE_TIMEOUT_S`` (60): wall-clock seconds one file may take to parse.
* ``SKH_PARSE_MEMORY_MB`` (1024): memory a parser child may use beyond what it
  starts with (its ``RLIMIT_AS`` headroom).
* ``SKH_INGEST_WORKERS`` (one less than the CPUs, at least 2, at most 4): parser
  child processes (:func:`default_workers`).

The rest are listed, with their meaning, in ``docs/configuration.md``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from search import INTERACTIVE_MERGE_DOCS, MIN_BACKGROUND_DOCS

MB = 1024 * 1024

BATCH_DOCUMENTS = 2500
"""Documents per catalog transaction and index commit. A commit writes one index segment, whose cost grows
with its distinct terms more than with its documents (1,000 reports: 71 terms per report; 2,500: about 35),
and fewer segments mean fewer merges: 10,000 reports went in at 69 documents/s in batches of 2,500 against 47
in batches of 1,000 (``bench/ingest_speed.py``, noisy). The postings of a batch are held in memory up to the
writer's ``limitmb`` (512 MB), past which they spill to disk as before."""


def env_number(name: str, default: float, env: Mapping[str, str] | None = None) -> float:
    """The number in environment variable ``name``, or ``default`` when it is unset or not a number."""
    value = (os.environ if env is None else env).get(name, "").strip()
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
    def from_env(cls, env: Mapping[str, str] | None = None) -> Limits:
        return cls(
            max_file_bytes=int(env_number("SKH_MAX_FILE_MB", 50, env) * MB),
            timeout_s=max(0.01, env_number("SKH_PARSE_TIMEOUT_S", 60, env)),
            memory_mb=max(16, int(env_number("SKH_PARSE_MEMORY_MB", 1024, env))),
            workers=max(1, int(env_number("SKH_INGEST_WORKERS", default_workers(), env))),
        )


@dataclass(frozen=True)
class IngestSettings:
    """Ingest's section of the settings; each field names its environment variable."""

    parse: Limits = field(default_factory=Limits)
    """``SKH_MAX_FILE_MB``, ``SKH_PARSE_TIMEOUT_S``, ``SKH_PARSE_MEMORY_MB``, ``SKH_INGEST_WORKERS``."""
    data_dir: str = "var"
    """``SKH_DATA_DIR``: where the catalog, the originals and the index live."""
    taxonomy: str = ""
    """``SKH_TAXONOMY``: the strength areas' file ("": the ``corpus/areas.toml`` shipped with the code)."""
    batch_docs: int = BATCH_DOCUMENTS
    """``SKH_INGEST_BATCH_DOCS``: documents per commit of a bulk load."""
    interactive_merge_docs: int = INTERACTIVE_MERGE_DOCS
    """``SKH_INTERACTIVE_MERGE_DOCS``: the most documents one person's save may merge in the index."""
    background_merge_docs: int = MIN_BACKGROUND_DOCS
    """``SKH_BACKGROUND_MERGE_DOCS``: a bulk load's merges of at least this many documents are written by
    another process while the load goes on; 0 merges in the commits."""
    gc_grace_minutes: float = 60.0
    """``SKH_GC_GRACE_MINUTES``: how old an unreferenced original must be before ``skh gc`` removes it."""
    trash_days: float = 30.0
    """``SKH_TRASH_DAYS``: how long a trashed document can be restored before it is purged with its original."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> IngestSettings:
        env = os.environ if env is None else env
        return cls(
            parse=Limits.from_env(env),
            data_dir=env.get("SKH_DATA_DIR") or "var",
            taxonomy=env.get("SKH_TAXONOMY") or "",
            batch_docs=max(1, int(env_number("SKH_INGEST_BATCH_DOCS", BATCH_DOCUMENTS, env))),
            interactive_merge_docs=max(0, int(env_number("SKH_INTERACTIVE_MERGE_DOCS", INTERACTIVE_MERGE_DOCS, env))),
            background_merge_docs=max(0, int(env_number("SKH_BACKGROUND_MERGE_DOCS", MIN_BACKGROUND_DOCS, env))),
            gc_grace_minutes=max(0.0, env_number("SKH_GC_GRACE_MINUTES", 60, env)),
            trash_days=max(0.0, env_number("SKH_TRASH_DAYS", 30, env)),
        )
