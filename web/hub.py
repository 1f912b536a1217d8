"""The service's parts, wired once: settings, data dir, catalog, taxonomy, searcher pool."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property

from ingest.catalog import Catalog
from ingest.datadir import DataDir
from ingest.pipeline import Ingestor
from ingest.taxonomy import Taxonomy, load_taxonomy
from search import SearcherPool, configure_search, load_glossary
from web.accounts import Accounts
from web.invitations import Invitations
from web.login_throttle import LoginThrottle
from web.rate_limit import RequestCounter
from web.settings import Settings
from web.uploads import PendingUploads


@dataclass
class Hub:
    datadir: DataDir
    catalog: Catalog
    taxonomy: Taxonomy
    pool: SearcherPool = field(repr=False)
    settings: Settings = field(default_factory=Settings, repr=False)

    @classmethod
    def open(
        cls,
        data_dir: str | os.PathLike[str] | None = None,
        taxonomy: str | None = None,
        settings: Settings | None = None,
    ) -> Hub:
        """The hub of ``data_dir`` (default: the settings' ``SKH_DATA_DIR``); without ``settings`` they are
        read from the environment now."""
        settings = settings or Settings.from_env()
        datadir = DataDir.at(data_dir or settings.ingest.data_dir).ensure()
        configure_search(settings.search.limits)
        return cls(
            datadir=datadir,
            catalog=Catalog(datadir.catalog),
            taxonomy=load_taxonomy(taxonomy or settings.ingest.taxonomy),
            pool=SearcherPool(
                datadir.index, memory_mb=settings.search.cache_mb, result_cache=settings.search.result_cache
            ),
            settings=settings,
        )

    @cached_property
    def ingestor(self) -> Ingestor:
        # Pending uploads hold originals too: a save does not remove one that a review still needs.
        return Ingestor(
            self.datadir,
            self.catalog,
            self.taxonomy,
            settings=self.settings.ingest,
            glossary=load_glossary(self.settings.search.glossary),
            held_elsewhere=lambda: self.pending.hashes(),
        )

    @property
    def max_merge_docs(self) -> int:
        """The most documents one person's save may merge in the index (``SKH_INTERACTIVE_MERGE_DOCS``)."""
        return self.settings.ingest.interactive_merge_docs

    @cached_property
    def accounts(self) -> Accounts:
        return Accounts(self.datadir.root / "accounts.sqlite3", self.settings.web.sessions)

    @cached_property
    def invitations(self) -> Invitations:
        return Invitations(self.accounts, self.settings.web.invite_days)

    @cached_property
    def login_throttle(self) -> LoginThrottle:
        return LoginThrottle(self.datadir.root / "accounts.sqlite3", self.settings.web.login)

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
