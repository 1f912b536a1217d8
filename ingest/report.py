"""What happened to each file of an ingest run (the `skh ingest --json` report)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

STATUSES = ("added", "updated", "unchanged", "failed")
SKIPPED = "skipped"
"""An entry passed over on purpose (a symbolic link not followed, a FIFO, a device): reported with its
reason, but not a failure: ``skh ingest`` still exits 0 when nothing failed."""


@dataclass
class Outcome:
    path: str
    status: str  # added | updated | unchanged | failed | skipped
    id: str | None = None
    title: str = ""
    reason: str = ""
    """Why it failed or was skipped: an :class:`ingest.reasons.Reason` (English, with a code for other languages)."""
    duplicate_of: str | None = None
    """For an unchanged file: the document that already holds its content, when that is another file."""
    format: str = ""
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def summary(self) -> dict[str, int]:
        """Counts per status; "skipped" only when something was skipped (older readers know four keys)."""
        counts = {s: self.count(s) for s in STATUSES}
        if skipped := self.count(SKIPPED):
            counts[SKIPPED] = skipped
        return counts
