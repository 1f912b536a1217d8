"""Which files an ingest reads: the files named, and the regular files inside the folders named.

An ingest stays inside what it was given. Without ``follow_symlinks`` a symbolic link inside a folder
is not followed at all: a link out of the folder is how ``ln -s /etc/passwd docs/x.txt`` would publish a
system file, and a link that stays inside points at something the walk reaches under its own name anyway.
With ``follow_symlinks`` (the operator's explicit choice) links are followed wherever they point.

Nothing that is not a regular file or a folder is ever opened: opening a FIFO waits for a writer forever,
and devices and sockets are not documents. Every entry passed over for such a reason (a link not
followed, a loop, a broken link, a FIFO, a device, a socket, a folder that cannot be read) comes back as
a :class:`Skipped` with the reason, so the report lists it instead of dropping it without a word.

A path named on the command line is the operator's own choice: a link named there is followed, and a
folder reached through it is walked like any folder named.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest.explicit import is_metadata_file
from ingest.reasons import Reason, reason

SKIP_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}
"""Files the operating systems leave in folders; passed over without a word, like hidden files."""


@dataclass(frozen=True)
class Skipped:
    """An entry the walk passed over; ``status`` is "skipped" (on purpose) or "failed" (could not look)."""

    path: Path
    reason: Reason
    status: str = "skipped"


Entry = Path | Skipped


def _special(mode: int) -> Reason:
    """Why a file that is neither a regular file nor a folder is not opened, saying what it is."""
    if stat.S_ISFIFO(mode):
        return reason("fifo")
    if stat.S_ISCHR(mode):
        return reason("char_device")
    if stat.S_ISBLK(mode):
        return reason("block_device")
    if stat.S_ISSOCK(mode):
        return reason("socket")
    return reason("not_regular")


def _not_followed(path: Path) -> Reason:
    """Why a link is not followed, saying where it points (the operator decides whether to follow it)."""
    try:
        target = path.resolve(strict=True)
    except RuntimeError:  # Python 3.11 reports a loop this way
        return reason("link_loop")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return reason("link_loop")
        return reason("link_broken", target=os.readlink(path))
    return reason("link_not_followed", target=str(target))


def _ignored(name: str) -> bool:
    return name.startswith(".") or name in SKIP_NAMES


def _folder(folder: Path, follow: bool, ancestors: frozenset[tuple[int, int]]) -> Iterator[Entry]:
    try:
        with os.scandir(folder) as found:
            entries = sorted(found, key=lambda e: e.name)
    except OSError as exc:
        yield Skipped(folder, reason("folder_unreadable", error=str(exc.strerror or exc)), "failed")
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            is_link = entry.is_symlink()
            if is_link and not follow:
                if not _ignored(entry.name):
                    yield Skipped(path, _not_followed(path))
                continue
            info = path.stat() if is_link else entry.stat(follow_symlinks=False)
        except (OSError, RuntimeError) as exc:
            loop = isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP
            yield Skipped(path, reason("link_loop_found") if loop else reason("cannot_look", error=str(exc)))
            continue
        if stat.S_ISDIR(info.st_mode):
            key = (info.st_dev, info.st_ino)
            if key in ancestors:
                yield Skipped(path, reason("folder_loop"))
            else:
                yield from _folder(path, follow, ancestors | {key})
        elif _ignored(entry.name):
            continue
        elif stat.S_ISREG(info.st_mode):
            if not is_metadata_file(path):
                yield path
        else:
            yield Skipped(path, _special(info.st_mode))


def _named(path: Path, follow: bool) -> Iterator[Entry]:
    try:
        info = path.stat()  # a link named on the command line is followed: the operator named it
    except FileNotFoundError:
        yield path  # reading it reports the failure, as for a file that vanished
        return
    except (OSError, RuntimeError) as exc:
        yield Skipped(path, reason("cannot_look", error=str(exc)), "failed")
        return
    if stat.S_ISDIR(info.st_mode):
        entries = _folder(path, follow, frozenset({(info.st_dev, info.st_ino)}))
        yield from sorted(entries, key=lambda e: e.path if isinstance(e, Skipped) else e)
    elif stat.S_ISREG(info.st_mode):
        yield path
    else:
        yield Skipped(path, _special(info.st_mode))


def iter_files(paths: Iterable[Path], follow_symlinks: bool = False) -> Iterator[Entry]:
    """The files to ingest, in order, and a :class:`Skipped` for each entry passed over.

    A folder's entries come sorted by path (as ``sorted(folder.rglob("*"))`` would give them); hidden
    files, the operating systems' litter, sidecars and manifests are left out without a word.
    """
    for path in paths:
        yield from _named(Path(path), follow_symlinks)
