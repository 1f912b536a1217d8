"""What an operator's check needs to know about the index: small answers, no Whoosh internals elsewhere.

``skh check`` compares the catalog with the index and reports the index's state; these functions are
its view of the index (the ids it holds, its generation, format and schema, whether a writer or a
background merge holds it), and the two safe clean-ups ``--repair`` may make.
"""

from __future__ import annotations

import fcntl
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

from search.engine.reading.index import current_dir, open_generation, segments_of
from search.engine.writing.background_merge import merge_progress
from search.engine.writing.merging import RESERVATION, reservation
from search.schema import build_schema


@dataclass
class IndexState:
    """The live index as a check sees it; ``error`` says why it could not be read (then nothing else is known)."""

    generation: str | None = None
    """The live generation's folder (``CURRENT``), None when no index was built yet."""
    commit: int = -1
    """Whoosh's table-of-contents generation: one more per commit."""
    format_version: int | None = None
    whoosh_release: str = ""
    stale_fields: list[str] = field(default_factory=list)
    """Fields the index has, lacks or analyses unlike this version's schema (``skh reindex`` rebuilds it with
    this version's): an index built before Danish compounds were split lists the Danish text fields."""
    segments: int = 0
    ids: list[str] = field(default_factory=list)
    """Every live (not deleted) document's id, with repeats if a document is in the index twice."""
    error: str = ""

    def as_json(self, with_ids: bool = False) -> dict[str, object]:
        data = asdict(self)
        if not with_ids:
            data.pop("ids")
        return data


def _fields(schema) -> dict[str, tuple[str, ...]]:
    """Each field's type and, for a text field, the kinds of its analysis steps in order.

    The schema an index was created with is pickled in it, and documents added to that index later are
    analysed by it, not by the code's: a step this version adds (:class:`search.decompound.CompoundParts`)
    reaches an existing index only by a rebuild, so a check must see that it is missing.
    """
    found = {}
    for name in schema.names():
        steps = getattr(getattr(schema[name], "analyzer", None), "items", ())
        found[name] = (type(schema[name]).__name__, *(type(step).__name__ for step in steps))
    return found


def index_state(base: Path) -> IndexState:
    """Read the live index: generation, format, schema and every document's id."""
    folder = current_dir(base)
    state = IndexState(generation=folder.name if folder else None)
    if folder is None:
        return state
    try:
        ix = open_generation(folder)
        state.commit, state.format_version = ix.latest_generation(), ix.version
        state.whoosh_release = ".".join(str(n) for n in ix.release)
        found, built = _fields(ix.schema), _fields(build_schema())
        state.stale_fields = sorted(name for name in found.keys() | built.keys() if found.get(name) != built.get(name))
        with ix.reader() as reader:
            state.segments = len(segments_of(ix))
            state.ids = [fields["id"] for _docnum, fields in reader.iter_docs()]
    except Exception as exc:  # noqa: BLE001 - an unreadable index is what the check reports
        state.error = f"{exc.__class__.__name__}: {exc}"
    return state


def write_lock_held(base: Path) -> bool:
    """Whether a writer (an ingest, an upload's save, a rebuild) holds the write lock right now.

    The lock is an ``flock``, which the kernel releases when its holder dies, so a lock held is a
    writer alive: never a crash's leftover to clear.
    """
    path = base / "WRITE.lock"
    if not path.exists():
        return False
    with open(path, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


@dataclass
class MergeState:
    """A background merge's reservation in the live generation: ``running`` (its owner lives) or ``stale``
    (its owner died), the merging process and how far it got, and the temporary files merges left."""

    running: bool = False
    stale: bool = False
    leftover_folders: list[str] = field(default_factory=list)
    """A dead merge's temporary folders and progress files (names starting ``.merge-``)."""
    merging_pid: int | None = None
    phase: str = ""
    """``started``, ``writing`` or ``written`` (:mod:`search.engine.writing.background_merge`)."""


def merge_state(base: Path) -> MergeState:
    folder = current_dir(base)
    if folder is None:
        return MergeState()
    running = reservation(folder) is not None
    stale = not running and (folder / RESERVATION).exists()
    leftovers = [] if running else sorted(p.name for p in folder.glob(".merge-*"))
    progress = merge_progress(folder) if running else None
    if progress is None:
        return MergeState(running, stale, leftovers)
    return MergeState(running, stale, leftovers, progress.pid, progress.phase)


def clear_merge_leftovers(base: Path) -> list[str]:
    """Remove a dead merge's reservation and temporary folders (never a running merge's); returns names.

    The segment files a dead merge wrote are not in the table of contents: the next commit removes them.
    """
    folder = current_dir(base)
    state = merge_state(base)
    if folder is None or state.running:
        return []
    removed = []
    if state.stale and reservation(folder) is None:
        (folder / RESERVATION).unlink(missing_ok=True)
        removed.append(RESERVATION)
    for name in state.leftover_folders:
        if (folder / name).is_dir():
            shutil.rmtree(folder / name, ignore_errors=True)
        else:
            (folder / name).unlink(missing_ok=True)
        removed.append(name)
    return removed
