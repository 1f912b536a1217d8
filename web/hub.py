"""The service's parts, wired once: data dir, catalog, taxonomy, searcher pool."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property

from ingest.catalog import Catalog
from ingest.datadir import DataDir
from ingest.pipeline import Ingestor
from ingest.taxonomy import Taxonomy, load_taxonomy
from search.engine.reading.searcher import SearcherPool
from web.accounts import Accounts
from web.login_throttle import LoginThrottle
from web.rate_limit import RequestCounter
from web.uploads import PendingUploads


@dataclass
class Hub:
    datadir: DataDir
    catalog: Catalog
    taxonomy: Taxonomy
    pool: SearcherPool = field(repr=False)

    @classmethod
    def open(cls, data_dir: str | os.PathLike[str] | None = None, taxonomy: str | None = None) -> Hub:
        datadir = DataDir.from_env(data_dir).ensure()
        return cls(
            datadir=datadir,
            catalog=Catalog(datadir.catalog),
            taxonomy=load_taxonomy(taxonomy),
            pool=SearcherPool(datadir.index),
        )

    @cached_property
    def ingestor(self) -> Ingestor:
        # Pending uploads hold originals too: a save does not remove one that a review still needs.
        return Ingestor(self.datadir, self.catalog, self.taxonomy, held_elsewhere=lambda: self.pending.hashes())

    @cached_property
    def accounts(self) -> Accounts:
        return Accounts(self.datadir.root / "accounts.sqlite3")

    @cached_property
    def login_throttle(self) -> LoginThrottle:
        return LoginThrottle(self.datadir.root / "accounts.sqlite3")

    @cached_property
    def request_counts(self) -> RequestCounter:
        # A file of its own: a count per request must never wait on the accounts database.
        return RequestCounter(self.datadir.root / "ratelimit.sqlite3")

    @cached_property
    def pending(self) -> PendingUploads:
        return PendingUploads(self.datadir.root / "accounts.sqlite3")


def get_hub() -> Hub:
    """The hub of the app handling the current request (set by :func:`web.app.create_app`)."""
    from flask import current_app

    return current_app.extensions["hub"]
