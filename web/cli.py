"""The ``skh`` command line: ingest, reindex, stats, serve (search: web/search_cli.py; gc, check, backup, restore:
web/ops_cli.py; users: web/users_cli.py)."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from functools import partial
from pathlib import Path

import click

from ingest.area_refresh import reassign_automatic_areas
from ingest.curation import update_metadata
from ingest.indexing import reindex as rebuild_index
from ingest.model import VISIBILITIES
from ingest.pipeline import Explicit, build_classifier
from ingest.report import Outcome
from ingest.storage_errors import StorageFailed
from ingest.taxonomy import Taxonomy
from search import BACKGROUND_NICENESS, WriterBusy, announce_waits, load_glossary, write_lock
from web.ops_cli import COMMANDS
from web.ops_cli import open_hub as _hub
from web.search_cli import search_command
from web.users_cli import users
from web.warming import warm_worker


def _say_waits() -> None:
    """A command that writes says when it waits for another writer (a rebuild's swap, another load), and
    how long it waited, instead of sitting silent."""

    def notice(waited: float | None) -> None:
        if waited is None:
            click.echo("waiting for another writer to finish", err=True)
        else:
            click.echo(f"waited {waited:.1f} s for another writer", err=True)

    announce_waits(notice)


@click.group()
def main() -> None:
    """Sound Knowledge Hub: the cluster's knowledge-sharing search service."""


class IngestProgress:
    """What `skh ingest` shows while it works: a tqdm bar (counts, rate, time left) when stderr is a
    terminal and the output is not --json, and a line per failed, duplicate or noted file."""

    def __init__(self, bar: bool, quiet: bool = False):
        self.bar_wanted = bar
        self.quiet = quiet
        self.bar = None
        self.counts = {"added": 0, "updated": 0, "unchanged": 0, "failed": 0}

    def start(self, total: int) -> None:
        if self.bar_wanted and total:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="file", dynamic_ncols=True, smoothing=0.1)

    def say(self, line: str) -> None:
        if self.quiet:
            return
        if self.bar is not None:
            self.bar.write(line, file=sys.stderr)
        else:
            click.echo(line, err=True)

    def file_done(self, outcome: Outcome) -> None:
        self.counts[outcome.status] = self.counts.get(outcome.status, 0) + 1
        if outcome.status == "failed":
            self.say(f"FAILED {outcome.path}: {outcome.reason}")
        elif outcome.status == "skipped":
            self.say(f"SKIPPED {outcome.path}: {outcome.reason}")
        elif outcome.duplicate_of:
            self.say(f"DUPLICATE {outcome.path}: same content as document {outcome.duplicate_of}")
        for note in outcome.notes:
            self.say(f"NOTE {outcome.path}: {note}")
        if self.bar is not None:
            self.bar.set_postfix(self.counts, refresh=False)
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--area", "areas", multiple=True, help="Strength area id (repeatable); skips automatic assignment.")
@click.option("--type", "doc_type", default="", help="Document type, e.g. report, publication.")
@click.option("--org", default="", help="Organisation.")
@click.option("--lang", default="", help="Language code (da, en, ...); skips detection.")
@click.option("--year", type=click.IntRange(1900, 2100), default=None, help="Year of publication.")
@click.option("--visibility", type=click.Choice(VISIBILITIES), default=None)
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable report.")
@click.option("--follow-symlinks", is_flag=True, help="Follow symbolic links inside the folders, wherever they point.")
def ingest(paths, areas, doc_type, org, lang, year, visibility, as_json, follow_symlinks) -> None:
    """Ingest files and folders (recursively).

    Metadata, strongest first: these options, a sidecar NAME.meta.json next to
    a file, the folder's manifest.csv, what the file embeds, then guesses.
    Symbolic links inside the folders, FIFOs and devices are listed as SKIPPED.
    """
    hub = _hub()
    _say_waits()
    unknown = [a for a in areas if a not in hub.taxonomy.ids]
    if unknown:
        raise click.UsageError(f"unknown area {', '.join(unknown)}; known: {', '.join(hub.taxonomy.ids)}")
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise click.UsageError(f"no such file or folder: {', '.join(missing)}")
    explicit = Explicit(areas=list(areas), type=doc_type, org=org, lang=lang, year=year, visibility=visibility or "")
    show = IngestProgress(bar=not as_json and sys.stderr.isatty(), quiet=as_json)
    try:
        report = hub.ingestor.ingest_paths(
            paths,
            explicit,
            progress=show.file_done,
            start=show.start,
            waiting=show.say,
            follow_symlinks=follow_symlinks,
        )
    except StorageFailed as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        show.close()
    summary = report.summary()
    if as_json:
        files = [o.as_json() for o in report.outcomes]
        click.echo(json.dumps({"summary": summary, "files": files}, ensure_ascii=False, indent=2))
    else:
        click.echo(", ".join(f"{n} {k}" for k, n in summary.items()))
    sys.exit(1 if summary["failed"] else 0)


@main.command()
def reindex() -> None:
    """Re-assign automatic areas, then rebuild the index from the catalog into a new folder and swap it in.

    Uploads and edits go on meanwhile: areas are written in small batches and the rebuild takes the write
    lock only to apply what was written during it and swap (:mod:`ingest.rebuild`).
    """
    hub = _hub()
    say = partial(click.echo, err=True)
    # Background work, like a bulk load's merge child: the serving processes keep the CPU they need
    # (in the soak bench the rebuild otherwise slowed how soon a write became searchable).
    os.nice(BACKGROUND_NICENESS)
    classifier = build_classifier(hub.catalog, hub.taxonomy, load_glossary(hub.settings.search.glossary))
    with write_lock(hub.datadir.index, waiting=lambda: say("waiting for another writer to finish")):
        pass  # waits, and says so, before the work starts rather than at its first batch
    reassigned = reassign_automatic_areas(hub.datadir, hub.catalog, classifier)
    count = rebuild_index(hub.datadir, hub.catalog, say=say, max_merge_docs=hub.max_merge_docs)
    click.echo(f"reindexed {count} documents ({reassigned} automatic area assignments refreshed, {classifier.method})")


@main.command("set-areas")
@click.argument("doc_id")
@click.argument("areas", nargs=-1, required=True)
def set_areas(doc_id: str, areas: tuple[str, ...]) -> None:
    """Correct a document's strength areas by hand (they stay manual from then on)."""
    hub = _hub()
    unknown = [a for a in areas if a not in hub.taxonomy.ids]
    if unknown:
        raise click.UsageError(f"unknown area {', '.join(unknown)}; known: {', '.join(hub.taxonomy.ids)}")
    doc = hub.catalog.get(doc_id)
    if doc is None:
        raise click.ClickException(f"no document {doc_id}")
    update_metadata(hub.datadir, hub.catalog, doc_id, {"areas": list(areas)}, hub.max_merge_docs)
    click.echo(f"{doc_id}: areas set to {', '.join(areas)} (manual)")


@main.command()
@click.option("--json", "as_json", is_flag=True)
def stats(as_json) -> None:
    """Documents per area (with the taxonomy's names), type, language, year and visibility.

    Counts the whole catalog, every visibility level: this is the operator's view (skh search --as is not).
    """
    hub = _hub()
    counters = {name: Counter() for name in ("area", "type", "lang", "year", "visibility")}
    total = 0
    for doc in hub.catalog.all():
        total += 1
        for area in doc.areas or ["(none)"]:
            counters["area"][area] += 1
        counters["type"][doc.type] += 1
        counters["lang"][doc.lang] += 1
        counters["year"][str(doc.year or "(none)")] += 1
        counters["visibility"][doc.visibility] += 1
    if as_json:
        labels = {a.id: a.label("en") for a in hub.taxonomy.areas}
        data = {"documents": total, **{k: dict(v) for k, v in counters.items()}, "area_labels": labels}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"documents: {total} (the whole catalog, every visibility level)")
    for name, counter in counters.items():
        click.echo(f"\n{name}:")
        if name == "area":
            for label, count in _area_rows(counter, hub.taxonomy):
                click.echo(f"  {label:<48} {count}")
            continue
        keys = sorted(counter) if name == "year" else [k for k, _ in counter.most_common()]
        for key in keys:
            click.echo(f"  {key:<24} {counter[key]}")


def _area_rows(counter: Counter, taxonomy: Taxonomy) -> list[tuple[str, int]]:
    """Every area of the taxonomy by its name (and the id --area takes), in the taxonomy's order and with
    the empty ones, then ids the catalog holds that the taxonomy no longer has (skh reindex reassigns them)."""
    rows = [(f"{a.label('en')} ({a.id})", counter[a.id]) for a in taxonomy.areas]
    for key, count in counter.most_common():
        if key not in taxonomy.ids:
            rows.append((key if key == "(none)" else f"{key} (not in the taxonomy)", count))
    return rows


@main.command()
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=8000, type=int)
@click.option("--threads", default=8, type=int)
@click.option(
    "--workers",
    default=1,
    type=click.IntRange(0, 64),
    help="Processes serving requests, each with its own searcher; 0 = one per CPU.",
)
def serve(host, port, threads, workers) -> None:
    """Serve the web app with waitress."""
    from web.app import create_app, prepare_data_dir
    from web.serving import serve as run_server

    hub = _hub()  # fail early, in the parent, if the data directory or a setting is unusable
    try:
        prepare_data_dir(hub)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    _purge_trash_at_start(hub)
    workers = workers or os.cpu_count() or 1
    click.echo(f"Sound Knowledge Hub on http://{host}:{port}/ ({workers} worker{'s' if workers > 1 else ''})")
    if workers == 1:
        run_server(lambda: warm_worker(create_app(hub), hub), host, port, threads, 1)
    else:
        settings = hub.settings  # read once, in the parent
        run_server(
            lambda: warm_worker(create_app(worker_hub := _hub(settings)), worker_hub), host, port, threads, workers
        )


def _purge_trash_at_start(hub) -> None:
    """Purge the trash's expired documents before serving (a few seconds' wait for the writer at most: a
    busy writer leaves it to the trash page or ``skh purge-trash``)."""
    from web.trash_expiry import purge

    try:
        purged = purge(hub, timeout=5)
    except WriterBusy:
        return
    if purged:
        click.echo(f"purged {len(purged)} documents trashed more than {hub.settings.ingest.trash_days:g} days ago")


@main.command("seed")
@click.argument("corpus", default="corpus/docs", type=click.Path(exists=True, file_okay=False, path_type=Path))
def seed(corpus: Path) -> None:
    """Ingest the sample corpus if the catalog is empty (used by `make run`).

    Each sub-folder named after a visibility level is ingested with it.
    """
    hub = _hub()
    if hub.catalog.count():
        click.echo(f"catalog has {hub.catalog.count()} documents; not seeding")
        return
    for level in VISIBILITIES:
        folder = corpus / level
        if folder.is_dir():
            try:
                report = hub.ingestor.ingest_paths([folder], Explicit(visibility=level))
            except StorageFailed as exc:
                raise click.ClickException(str(exc)) from exc
            for outcome in report.failed:
                click.echo(f"FAILED {outcome.path}: {outcome.reason}", err=True)
            click.echo(f"{level}: " + ", ".join(f"{n} {k}" for k, n in report.summary().items()))


for _command in (search_command, *COMMANDS, users):  # search; gc, check, backup, restore, purge-trash; users
    main.add_command(_command)


if __name__ == "__main__":
    main()
