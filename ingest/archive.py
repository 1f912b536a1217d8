"""The documents in an uploaded ZIP archive, each with its bytes or the reason it was not unpacked.

Staff upload a folder of reports as one ZIP. The archive is judged before anything is inflated, with the
same limits a Word file is (:mod:`ingest.zipsafety`): too many members or too much in all refuses the whole
archive; one member that inflates like a bomb, is larger than one file may be (``SKH_MAX_FILE_MB``, as for
``skh ingest``), names a path outside the archive's folder ("../../etc/x", "/etc/x", "C:\\\\x"), is a link or is
encrypted is refused alone, and the rest are unpacked. Reading a member stops one byte past the file limit,
so an archive whose directory lies about sizes costs no more than that.
"""

from __future__ import annotations

import io
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from ingest.limits import MB
from ingest.reasons import Reason, reason
from ingest.zipsafety import UnsafeArchive, ZipLimits, check_member, check_totals


@dataclass
class Member:
    """One file of the archive: its name (the path inside the archive) and bytes, or why it was refused."""

    name: str
    data: bytes | None = None
    reason: Reason | None = None


class RefusedArchive(ValueError):
    """The whole archive is refused (damaged, or a ZIP bomb as a whole); the message is a :class:`Reason`."""


def batch_full(limit: int) -> Reason:
    """Why a file (or an archive's member) beyond a bulk upload's file limit was not taken."""
    return reason("batch_full", limit=limit)


def is_archive_name(filename: str) -> bool:
    return filename.lower().endswith(".zip")


def _outside(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return path.is_absolute() or ".." in path.parts or (len(name) > 1 and name[1] == ":")


def _refusal(info: zipfile.ZipInfo, max_file_bytes: int, limits: ZipLimits) -> Reason | None:
    if _outside(info.filename):
        return reason("zip_path", member=info.filename)
    if stat.S_ISLNK(info.external_attr >> 16):
        return reason("zip_link", member=info.filename)
    if info.flag_bits & 0x1:
        return reason("zip_encrypted", member=info.filename)
    try:
        check_member(info, limits)
    except UnsafeArchive as exc:
        return exc.reason
    if info.file_size > max_file_bytes:
        return reason("too_large_bytes", mb=max_file_bytes / MB, bytes=info.file_size)
    return None


def unpack(data: bytes, max_file_bytes: int, limits: ZipLimits | None = None) -> Iterator[Member]:
    """Each file of the archive (folders are passed over), in the archive's order.

    Raises :class:`RefusedArchive` before yielding anything if the archive as a whole is refused."""
    limits = limits or ZipLimits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zlib.error, ValueError) as exc:
        raise RefusedArchive(reason("zip_damaged")) from exc
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        try:
            check_totals(infos, limits)
        except UnsafeArchive as exc:
            raise RefusedArchive(exc.reason) from exc
        for info in infos:
            name = info.filename[:255]
            refused = _refusal(info, max_file_bytes, limits)
            if refused is not None:
                yield Member(name, reason=refused)
                continue
            try:
                with archive.open(info) as handle:
                    content = handle.read(max_file_bytes + 1)
            except (zipfile.BadZipFile, zlib.error, OSError, NotImplementedError, RuntimeError) as exc:
                yield Member(name, reason=reason("zip_member_damaged", member=name, error=str(exc)[:120]))
                continue
            if len(content) > max_file_bytes:  # the directory understated it
                yield Member(name, reason=reason("too_large", mb=max_file_bytes / MB))
                continue
            yield Member(name, data=content)
