"""Where the index lives on disk, and switching to a rebuilt one.

The index folder holds one sub-folder per *generation* and a small ``CURRENT``
file naming the live one. A rebuild writes a new generation next to the live
one and then replaces ``CURRENT`` atomically, so readers never see a half-built
index and a failed rebuild leaves the old one serving.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.codec.base import Segment
from whoosh.fields import Schema
from whoosh.index import FileIndex

from search.engine.format import lean_files

lean_files.install()

CURRENT = "CURRENT"

_schema: Callable[[], Schema] | None = None


def use_schema(factory: Callable[[], Schema]) -> None:
    """Name the schema a new, empty index is created with.

    The engine stores and reads any schema; which fields this service's index
    has is the search layer's decision (:mod:`search.schema`), handed down
    once, when the ``search`` package is imported, rather than imported
    upwards by the engine.
    """
    global _schema
    _schema = factory


def current_dir(base: Path) -> Path | None:
    """The live generation's folder, or None when no index was built yet."""
    try:
        name = (base / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    path = base / name
    return path if name and path.is_dir() else None


def new_generation(base: Path) -> Path:
    """Create an empty index in a fresh generation folder (not yet live)."""
    base.mkdir(parents=True, exist_ok=True)
    name = f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"
    path = base / name
    path.mkdir()
    if _schema is None:
        raise RuntimeError("no schema for a new index: the search package names it (index.use_schema)")
    whoosh_index.create_in(str(path), _schema())
    return path


def make_live(base: Path, generation: Path) -> None:
    """Point ``CURRENT`` at ``generation`` and drop all but the previous one.

    The previous generation is kept because a searcher opened just before the
    swap may still be reading it.
    """
    previous = current_dir(base)
    tmp = base / f"{CURRENT}.tmp"
    tmp.write_text(generation.name, encoding="utf-8")
    os.replace(tmp, base / CURRENT)
    keep = {generation.name} | ({previous.name} if previous else set())
    for child in base.iterdir():
        if child.is_dir() and child.name.startswith("gen-") and child.name not in keep:
            shutil.rmtree(child, ignore_errors=True)


def open_index(base: Path) -> FileIndex:
    """Open the live index, creating an empty one on first use."""
    path = current_dir(base)
    if path is None:
        path = new_generation(base)
        make_live(base, path)
    return open_generation(path)


def open_generation(folder: Path) -> FileIndex:
    """Open the index in one generation folder as it is (nothing is created)."""
    return whoosh_index.open_dir(str(folder))


def segments_of(ix: FileIndex) -> list[Segment]:
    """The segments in ``ix``'s table of contents (Whoosh offers them only under a private name)."""
    return list(ix._segments())
