"""Originals that no document references: removed when a save orphans them, and by ``skh gc``.

An original may be needed by a catalog document (its ``sha256``) or by an upload waiting for review
(a web concept: its original is stored when it is parked and only the pending row in
``accounts.sqlite3`` refers to it). Ingest cannot see pending uploads, so every removal takes
``held_elsewhere``, a function of the caller's that returns the hashes held outside the catalog. A
caller that cannot say passes None, and then nothing is removed at commit: ``skh gc`` removes it later.

Races. Every removal runs under the index write lock, as does every catalog change and every store of
an ingest (:meth:`ingest.pipeline.Ingestor._save` stores inside the lock), so the catalog cannot gain
a reference while a removal looks. An upload parks outside the lock: it stores the original, parks its
row, then stores again. A removal renames the files aside first, then asks who holds them, then puts
back what is held and deletes the rest: in whatever order the two interleave, a parked upload's
original is either put back or written again by the upload's second store.

Grace. ``skh gc`` leaves unreferenced originals and temporary files younger than the grace period
(``SKH_GC_GRACE_MINUTES``, 60), counted from the file's modification time: a store that does not hold
the lock (an upload being parked) is never raced by gc, whatever the lock discipline of its writer.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ingest.catalog import Catalog
from ingest.datadir import DataDir
from ingest.limits import IngestSettings
from ingest.store import TMP_PREFIX, leftovers, path_for, stored
from search import write_lock

HeldElsewhere = Callable[[], Collection[str]]
"""Hashes of originals referenced outside the catalog (pending uploads)."""

ASIDE = f"{TMP_PREFIX}discard-"
"""A file being removed is first renamed to this prefix (a crash leaves a temporary file gc removes)."""


def gc_grace_seconds() -> float:
    """``SKH_GC_GRACE_MINUTES`` (60): how old an unreferenced file must be before gc removes it."""
    return IngestSettings.from_env().gc_grace_minutes * 60


def _aside(path: Path) -> Path:
    return path.with_name(f"{ASIDE}{path.name}")


def discard(root: Path, hashes: Iterable[str], needed: Callable[[set[str]], set[str]]) -> list[str]:
    """Remove the originals of ``hashes`` except those ``needed`` still wants, asked after they are set
    aside (see the module's note on races). Returns the hashes removed."""
    moved: dict[str, Path] = {}
    for digest in set(hashes):
        path = path_for(root, digest)
        try:
            os.rename(path, _aside(path))
        except FileNotFoundError:
            continue
        moved[digest] = path
    if not moved:
        return []
    keep = needed(set(moved))
    for digest, path in moved.items():
        if digest in keep:
            os.replace(_aside(path), path)  # the same bytes, if it was stored again meanwhile
        else:
            _aside(path).unlink(missing_ok=True)
    return sorted(set(moved) - keep)


def _still_needed(catalog: Catalog, held_elsewhere: HeldElsewhere) -> Callable[[set[str]], set[str]]:
    def needed(candidates: set[str]) -> set[str]:
        held = set(held_elsewhere())
        return {h for h in candidates if h in held or catalog.holds(h)}

    return needed


def release_originals(
    datadir: DataDir, catalog: Catalog, hashes: Iterable[str], held_elsewhere: HeldElsewhere
) -> list[str]:
    """After a save committed (still holding the write lock): remove the originals it stopped referencing
    (an update to other bytes, a deletion) that nothing else references."""
    return discard(datadir.originals, hashes, _still_needed(catalog, held_elsewhere))


def _age(path: Path, now: float) -> float:
    try:
        return now - path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


@dataclass
class Unreferenced:
    """Originals no document or pending upload references, and temporary files: old enough to remove
    (past the grace period) or not yet."""

    old: list[str] = field(default_factory=list)
    young: list[str] = field(default_factory=list)
    leftovers_old: list[str] = field(default_factory=list)
    leftovers_young: list[str] = field(default_factory=list)


def find_unreferenced(datadir: DataDir, catalog: Catalog, held: Collection[str], grace_s: float) -> Unreferenced:
    """What gc would remove now (``old``) and what it leaves for the grace period (``young``)."""
    now, found = time.time(), Unreferenced()
    referenced = catalog.hashes() | set(held)
    for digest, path in stored(datadir.originals):
        if digest not in referenced:
            (found.old if _age(path, now) >= grace_s else found.young).append(digest)
    for path in leftovers(datadir.originals):
        name = str(path.relative_to(datadir.originals))
        (found.leftovers_old if _age(path, now) >= grace_s else found.leftovers_young).append(name)
    return found


@dataclass
class Collected:
    """What one gc removed (hashes of originals, temporary files) and what it left for the grace period."""

    originals: list[str]
    leftovers: list[str]
    kept_young: int

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def collect_garbage(
    datadir: DataDir, catalog: Catalog, held_elsewhere: HeldElsewhere, grace_s: float | None = None
) -> Collected:
    """Remove unreferenced originals and temporary files older than the grace period, under the write
    lock (no ingest is half-way through a batch meanwhile)."""
    grace_s = gc_grace_seconds() if grace_s is None else grace_s
    with write_lock(datadir.index):
        found = find_unreferenced(datadir, catalog, held_elsewhere(), grace_s)
        removed = discard(datadir.originals, found.old, _still_needed(catalog, held_elsewhere))
        gone = []
        for name in found.leftovers_old:
            (datadir.originals / name).unlink(missing_ok=True)
            gone.append(name)
    return Collected(removed, gone, len(found.young) + len(found.leftovers_young))
