"""Bulk upload in the browser: a batch of files or ZIP archives, extracted in the background, reviewed and
published from one page that survives a reload (its state is in SQLite: :mod:`web.batches`)."""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from ingest.curation import apply_changes
from web.access import staff_required
from web.batch_intake import MAX_BATCH_FILES, MAX_OPEN_BATCHES, receive
from web.batches import BATCH_ID, DISCARDED, EXTRACTED, PUBLISHED, Batch, BatchFile, BatchSummary
from web.forms import BulkUploadForm, PostForm, UploadForm
from web.hub import get_hub
from web.i18n import number
from web.messages_ingest import ingest_reason
from web.pending_review import Review, discard_pending, review_of
from web.write_wait import RETRY_AFTER_SECONDS, WriterBusy, bounded_write

bp = Blueprint("bulk", __name__)

ROW_FIELDS = ("title", "org", "year", "areas", "visibility")
"""What the batch table edits in place; the rest (authors, type) keeps what the file said."""


@bp.app_template_global()
def recent_batches() -> list[BatchSummary]:
    """The signed-in person's batches of the last week, for the upload page: a closed tab loses no batch."""
    if not current_user.is_authenticated:
        return []
    return get_hub().batches.recent(current_user.email)


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _batch(batch_id: str) -> Batch:
    """The current user's batch, or 404 (another person's batch does not exist for them)."""
    batch = get_hub().batches.get(current_user.email, batch_id) if re.fullmatch(BATCH_ID, batch_id) else None
    if batch is None:
        abort(404)
    return batch


def outcome_text(file: BatchFile) -> str:
    """What came of one file, in the interface language."""
    return {
        "waiting": lambda: _("Waiting"),
        "working": lambda: _("Extracting…"),
        "extracted": lambda: _("Extracted: review below"),
        "duplicate": lambda: _("Already in the hub"),
        "refused": lambda: _("Refused: %(reason)s", reason=ingest_reason(file.reason)),
        "published": lambda: _("Published"),
        "discarded": lambda: _("Discarded"),
    }.get(file.status, lambda: file.status)()


def _as_json(file: BatchFile) -> dict[str, object]:
    return {"position": file.position, "name": file.name, "status": file.status, "outcome": outcome_text(file)}


@bp.post("/upload/batch")
@staff_required
def create():
    """A new batch, with the files of the form (none when the page's script sends them one by one)."""
    hub = get_hub()
    form = BulkUploadForm(prefix="bulk")
    if not form.validate_on_submit():
        if _wants_json():
            return jsonify(error=_("The form expired. Reload the page and try again.")), 400
        return render_template("upload.html", form=UploadForm(), bulk=form, problems=[]), 400
    if hub.batches.unfinished(current_user.email) >= MAX_OPEN_BATCHES:
        message = _(
            "You have %(count)s batches still being extracted. Wait for one to finish.", count=number(MAX_OPEN_BATCHES)
        )
        if _wants_json():
            return jsonify(error=message), 429
        form.files.errors.append(message)
        return render_template("upload.html", form=UploadForm(), bulk=form, problems=[]), 429
    batch_id = hub.batches.create(current_user.email, form.visibility.data)
    files = [f for f in request.files.getlist(form.files.name) if f and f.filename]
    receive(hub, batch_id, files, request.max_content_length or hub.ingestor.limits.max_file_bytes)
    hub.accounts.record(current_user.email, "upload-batch", batch_id, files=len(files))
    if _wants_json():
        return jsonify(
            id=batch_id,
            page=url_for("bulk.batch_page", batch_id=batch_id),
            files=url_for("bulk.add_files", batch_id=batch_id),
            status=url_for("bulk.status", batch_id=batch_id),
        )
    return redirect(url_for("bulk.batch_page", batch_id=batch_id), 303)


@bp.post("/upload/batch/<batch_id>/files")
@staff_required
def add_files(batch_id: str):
    """More files for a batch (the page's script sends each file on its own, to show its progress)."""
    batch = _batch(batch_id)
    if not PostForm().validate_on_submit():
        abort(400)
    files = [f for f in request.files.getlist("files") if f and f.filename]
    recorded = receive(get_hub(), batch.id, files, request.max_content_length or 0)
    return jsonify(files=[_as_json(f) for f in recorded])


@bp.get("/upload/batch/<batch_id>/status")
@staff_required
def status(batch_id: str):
    files = get_hub().batches.files(_batch(batch_id).id)
    done = all(f.status not in ("waiting", "working") for f in files)
    return jsonify(done=done, files=[_as_json(f) for f in files])


def _rows(batch: Batch, files: list[BatchFile], posted: MultiDict | None = None) -> dict[int, Review]:
    """The review of each extracted file, by position (prefilled, or as the reviewer posted it)."""
    hub, rows = get_hub(), {}
    for file in files:
        if file.status != EXTRACTED:
            continue
        doc = hub.pending.peek(batch.owner, file.token)
        if doc is not None:
            rows[file.position] = review_of(hub, batch.owner, file.token, doc, posted)
    return rows


def _page(batch: Batch, posted: MultiDict | None = None, code: int = 200, selected: set[str] | None = None):
    files = get_hub().batches.files(batch.id)
    done = all(f.status not in ("waiting", "working") for f in files)
    rows = _rows(batch, files, posted) if done else {}
    if posted is not None:
        for row in rows.values():
            if row.token in (selected or set()):
                row.fields.validate()
    page = render_template(
        "batch.html",
        batch=batch,
        files=files,
        rows=rows,
        done=done,
        selected=selected or set(),
        outcome=outcome_text,
        post=PostForm(),
        limit=MAX_BATCH_FILES,
    )
    return page, code


@bp.get("/upload/batch/<batch_id>")
@staff_required
def batch_page(batch_id: str):
    return _page(_batch(batch_id))


@bp.post("/upload/batch/<batch_id>")
@staff_required
def act(batch_id: str):
    """Publish the selected rows (or all), or discard the selected ones."""
    hub, batch = get_hub(), _batch(batch_id)
    if not PostForm().validate_on_submit():
        abort(400)
    files = {f.token: f for f in hub.batches.files(batch.id) if f.status == EXTRACTED}
    action = request.form.get("action", "")
    chosen = set(files) if action == "publish-all" else {t for t in request.form.getlist("select") if t in files}
    if not chosen:
        flash(_("Select at least one file first."))
        return _page(batch, MultiDict(request.form), 400)
    if action == "discard":
        return _discard(batch, [files[t] for t in chosen])
    if action not in ("publish", "publish-all"):
        abort(400)
    posted = MultiDict(request.form)
    reviews = [r for r in _rows(batch, list(files.values()), posted).values() if r.token in chosen]
    if not all([r.fields.validate() for r in reviews]):  # every row validated, so each shows its errors
        return _page(batch, posted, 400, chosen)
    for review in reviews:
        changes = {name: review.fields[name].data for name in ROW_FIELDS}
        changes["title"], changes["org"] = changes["title"].strip(), (changes["org"] or "").strip()
        apply_changes(review.doc, changes)
    try:
        with bounded_write(hub):
            outcomes = hub.ingestor.save_many([r.doc for r in reviews])
    except WriterBusy:
        from web.views.staff import busy_message

        flash(busy_message(_("Nothing was published yet; the batch is kept.")))
        page, _code = _page(batch, posted, 503, chosen)
        return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}
    published = 0
    for review, outcome in zip(reviews, outcomes, strict=True):
        file = files[review.token]
        if outcome.status in ("failed", "skipped"):  # skipped: its bytes went to the trash meanwhile
            flash(f"{file.name}: {ingest_reason(outcome.reason)}")
            continue
        hub.pending.take(batch.owner, review.token)
        hub.batches.finish(file, PUBLISHED, doc_id=outcome.id, title=outcome.title)
        hub.accounts.record(current_user.email, "upload", outcome.id, title=review.doc.title, filename=file.name)
        published += 1
    flash(
        ngettext("Published %(count)s document.", "Published %(count)s documents.", published, count=number(published))
    )
    return redirect(url_for("bulk.batch_page", batch_id=batch.id), 303)


def _discard(batch: Batch, chosen: list[BatchFile]):
    hub, discarded = get_hub(), 0
    for file in chosen:
        try:
            doc = discard_pending(hub, batch.owner, file.token)
        except WriterBusy:
            flash(_("The index is busy; some files were not discarded. Try again in a moment."))
            break
        hub.batches.finish(file, DISCARDED, title=file.title)
        if doc is not None:
            hub.accounts.record(current_user.email, "upload-cancel", doc.id, filename=file.name)
        discarded += 1
    flash(ngettext("Discarded %(count)s file.", "Discarded %(count)s files.", discarded, count=number(discarded)))
    return redirect(url_for("bulk.batch_page", batch_id=batch.id), 303)
