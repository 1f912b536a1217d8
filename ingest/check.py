"""``skh check``: do the catalog, the index and the originals agree?

The catalog is the source of truth; the index and the originals must match it. A check reports one
finding per question (with counts and a few examples) and the figures behind them; ``repair`` fixes
what can be fixed without losing anything: it rebuilds the index from the catalog when the two
disagree (or the index cannot be read, or its schema is not this version's), removes unreferenced
originals past the grace period (:mod:`ingest.orphans`) and a dead background merge's leftovers. A
missing or damaged original, or a damaged catalog, cannot be repaired from the data dir itself: the
check says so, and a backup (``skh restore``) is the way back.

Pending uploads are a web concept: the caller passes the hashes they hold.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Collection
from dataclasses import asdict, dataclass, field

from ingest import works
from ingest.catalog import Catalog
from ingest.datadir import DataDir
from ingest.indexing import reindex
from ingest.orphans import HeldElsewhere, collect_garbage, find_unreferenced
from ingest.store import file_hash, path_for
from search import clear_merge_leftovers, index_state, merge_state, write_lock, write_lock_held

EXAMPLES = 5


@dataclass
class Finding:
    name: str
    ok: bool
    detail: str
    examples: list[str] = field(default_factory=list)


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    figures: dict[str, object] = field(default_factory=dict)
    repaired: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.findings)

    def add(self, name: str, problems: Collection[str], ok_text: str, problem_text: str) -> None:
        """One finding: fine when ``problems`` is empty, else a problem with a few examples."""
        listed = sorted(problems)
        text = ok_text if not listed else problem_text.format(n=len(listed))
        self.findings.append(Finding(name, not listed, text, listed[:EXAMPLES]))

    def as_json(self) -> dict[str, object]:
        return {"ok": self.ok, "findings": [asdict(f) for f in self.findings], **self.figures}


def _catalog_integrity(catalog: Catalog) -> str:
    try:
        rows = catalog.connection().execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return "; ".join(str(r[0]) for r in rows)


def check(
    datadir: DataDir, catalog: Catalog, held: Collection[str], grace_s: float, verify_hashes: bool = True
) -> CheckReport:
    """Compare catalog, index and originals; ``held``: hashes pending uploads hold."""
    report = CheckReport()
    integrity = _catalog_integrity(catalog)
    report.add("catalog", [] if integrity == "ok" else [integrity], "integrity ok", "integrity check failed")

    docs = {row[0]: (row[1], row[2]) for row in catalog.connection().execute("SELECT id, sha256, size FROM documents")}
    state = index_state(datadir.index)
    report.add("index", [state.error] if state.error else [], _describe(state), "cannot be read")
    if not state.error:
        stale = "{n} fields indexed unlike this version's: skh reindex (or check --repair) rebuilds them"
        report.add("schema", state.stale_fields, "as this version builds it", stale)
    counted = Counter(state.ids)
    hidden = works.all_hidden(catalog.connection())  # a work's other formats and versions: not indexed
    missing = set(docs) - hidden - set(counted)
    extra = set(counted) - set(docs)
    twice = {i for i, n in counted.items() if n > 1}
    report.add(
        "catalog→index",
        missing,
        f"all {len(docs) - len(hidden)} documents indexed",
        "{n} documents missing from the index",
    )
    report.add("index→catalog", extra, "no document unknown to the catalog", "{n} indexed documents not in the catalog")
    report.add("index duplicates", twice, "no document indexed twice", "{n} documents indexed more than once")
    unhidden = hidden & set(counted)
    report.add(
        "works", unhidden, f"{len(hidden)} other formats and versions kept out", "{n} works indexed more than once"
    )

    absent, damaged = [], []
    for doc_id, (sha, size) in docs.items():
        path = path_for(datadir.originals, sha)
        try:
            if path.stat().st_size != size or (verify_hashes and file_hash(path) != sha):
                damaged.append(doc_id)
        except FileNotFoundError:
            absent.append(doc_id)
    report.add("originals", absent, "every document's original stored", "{n} documents without their original")
    checked = "hash" if verify_hashes else "size"
    report.add("original contents", damaged, f"every original's {checked} matches", "{n} originals damaged")
    pending_absent = [h for h in held if not path_for(datadir.originals, h).exists()]
    report.add("pending uploads", pending_absent, f"{len(held)} held, all stored", "{n} without their original")

    unref = find_unreferenced(datadir, catalog, held, grace_s)
    young = len(unref.young) + len(unref.leftovers_young)
    note = f" ({young} younger than the grace period, left for now)" if young else ""
    report.add("orphans", unref.old, "no unreferenced original" + note, "{n} unreferenced originals" + note)
    report.add("leftovers", unref.leftovers_old, "no temporary file left", "{n} temporary files left by crashes")

    merges = merge_state(datadir.index)
    stale = ([RESERVATION_NOTE] if merges.stale else []) + merges.leftover_folders
    lock = "held by a writer at work" if write_lock_held(datadir.index) else "free"
    running = ", a background merge running" if merges.running else ""
    report.add("locks", stale, f"write lock {lock}{running}", "a dead background merge's leftovers")

    report.figures = {
        "documents": len(docs),
        "indexed": len(state.ids),
        "generation": state.generation,
        "commit": state.commit,
        "missing_from_index": len(missing),
        "not_in_catalog": len(extra),
        "indexed_twice": len(twice),
        "missing_originals": len(absent),
        "damaged_originals": len(damaged),
        "orphans": len(unref.old),
        "orphans_in_grace": len(unref.young),
        "leftovers": len(unref.leftovers_old),
        "write_lock_held": lock != "free",
    }
    return report


RESERVATION_NOTE = "a stale merge reservation"


def _describe(state) -> str:
    if state.generation is None:
        return "no index built yet"
    return (
        f"generation {state.generation}, commit {state.commit}, {state.segments} segments, "
        f"format {state.format_version} (Whoosh {state.whoosh_release})"
    )


def repair(
    datadir: DataDir, catalog: Catalog, report: CheckReport, held_elsewhere: HeldElsewhere, grace_s: float
) -> list[str]:
    """Fix what ``report`` found that can be fixed; returns what was done, in words."""
    done = []
    broken = {f.name for f in report.findings if not f.ok}
    if broken & {"index", "schema", "catalog→index", "index→catalog", "index duplicates", "works"}:
        done.append(f"rebuilt the index from the catalog ({reindex(datadir, catalog)} documents)")
    collected = collect_garbage(datadir, catalog, held_elsewhere, grace_s)
    if collected.originals or collected.leftovers:
        done.append(f"removed {len(collected.originals)} orphans and {len(collected.leftovers)} temporary files")
    with write_lock(datadir.index):  # no commit starts a background merge meanwhile
        if cleared := clear_merge_leftovers(datadir.index):
            done.append(f"cleared a dead merge's leftovers: {', '.join(cleared)}")
    return done
