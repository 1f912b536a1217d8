"""Open index segments without copying them into memory.

Whoosh memory-maps a compound segment file and then hands each part to
``BufferFile``, which wraps it in ``io.BytesIO``, and ``BytesIO`` copies a
memoryview: opening a searcher reads the whole index into private memory
(380 MB for a 190 MB, 10,000-report index), and every serving process pays it
again. Here each part is read straight from the shared, read-only mapping,
so a searcher costs what it touches, and the page cache is shared between
processes.

Installed on import of :mod:`search.engine.reading.index`, by replacing the
``BufferFile`` name Whoosh's compound storage uses; everything else about
reading is Whoosh's own. Not installed (Whoosh's own class stays) when the
installed Whoosh is not the tested one (:mod:`search.engine.guard`).
"""

from __future__ import annotations

import threading

from whoosh.filedb import compound
from whoosh.filedb.structfile import BufferFile

from search.engine import guard
from search.engine.fallbacks import fell_back


class _ViewReader:
    """The read-only file interface Whoosh uses (read, readline, seek, tell) over a memoryview.

    The read position is kept per thread: request threads share one searcher,
    and Whoosh reads a posting block as ``seek`` then ``read``; with one shared
    position (as ``BytesIO`` has) another thread's ``seek`` in between makes
    it read the wrong bytes.
    """

    __slots__ = ("_view", "_local")

    def __init__(self, view: memoryview):
        self._view = view
        self._local = threading.local()

    @property
    def _pos(self) -> int:
        return getattr(self._local, "pos", 0)

    @_pos.setter
    def _pos(self, value: int) -> None:
        self._local.pos = value

    def read(self, size: int | None = -1) -> bytes:
        start = self._pos
        end = len(self._view) if size is None or size < 0 else min(len(self._view), start + size)
        self._pos = end
        return self._view[start:end].tobytes()

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        view, start = self._view, self._pos
        limit = len(view) if size is None or size < 0 else min(len(view), start + size)
        end = start
        while end < limit:
            end += 1
            if view[end - 1] == 10:  # b"\n"
                break
        self._pos = end
        return view[start:end].tobytes()

    def seek(self, offset: int, whence: int = 0) -> int:
        if whence == 1:
            offset += self._pos
        elif whence == 2:
            offset += len(self._view)
        self._pos = offset
        return offset

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        self._view = memoryview(b"")


class LeanBufferFile(BufferFile):
    def __init__(self, buf, name=None, onclose=None):
        super().__init__(b"", name=name, onclose=onclose)
        self._buf = buf
        self.file = _ViewReader(memoryview(buf))

    def subset(self, position, length, name=None):
        return LeanBufferFile(self._buf[position : position + length], name=name or self._name)


def install() -> None:
    """Have Whoosh's compound storage open segment parts with :class:`LeanBufferFile` when the guard allows it
    (else with its own ``BufferFile``, as stock Whoosh does)."""
    if not guard.fast_paths_allowed():
        compound.BufferFile = BufferFile
        fell_back(__name__, "the installed Whoosh is not the tested one: segments are copied into memory")
    elif not hasattr(compound, "BufferFile"):
        fell_back(__name__, "Whoosh's compound storage has no BufferFile to replace")
    else:
        compound.BufferFile = LeanBufferFile
