"""The operator's ``skh`` commands for the data dir itself: ``gc``, ``check``, ``backup``, ``restore``,
``restructure``, ``purge-trash``.

They live beside :mod:`web.cli` (registered on its ``main`` group) and are thin: the work is in
:mod:`ingest.orphans`, :mod:`ingest.check`, :mod:`ingest.backup` and :mod:`ingest.restructure`. This
layer adds what only the web knows: pending uploads, which hold originals no document references yet, and
expire.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ingest.backup import BackupError, backup, restore
from ingest.check import check, repair
from ingest.datadir import DataDir
from ingest.orphans import collect_garbage
from ingest.restructure import restructure
from web.batches import KEPT_DAYS
from web.hub import Hub
from web.settings import Settings
from web.trash_expiry import purge
from web.uploads import PendingUploads

GRACE_HELP = "Leave unreferenced files younger than this (default: SKH_GC_GRACE_MINUTES, 60)."


def read_settings() -> Settings:
    """The settings, read from the environment once as the command starts (kept on click's context, so
    every part of one command sees the same); a malformed one is a clean error naming it."""
    root = click.get_current_context().find_root()
    if not isinstance(root.obj, Settings):
        try:
            root.obj = Settings.from_env()
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
    return root.obj


def open_hub(settings: Settings | None = None) -> Hub:
    """The data dir's hub, or a clean error (exit 1) when it cannot be opened."""
    try:
        return Hub.open(settings=settings or read_settings())
    except (OSError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc


def _grace(minutes: float | None) -> float:
    return max(0.0, read_settings().ingest.gc_grace_minutes if minutes is None else minutes) * 60


def _pending_in(root: Path) -> set[str]:
    return PendingUploads(root / "accounts.sqlite3").hashes()


@click.command()
@click.option("--grace-minutes", type=float, default=None, help=GRACE_HELP)
@click.option("--json", "as_json", is_flag=True)
def gc(grace_minutes: float | None, as_json: bool) -> None:
    """Expire abandoned reviews and old batch pages, then remove originals nothing references and crashes'
    temporary files."""
    hub = open_hub()
    expired = hub.pending.expire()
    batches = hub.batches.forget_older_than(KEPT_DAYS)
    collected = collect_garbage(hub.datadir, hub.catalog, hub.pending.hashes, _grace(grace_minutes))
    if as_json:
        click.echo(json.dumps({"expired_reviews": expired, "old_batches": batches, **collected.as_json()}, indent=2))
        return
    for digest in collected.originals:
        click.echo(f"removed original {digest}")
    for name in collected.leftovers:
        click.echo(f"removed temporary file {name}")
    click.echo(
        f"{expired} abandoned reviews expired, {len(collected.originals)} orphans and "
        f"{len(collected.leftovers)} temporary files removed, {collected.kept_young} left for the grace period; "
        f"{batches} upload batch pages older than {KEPT_DAYS} days forgotten"
    )


@click.command("check")
@click.option("--repair", "fix", is_flag=True, help="Rebuild the index if it disagrees, run gc, clear leftovers.")
@click.option("--grace-minutes", type=float, default=None, help=GRACE_HELP)
@click.option("--quick", is_flag=True, help="Compare the originals' sizes, not their hashes.")
@click.option("--json", "as_json", is_flag=True)
def check_command(fix: bool, grace_minutes: float | None, quick: bool, as_json: bool) -> None:
    """Check that catalog, index and originals agree; exit 1 on any problem."""
    hub = open_hub()
    grace = _grace(grace_minutes)
    report = check(hub.datadir, hub.catalog, hub.pending.hashes(), grace, verify_hashes=not quick)
    done: list[str] = []
    if fix and not report.ok:
        hub.pending.expire()
        done = repair(hub.datadir, hub.catalog, report, hub.pending.hashes, grace)
        report = check(hub.datadir, hub.catalog, hub.pending.hashes(), grace, verify_hashes=not quick)
    if as_json:
        click.echo(json.dumps({**report.as_json(), "repaired": done}, ensure_ascii=False, indent=2))
    else:
        for line in done:
            click.echo(f"repaired: {line}")
        for finding in report.findings:
            examples = f" (e.g. {', '.join(finding.examples)})" if finding.examples and not finding.ok else ""
            click.echo(f"{'ok     ' if finding.ok else 'PROBLEM'} {finding.name}: {finding.detail}{examples}")
    sys.exit(0 if report.ok else 1)


@click.command("backup")
@click.argument("dest", type=click.Path(path_type=Path))
def backup_command(dest: Path) -> None:
    """Copy the catalog, accounts and originals to DEST, consistently, while the service runs."""
    hub = open_hub()
    try:
        manifest = backup(hub.datadir, dest, _pending_in)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"backed up {manifest.documents} documents and {manifest.originals} originals to {dest}")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace what the data dir holds.")
def restore_command(source: Path, force: bool) -> None:
    """Bring a backup back into the data dir (SKH_DATA_DIR) and rebuild the index."""
    try:
        settings = read_settings()
        datadir = DataDir.at(settings.ingest.data_dir)
        manifest, indexed = restore(source, datadir, force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"restored {manifest.documents} documents and {manifest.originals} originals; indexed {indexed}")


@click.command("restructure")
@click.option("--json", "as_json", is_flag=True)
def restructure_command(as_json: bool) -> None:
    """Read again the originals of documents from before their text's structure was kept, and keep it."""
    hub = open_hub()
    report = restructure(hub.catalog, hub.datadir.originals, hub.ingestor.limits)
    if as_json:
        click.echo(json.dumps(report.as_json(), indent=2))
    else:
        click.echo(
            f"structured {report.structured}; paragraphs only {report.paragraphs}; "
            f"text differs {report.differs}; could not be read {report.failed}"
        )


@click.command("purge-trash")
@click.option("--days", type=float, default=None, help="Purge what was trashed longer ago (default: SKH_TRASH_DAYS).")
@click.option("--json", "as_json", is_flag=True)
def purge_trash(days: float | None, as_json: bool) -> None:
    """Delete for good the documents trashed more than SKH_TRASH_DAYS ago, with their originals."""
    hub = open_hub()
    purged = purge(hub, days=None if days is None else max(0.0, days))
    if as_json:
        rows = [{"id": t.doc.id, "title": t.doc.title, "trashed_at": t.trashed_at} for t in purged]
        click.echo(json.dumps({"purged": rows, "left_in_trash": hub.catalog.trash_count()}, ensure_ascii=False))
        return
    for item in purged:
        click.echo(f"purged {item.doc.id} {item.doc.title!r} (trashed {item.trashed_at} by {item.trashed_by})")
    click.echo(f"{len(purged)} purged, {hub.catalog.trash_count()} left in the trash")


COMMANDS = (gc, check_command, backup_command, restore_command, restructure_command, purge_trash)
