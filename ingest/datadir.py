"""Where a deployment keeps its data (``SKH_DATA_DIR``, default ``./var``: ingest's settings)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DataDir:
    root: Path

    @classmethod
    def at(cls, root: str | os.PathLike[str]) -> DataDir:
        return cls(Path(root).resolve())

    @property
    def catalog(self) -> Path:
        return self.root / "catalog.sqlite3"

    @property
    def originals(self) -> Path:
        return self.root / "originals"

    @property
    def index(self) -> Path:
        return self.root / "index"

    def ensure(self) -> DataDir:
        for path in (self.root, self.originals, self.index):
            path.mkdir(parents=True, exist_ok=True)
        return self
