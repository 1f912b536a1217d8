"""``skh backup DEST`` and ``skh restore SRC``: a consistent copy of a data dir while the service runs.

A copy holds every SQLite database of the data dir (the catalog; the accounts and pending uploads),
copied with SQLite's online backup (a consistent snapshot while readers and writers go on), the
originals those databases refer to, and ``MANIFEST.json`` (when, which version, counts). The index is
not copied: it is derived from the catalog, and a restore rebuilds it.

Consistency: the databases are copied and the originals linked into a staging folder while the write
lock is held, so no save commits and no original is removed between the snapshot and the files it
refers to. Linking is quick (hard links need the same file system: the staging folder is DEST itself
when it is on the data dir's file system, else a folder inside the data dir, copied to DEST after the
lock is released). Writers wait for the linking; readers and uploads being parked never wait.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from ingest.catalog import Catalog
from ingest.datadir import DataDir
from ingest.indexing import reindex
from ingest.store import path_for, stored
from search import write_lock

MANIFEST = "MANIFEST.json"
FORMAT = 1

HeldIn = Callable[[Path], set[str]]
"""Hashes held outside the catalog, read from the copied databases in a folder (pending uploads)."""


class BackupError(Exception):
    """A backup or restore that cannot be made (the reason is for the operator)."""


@dataclass
class Manifest:
    format: int
    created: str
    skh_version: str
    documents: int
    originals: int
    databases: list[str]

    def write(self, folder: Path) -> None:
        (folder / MANIFEST).write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        try:
            return cls(**json.loads((folder / MANIFEST).read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError) as exc:
            raise BackupError(f"{folder} is not a backup ({MANIFEST}: {exc})") from exc


def _skh_version() -> str:
    try:
        return version("sound-knowledge-hub")
    except PackageNotFoundError:
        return "unknown"


def _copy_database(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent snapshot even while another process writes."""
    target.unlink(missing_ok=True)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def _link_or_copy(source: Path, target: Path) -> None:
    """Originals are never changed in place (a new version is a new name), so a hard link is a copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except FileExistsError:
        pass
    except OSError:
        shutil.copy2(source, target)


def _empty(folder: Path) -> bool:
    return not folder.exists() or not any(p.is_file() for p in folder.rglob("*"))


def backup(datadir: DataDir, dest: Path, held_in: HeldIn) -> Manifest:
    """Copy ``datadir`` to ``dest`` (a new or empty folder); returns the manifest written there."""
    dest = dest.resolve()
    if not _empty(dest):
        raise BackupError(f"{dest} is not empty")
    if dest == datadir.root or datadir.root in dest.parents:
        raise BackupError("the backup cannot go inside the data dir")
    dest.mkdir(parents=True, exist_ok=True)
    same_disk = os.stat(dest).st_dev == os.stat(datadir.root).st_dev
    stage = dest if same_disk else datadir.root / f".backup-{os.getpid()}"
    try:
        manifest = _stage(datadir, stage, held_in)
        if stage != dest:
            shutil.copytree(stage, dest, dirs_exist_ok=True)
    finally:
        if stage != dest:
            shutil.rmtree(stage, ignore_errors=True)
    manifest.write(dest)
    return manifest


def _stage(datadir: DataDir, stage: Path, held_in: HeldIn) -> Manifest:
    databases = sorted(p.name for p in datadir.root.glob("*.sqlite3"))
    with write_lock(datadir.index):
        stage.mkdir(parents=True, exist_ok=True)
        for name in databases:
            _copy_database(datadir.root / name, stage / name)
        catalog = Catalog(stage / datadir.catalog.name)
        wanted = catalog.hashes() | held_in(stage)
        documents = catalog.count()
        copied = 0
        for digest in sorted(wanted):
            source = path_for(datadir.originals, digest)
            if source.exists():  # a pending upload's may be missing; `skh check` reports that
                _link_or_copy(source, path_for(stage / "originals", digest))
                copied += 1
    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return Manifest(FORMAT, created, _skh_version(), documents, copied, databases)


def restore(source: Path, datadir: DataDir, force: bool = False) -> tuple[Manifest, int]:
    """Bring a backup back into ``datadir`` and rebuild the index; returns the manifest and the count indexed.

    A data dir that holds anything is refused unless ``force``, which replaces its databases, originals
    and index. Nothing must be serving from the data dir meanwhile.
    """
    manifest = Manifest.read(source)
    if not force and not _empty(datadir.root):
        raise BackupError(f"{datadir.root} is not empty (--force replaces what it holds)")
    datadir.ensure()
    with write_lock(datadir.index):
        for old in datadir.root.glob("*.sqlite3*"):
            old.unlink()
        shutil.rmtree(datadir.originals, ignore_errors=True)
        for child in datadir.index.iterdir():
            if child.name != "WRITE.lock":
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        datadir.ensure()
        for name in manifest.databases:
            _copy_database(source / name, datadir.root / name)
        restored = 0
        for digest, path in stored(source / "originals"):
            _link_or_copy(path, path_for(datadir.originals, digest))
            restored += 1
        catalog = Catalog(datadir.catalog)
        if catalog.count() != manifest.documents or restored != manifest.originals:
            raise BackupError(
                f"the backup is incomplete: {catalog.count()} documents and {restored} originals, "
                f"the manifest says {manifest.documents} and {manifest.originals}"
            )
        indexed = reindex(datadir, catalog)
    return manifest, indexed
