"""Whether the installed Whoosh is the one the engine was tested with, and what the engine does if not.

The engine reads and writes Whoosh's files by hand: it writes segments
(:mod:`search.engine.writing.segment_writer`), reads posting blocks into
arrays and scores them (:mod:`search.engine.scoring`), and swaps a class
inside Whoosh's compound storage (:mod:`search.engine.format.lean_files`).
All of that relies on Whoosh internals of one release, :data:`TESTED`. The
``whoosh`` module can come from another release, or from another
distribution altogether (the original ``Whoosh`` installs the same module
name), so the first use of the engine compares the installed distribution
and version with :data:`TESTED`. On a match nothing changes. On a mismatch
an ERROR names both, and:

* searches are evaluated by Whoosh's own, slower matchers:
  :func:`fast_paths_allowed` is False, which the scorer choice
  (:mod:`search.searching`) and :func:`search.engine.format.lean_files.install`
  consult. The answers are the same, only slower, so the service keeps
  serving;
* index writing is refused with :class:`UntestedWhoosh`, which says what
  is installed, what is tested and how to install it. Our writer writes
  Whoosh's files itself, and an untested Whoosh might read or write them
  differently: a write could leave an index that one of the two cannot
  read. The index is derived from the catalog and rebuilt by
  ``skh reindex``, so refusing writes until the tested version is installed
  loses nothing.

Upgrading Whoosh: change :data:`TESTED` together with the pin in
``pyproject.toml``, and only once the tests that compare our written files
with Whoosh's own byte for byte pass with the new release:
``tests/test_fastterms.py::test_an_index_built_fast_is_the_index_whoosh_builds``
and ``tests/test_fastterms.py::test_documents_added_after_a_merged_segment_keep_their_order``
(and ``tests/test_fastscore.py``, which compares our scores with Whoosh's).
"""

from __future__ import annotations

import importlib.metadata
import logging
import re
import threading
from dataclasses import dataclass

log = logging.getLogger("search.engine")


@dataclass(frozen=True)
class Release:
    """A distribution that provides the ``whoosh`` module, and its version."""

    distribution: str
    version: str

    def __str__(self) -> str:
        return f"{self.distribution} {self.version}".strip()

    def same_as(self, other: Release) -> bool:
        """Equal by version and by distribution name as pip compares them (case, ``-``, ``_`` and ``.`` aside)."""
        return _normalised(self.distribution) == _normalised(other.distribution) and self.version == other.version


TESTED = Release("Whoosh-Reloaded", "2.7.5")
"""The one Whoosh the engine is tested with; ``pyproject.toml`` pins the same (``whoosh-reloaded==2.7.5``)."""

FIX = f"pip install {TESTED.distribution.lower()}=={TESTED.version}"


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed() -> Release:
    """The distribution that provides the ``whoosh`` module, as installed in this environment.

    More than one (``Whoosh`` and ``Whoosh-Reloaded`` both installed, one
    overwriting the other's files) or none known is reported as such, and
    is never the tested release.
    """
    names = sorted(set(importlib.metadata.packages_distributions().get("whoosh", [])))
    if len(names) != 1:
        return Release(" and ".join(names) or "an unknown distribution", "")
    return Release(names[0], importlib.metadata.version(names[0]))


@dataclass(frozen=True)
class Verdict:
    """The outcome of one comparison of the installed Whoosh with :data:`TESTED`."""

    installed: Release
    tested: Release = TESTED

    @property
    def tested_release(self) -> bool:
        return self.installed.same_as(self.tested)

    def message(self) -> str:
        return (
            f"Whoosh {self.installed} is installed, but this engine is tested with {self.tested} only; "
            f"searches use Whoosh's own slower evaluation and index writing is refused until `{FIX}`"
        )


class UntestedWhoosh(RuntimeError):
    """Index writing was refused: the installed Whoosh is not the tested one; nothing was written."""

    def __init__(self, verdict: Verdict):
        super().__init__(
            f"index writing refused: Whoosh {verdict.installed} is installed, but the index writer is tested "
            f"with {verdict.tested} only. Install the tested version: {FIX}"
        )
        self.verdict = verdict


_verdict: Verdict | None = None
_lock = threading.Lock()


def check(release: Release | None = None) -> Verdict:
    """Compare ``release`` (by default the installed one) with :data:`TESTED` and act on the outcome from now on.

    Logs an ERROR on a mismatch. Called once on the engine's first use; a
    caller that knows the installed release better (or a test) passes it.
    """
    global _verdict
    verdict = Verdict(release if release is not None else installed())
    if not verdict.tested_release:
        log.error("%s", verdict.message())
    with _lock:
        _verdict = verdict
    return verdict


def verdict() -> Verdict:
    """The current verdict (checked on first use)."""
    found = _verdict
    return found if found is not None else check()


def fast_paths_allowed() -> bool:
    """True when the engine may use its own ways of reading and scoring Whoosh's files."""
    return verdict().tested_release


def refuse_untested_writes() -> None:
    """Raise :class:`UntestedWhoosh` unless the installed Whoosh is the tested one."""
    found = verdict()
    if not found.tested_release:
        raise UntestedWhoosh(found)
