"""Refusing ZIP bombs before anything unpacks them.

A DOCX is a ZIP archive, and a few hundred kilobytes of deflated zeros can
claim gigabytes once inflated. The central directory states every member's
compressed and uncompressed size, so the archive can be judged before
python-docx or lxml reads a byte of it. The parser child's memory limit
(:mod:`ingest.sandbox`) stays as the second line of defence for archives whose
directory lies.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from ingest.reasons import ReasonError, reason

MB = 1024 * 1024


@dataclass(frozen=True)
class ZipLimits:
    max_members: int = 5000
    max_total_bytes: int = 256 * MB
    """Sum of the members' uncompressed sizes."""
    max_ratio: float = 100.0
    """Uncompressed / compressed size of one member; Word's XML rarely passes 20."""
    ratio_floor_bytes: int = 2 * MB
    """Members smaller than this are never refused for their ratio (tiny XML compresses well)."""


class UnsafeArchive(ReasonError):
    """The archive would unpack to far more than it looks like; the message says how much."""


def check_archive(data: bytes, limits: ZipLimits = ZipLimits()) -> None:
    """Raise :class:`UnsafeArchive` for a ZIP bomb, ``zipfile.BadZipFile`` for a damaged archive."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
    check_totals(members, limits)
    for member in members:
        check_member(member, limits)


def check_totals(members: list[zipfile.ZipInfo], limits: ZipLimits = ZipLimits()) -> None:
    """The archive as a whole: how many members, how much they unpack to (:class:`UnsafeArchive` if too much)."""
    if len(members) > limits.max_members:
        raise UnsafeArchive(reason("zip_members", members=len(members), limit=limits.max_members))
    total = sum(m.file_size for m in members)
    if total > limits.max_total_bytes:
        raise UnsafeArchive(reason("zip_total", mb=total // MB, limit_mb=limits.max_total_bytes // MB))


def check_member(member: zipfile.ZipInfo, limits: ZipLimits = ZipLimits()) -> None:
    """One member: refused (:class:`UnsafeArchive`) if it inflates far more than documents do. An archive of
    uploads refuses that member and unpacks the rest; a Word file is refused whole."""
    if member.file_size >= limits.ratio_floor_bytes:
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > limits.max_ratio:
            raise UnsafeArchive(
                reason(
                    "zip_ratio",
                    member=member.filename,
                    ratio=round(ratio),
                    packed_kb=member.compress_size // 1024,
                    mb=member.file_size // MB,
                    limit=round(limits.max_ratio),
                )
            )
