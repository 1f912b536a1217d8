"""Works: one report kept as several catalog documents (its formats and its versions), found as one.

The same white paper arrives as a PDF and as its Markdown source, and a revised edition a year later; each
is a document of its own in the catalog (its own original, text and metadata), but a visitor looks for the
work. So documents are grouped in ``work_members``: a row per document that belongs to a work of two or
more, with its version number (formats of one version share it; a new version is the highest plus one).

Only the work's *representative* is in the search index, so results, counts, facets, feeds, suggestions,
related documents and people pages all show one entry per work without the search engine knowing about
works. The representative is chosen from the newest version: the member most widely visible (public before
members before staff), then the preferred format (:data:`FORMAT_PREFERENCE`: the one most people can open
and cite), then the first added. The index entry carries the representative's own visibility, and the pages
list only the members the visitor may see, so a member hidden from a visitor never shows through the work:
a visitor who may not see the representative does not find the work in search at all (an older public
version stays reachable by its address). Safe rather than complete; see docs/architecture.md.

Linking moves one document: a document already in another work leaves it (its former partners stay
together). Every change to a work touches all its members' rows, so the change log a rebuild keeps
(:mod:`ingest.changelog`) records each document whose place in the index may have changed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

KINDS = ("format", "version")
FORMAT_PREFERENCE = ("pdf", "docx", "html", "markdown", "text")
VISIBILITY_ORDER = ("public", "members", "staff")
AUTO = "auto"
"""``linked_by`` of a link that ``skh ingest`` made because the texts agree closely."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS work_members (
    doc_id TEXT PRIMARY KEY,
    work_id TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    kind TEXT NOT NULL DEFAULT 'format',
    linked_by TEXT NOT NULL DEFAULT '',
    linked_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
);
CREATE INDEX IF NOT EXISTS work_members_work ON work_members(work_id);
CREATE TRIGGER IF NOT EXISTS work_members_logged_insert AFTER INSERT ON work_members
    WHEN EXISTS (SELECT 1 FROM rebuild_marks)
    BEGIN INSERT INTO changes (doc_id, op) VALUES (new.doc_id, 'upsert'); END;
CREATE TRIGGER IF NOT EXISTS work_members_logged_update AFTER UPDATE ON work_members
    WHEN EXISTS (SELECT 1 FROM rebuild_marks)
    BEGIN INSERT INTO changes (doc_id, op) VALUES (new.doc_id, 'upsert'); END;
CREATE TRIGGER IF NOT EXISTS work_members_logged_delete AFTER DELETE ON work_members
    WHEN EXISTS (SELECT 1 FROM rebuild_marks)
    BEGIN INSERT INTO changes (doc_id, op) VALUES (old.doc_id, 'upsert'); END;
"""
"""New tables only (``CREATE ... IF NOT EXISTS``): a catalog written before works gets them when opened,
with no document in a work, which is what it had."""

_CHUNK = 500


@dataclass(frozen=True)
class Member:
    doc_id: str
    work_id: str
    version: int
    kind: str
    linked_by: str
    linked_at: str
    format: str
    visibility: str
    added_at: str


def _rank(member: Member) -> tuple:
    fmt = FORMAT_PREFERENCE.index(member.format) if member.format in FORMAT_PREFERENCE else len(FORMAT_PREFERENCE)
    vis = VISIBILITY_ORDER.index(member.visibility) if member.visibility in VISIBILITY_ORDER else 99
    return (-member.version, vis, fmt, member.added_at, member.doc_id)


def representative(members: Iterable[Member]) -> Member:
    """The member the index holds for the work (module docstring)."""
    return min(members, key=_rank)


def ordered(members: Iterable[Member]) -> list[Member]:
    """Newest version first, each version's formats in the order of preference."""
    return sorted(members, key=_rank)


_SELECT = (
    "SELECT m.doc_id, m.work_id, m.version, m.kind, m.linked_by, m.linked_at, d.format, d.visibility, d.added_at "
    "FROM work_members m JOIN documents d ON d.id = m.doc_id "
)


def _members(conn: sqlite3.Connection, work_ids: Iterable[str]) -> dict[str, list[Member]]:
    ids = list(dict.fromkeys(work_ids))
    found: dict[str, list[Member]] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(_SELECT + f"WHERE m.work_id IN ({marks})", chunk):
            found.setdefault(row[1], []).append(Member(*row))
    return found


def work_ids_of(conn: sqlite3.Connection, doc_ids: Iterable[str]) -> dict[str, str]:
    """``{doc_id: work_id}`` of those of ``doc_ids`` that belong to a work."""
    ids = list(dict.fromkeys(doc_ids))
    out: dict[str, str] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        out.update(conn.execute(f"SELECT doc_id, work_id FROM work_members WHERE doc_id IN ({marks})", chunk))
    return out


def work_of(conn: sqlite3.Connection, doc_id: str) -> list[Member]:
    """Every member of the work ``doc_id`` belongs to, newest version first ([] if it stands alone)."""
    work_id = work_ids_of(conn, [doc_id]).get(doc_id)
    return ordered(_members(conn, [work_id]).get(work_id, [])) if work_id else []


def same_version(conn: sqlite3.Connection, doc_id: str) -> list[str]:
    """The documents of ``doc_id``'s version of its work (its formats), itself included; read without the
    documents table, so members saved in the caller's unfinished batch count too."""
    row = conn.execute("SELECT work_id, version FROM work_members WHERE doc_id = ?", (doc_id,)).fetchone()
    if row is None:
        return [doc_id]
    rows = conn.execute("SELECT doc_id FROM work_members WHERE work_id = ? AND version = ?", (row[0], row[1]))
    return [r[0] for r in rows]


@dataclass
class IndexPlan:
    """What the index must hold after a change to some documents: which to put, which to leave out."""

    shown: set[str]
    """Representatives of the works touched (and the touched documents that stand alone)."""
    hidden: set[str]
    """Members that are not their work's representative."""


def plan(conn: sqlite3.Connection, doc_ids: Iterable[str]) -> IndexPlan:
    """For the documents ``doc_ids`` (read in the caller's transaction, after its writes): which of them and of
    their partners the index shows and which it leaves out."""
    ids = list(dict.fromkeys(doc_ids))
    work_ids = work_ids_of(conn, ids)
    result = IndexPlan(shown={i for i in ids if i not in work_ids}, hidden=set())
    for members in _members(conn, work_ids.values()).values():
        head = representative(members)
        result.shown.add(head.doc_id)
        result.hidden.update(m.doc_id for m in members if m.doc_id != head.doc_id)
    return result


def all_hidden(conn: sqlite3.Connection) -> set[str]:
    """Every document that is in a work but not its representative (a rebuild leaves them out)."""
    works: dict[str, list[Member]] = {}
    for row in conn.execute(_SELECT):
        works.setdefault(row[1], []).append(Member(*row))
    return {m.doc_id for members in works.values() for m in members if m is not representative(members)}


def listed_elsewhere(conn: sqlite3.Connection, levels: Iterable[str]) -> set[str]:
    """Members a visitor who sees ``levels`` meets on another member's page first (the work's page for them,
    its ``rel=canonical``): every member visible at ``levels`` but the first of its work in :func:`ordered`
    order. A sitemap leaves them out, so a search engine lists each work once."""
    seen = set(levels)
    by_work: dict[str, list[Member]] = {}
    for row in conn.execute(_SELECT):
        member = Member(*row)
        if member.visibility in seen:
            by_work.setdefault(member.work_id, []).append(member)
    return {m.doc_id for members in by_work.values() for m in ordered(members)[1:]}


def touch(conn: sqlite3.Connection, work_id: str) -> None:
    """Rewrite the work's rows unchanged, so a running rebuild's change log hears of every member."""
    conn.execute("UPDATE work_members SET version = version WHERE work_id = ?", (work_id,))


def _leave(conn: sqlite3.Connection, doc_id: str) -> list[str]:
    """Take ``doc_id`` out of its work; the partners it leaves (a partner left alone stands alone again)."""
    work_id = work_ids_of(conn, [doc_id]).get(doc_id)
    if work_id is None:
        return []
    conn.execute("DELETE FROM work_members WHERE doc_id = ?", (doc_id,))
    rest = [r[0] for r in conn.execute("SELECT doc_id FROM work_members WHERE work_id = ?", (work_id,))]
    if len(rest) == 1:
        conn.execute("DELETE FROM work_members WHERE doc_id = ?", (rest[0],))
    else:
        touch(conn, work_id)
    return rest


def link(conn: sqlite3.Connection, doc_id: str, target_id: str, kind: str, by: str) -> list[str]:
    """Make ``doc_id`` another format of ``target_id``'s version, or its work's newest version (``kind``);
    returns every document whose place in the index may change. Inside the caller's transaction."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    if doc_id == target_id:
        raise ValueError("a document cannot be linked to itself")
    touched = [doc_id, target_id, *_leave(conn, doc_id)]
    row = conn.execute("SELECT work_id, version FROM work_members WHERE doc_id = ?", (target_id,)).fetchone()
    if row is None:
        work_id, version = target_id, 1
        conn.execute(
            "INSERT INTO work_members (doc_id, work_id, version, kind, linked_by) VALUES (?, ?, 1, 'format', ?)",
            (target_id, work_id, by),
        )
    else:
        work_id, version = row[0], row[1]
    if kind == "version":
        version = conn.execute("SELECT max(version) FROM work_members WHERE work_id = ?", (work_id,)).fetchone()[0] + 1
    conn.execute(
        "INSERT INTO work_members (doc_id, work_id, version, kind, linked_by) VALUES (?, ?, ?, ?, ?)",
        (doc_id, work_id, version, kind, by),
    )
    touch(conn, work_id)
    touched += [r[0] for r in conn.execute("SELECT doc_id FROM work_members WHERE work_id = ?", (work_id,))]
    return list(dict.fromkeys(touched))


def unlink(conn: sqlite3.Connection, doc_id: str) -> list[str]:
    """Make ``doc_id`` stand alone again; the documents whose place in the index may change."""
    return [doc_id, *_leave(conn, doc_id)]


def forget(conn: sqlite3.Connection, doc_ids: Iterable[str]) -> list[str]:
    """Deleted documents leave their works; the partners whose place in the index may change."""
    partners: list[str] = []
    for doc_id in doc_ids:
        partners += _leave(conn, doc_id)
    return partners
