"""Stored originals, addressed by the SHA-256 of their bytes.

Content addressing makes storing idempotent (the same bytes are stored once)
and lets a download be checked against the catalog's hash. Files are written
to a temporary name and renamed, so a crash never leaves a partial original
(at worst a ``.tmp-*`` file, which :mod:`ingest.orphans` removes).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

TMP_PREFIX = ".tmp-"
_HASH = re.compile(r"[0-9a-f]{64}")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def path_for(root: Path, sha256: str) -> Path:
    return root / sha256[:2] / sha256


def store(root: Path, data: bytes) -> str:
    """Store ``data`` (if not already there) and return its hash."""
    digest = sha256_of(data)
    target = path_for(root, digest)
    if target.exists():
        return digest
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=TMP_PREFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest


def stored(root: Path) -> Iterator[tuple[str, Path]]:
    """Every original in the store: (hash, path). Anything else in the folders is not an original."""
    if not root.is_dir():
        return
    for folder in sorted(root.iterdir()):
        if folder.is_dir() and len(folder.name) == 2:
            for path in sorted(folder.iterdir()):
                if _HASH.fullmatch(path.name) and path.name.startswith(folder.name):
                    yield path.name, path


def leftovers(root: Path) -> Iterator[Path]:
    """Temporary files of stores that never finished (a killed process leaves them)."""
    if root.is_dir():
        yield from sorted(root.glob(f"*/{TMP_PREFIX}*"))


def file_hash(path: Path) -> str:
    """The SHA-256 of a stored file, read in pieces (an original may be large)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
