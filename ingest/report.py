"""What happened to each file of an ingest run (the `skh ingest --json` report)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

STATUSES = ("added", "updated", "unchanged", "failed")


@dataclass
class Outcome:
    path: str
    status: str  # added | updated | unchanged | failed
    id: str | None = None
    title: str = ""
    reason: str = ""
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

    @property
    def duplicates(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.duplicate_of]

    def summary(self) -> dict[str, int]:
        return {s: self.count(s) for s in STATUSES}
