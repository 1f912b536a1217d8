"""Stored originals, addressed by the SHA-256 of their bytes.

Content addressing makes storing idempotent (the same bytes are stored once)
and lets a download be checked against the catalog's hash. Files are written
to a temporary name and renamed, so a crash never leaves a partial original.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


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
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest


def load(root: Path, sha256: str) -> bytes:
    return path_for(root, sha256).read_bytes()
