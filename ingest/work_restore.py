"""A trashed document's place in its work, kept so that a restore puts it back there.

Trashing a document takes it out of its work (:func:`ingest.works.forget`: a partner left alone stands
alone again), because a work must never show a member nobody can open. Staff restoring it expect the work
as it was: the PDF back beside its Markdown source, the old edition back under the new one. So trashing
keeps the work's rows as they were (``trash_works``, one row per trashed document, in the same
transaction), and restoring puts the document back in that work with its own version and kind:

* the work still exists (another member kept its id): the document rejoins it;
* the work came apart (its only partner stood alone again): it is made again from those former partners
  that still stand alone;
* a former partner that joined another work meanwhile, or is itself gone, is left where it is: a restore
  never moves a document that staff have placed since. With no partner left, the document stands alone.

Purging forgets the kept rows with the document.
"""

from __future__ import annotations

import json
import sqlite3

from ingest import works

SCHEMA = """
CREATE TABLE IF NOT EXISTS trash_works (
    doc_id TEXT PRIMARY KEY,
    members TEXT NOT NULL
);
"""
"""``members``: the work's ``work_members`` rows when ``doc_id`` was trashed, as JSON lists of
(doc_id, work_id, version, kind, linked_by, linked_at)."""

_COLUMNS = "doc_id, work_id, version, kind, linked_by, linked_at"


def keep(conn: sqlite3.Connection, doc_id: str) -> None:
    """Keep ``doc_id``'s work as it is now (before the trash takes the document out of it)."""
    row = conn.execute("SELECT work_id FROM work_members WHERE doc_id = ?", (doc_id,)).fetchone()
    if row is None:
        return
    members = [list(r) for r in conn.execute(f"SELECT {_COLUMNS} FROM work_members WHERE work_id = ?", row)]
    conn.execute("INSERT OR REPLACE INTO trash_works (doc_id, members) VALUES (?, ?)", (doc_id, json.dumps(members)))


def rejoin(conn: sqlite3.Connection, doc_id: str) -> list[str]:
    """Put the restored ``doc_id`` back in the work it was trashed from (the module docstring says how);
    the former partners it joined again ([] if it stands alone)."""
    row = conn.execute("SELECT members FROM trash_works WHERE doc_id = ?", (doc_id,)).fetchone()
    forget(conn, doc_id)
    if row is None:
        return []
    kept = {member[0]: member for member in json.loads(row[0])}
    own = kept.pop(doc_id, None)
    if own is None or not kept or conn.execute("SELECT 1 FROM work_members WHERE doc_id = ?", (doc_id,)).fetchone():
        return []
    work_id = own[1]
    marks = ",".join("?" * len(kept))
    now = dict(conn.execute(f"SELECT doc_id, work_id FROM work_members WHERE doc_id IN ({marks})", list(kept)))
    live = {r[0] for r in conn.execute(f"SELECT id FROM documents WHERE id IN ({marks})", list(kept))}
    together = [i for i in kept if i in live and now.get(i) == work_id]
    alone = [i for i in kept if i in live and i not in now]
    back = together or alone
    if not back:
        return []
    _insert(conn, [own] if together else [own, *(kept[i] for i in alone)])
    works.touch(conn, work_id)  # a running rebuild's change log hears of every member
    return back


def forget(conn: sqlite3.Connection, doc_id: str) -> None:
    """Forget what was kept for ``doc_id`` (restored, or purged for good)."""
    conn.execute("DELETE FROM trash_works WHERE doc_id = ?", (doc_id,))


def _insert(conn: sqlite3.Connection, members: list[list]) -> None:
    conn.executemany(f"INSERT INTO work_members ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)", members)
