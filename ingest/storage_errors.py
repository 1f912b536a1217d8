"""Telling a failure of the storage (full disk, read-only file system) from a failure of one document.

A batch that fails to save is retried file by file so one bad document costs only itself
(:mod:`ingest.pipeline`). When the disk is full or the data dir cannot be written, every retry fails
the same way: thousands of failing commits, each a line of noise, for one cause. Such a failure stops
the load once, with that cause, leaving the catalog, the index and the originals as they were.
"""

from __future__ import annotations

import errno
import sqlite3

STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO, errno.EFBIG, errno.EACCES, errno.EPERM})
"""Errors of the file system rather than of a document: no space, quota, read-only, I/O, file size limit,
no permission."""

SQLITE_STORAGE_CODES = frozenset({8, 10, 13})
"""SQLite's READONLY, IOERR and FULL (primary result codes): the catalog's view of the same failures."""


class StorageFailed(Exception):
    """The data dir could not be written; the load stopped and the batch it was saving was not saved."""

    def __init__(self, cause: BaseException, files: int):
        super().__init__(
            f"the data dir could not be written ({describe(cause)}); the load stopped and the last "
            f"{files} files were not saved. Fix the cause and run it again: saved files are skipped as unchanged."
        )
        self.cause = cause


def storage_failure(exc: BaseException) -> BaseException | None:
    """The storage error behind ``exc`` (itself or what it was raised from), or None."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in STORAGE_ERRNOS:
            return current
        code = getattr(current, "sqlite_errorcode", None)
        if isinstance(current, sqlite3.Error) and code is not None and code & 0xFF in SQLITE_STORAGE_CODES:
            return current
        current = current.__cause__ or current.__context__
    return None


def describe(cause: BaseException) -> str:
    if isinstance(cause, OSError) and cause.strerror:
        return f"{cause.strerror}: {cause.filename}" if cause.filename else cause.strerror
    return str(cause)
