"""Staff curation: upload (extract, review, publish), edit, audit log (trash and history: web.views.trash)."""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from ingest.curation import NotFound, apply_changes, edit_document
from ingest.limits import MB
from ingest.model import Document
from ingest.pipeline import IngestError
from ingest.reasons import reason
from ingest.store import sha256_of, store
from web import audit_page, audit_view
from web.access import admin_required, staff_required
from web.citations import bare_doi
from web.forms import BulkUploadForm, EditForm, PostForm, UploadForm, with_areas, with_language
from web.hub import get_hub
from web.i18n import current_language, number
from web.messages_ingest import ingest_reason
from web.pending_review import Review, discard_pending, prefill, review_of
from web.views.documents import DOC_ID
from web.write_wait import RETRY_AFTER_SECONDS, WriterBusy, bounded_write

bp = Blueprint("staff", __name__)


def busy_message(kept: str) -> str:
    """What a web write that waited too long for the index (web.write_wait) says, in the interface language."""
    return _(
        "The index is busy with another change (for example a rebuild), so nothing was saved yet. "
        "%(kept)s Try again in a moment.",
        kept=kept,
    )


def _split_authors(value: str | None) -> list[str]:
    return [a.strip() for a in re.split(r";", value or "") if a.strip()]


def _fields_from(form) -> dict[str, object]:
    fields = {
        "title": form.title.data.strip(),
        "authors": _split_authors(form.authors.data),
        "org": (form.org.data or "").strip(),
        "year": form.year.data,
        "type": (form.type.data or "").strip(),
        "areas": list(form.areas.data or []),
        "visibility": form.visibility.data,
    }
    if form.date.raw_data:  # a review sent without the date field (a script's) keeps the extracted one
        fields["date"] = form.date.data.isoformat() if form.date.data else ""
    return fields


@bp.route("/upload", methods=["GET", "POST"])
@staff_required
def upload():
    hub = get_hub()
    form = UploadForm()
    if not form.validate_on_submit():
        return render_template("upload.html", bulk=BulkUploadForm(prefix="bulk"), form=form, problems=[])
    files = [f for f in request.files.getlist("files") if f and f.filename]
    if not files:
        form.files.errors.append(_("Choose at least one file."))
        return render_template("upload.html", bulk=BulkUploadForm(prefix="bulk"), form=form, problems=[]), 400
    problems, duplicates, reviews, wanted = [], [], [], []
    max_bytes = hub.ingestor.limits.max_file_bytes
    for file in files[:50]:
        data = file.read(max_bytes + 1)
        name = file.filename[:255]
        if len(data) > max_bytes:
            problems.append((name, ingest_reason(reason("too_large", mb=max_bytes / MB))))
            continue
        digest = sha256_of(data)
        existing = hub.catalog.by_sha256(digest)
        if existing is not None:
            duplicates.append((name, existing))
            continue
        if (trashed := hub.catalog.trashed_with_sha256(digest)) is not None:
            problems.append((name, ingest_reason(reason("in_trash", doc_id=trashed.doc.id, title=trashed.doc.title))))
            continue
        wanted.append((data, name, f"upload:{digest}", {"visibility": form.visibility.data}))
    # In a child process, under the limits; areas assigned.
    for (data, name, *_rest), extracted in zip(wanted, hub.ingestor.extract_each(wanted), strict=True):
        if isinstance(extracted, IngestError):
            problems.append((name, ingest_reason(extracted)))
            continue
        store(hub.datadir.originals, data)
        token = hub.pending.park(current_user.email, extracted.doc, extracted.facts)
        store(hub.datadir.originals, data)  # again: a removal may have set it aside before the park (ingest.orphans)
        reviews.append(review_of(hub, current_user.email, token, extracted.doc))
    status = 200 if reviews or duplicates else 400
    if not reviews:
        return render_template(
            "upload.html", bulk=BulkUploadForm(prefix="bulk"), form=form, problems=problems, duplicates=duplicates
        ), status
    return render_template("review.html", reviews=reviews, problems=problems, duplicates=duplicates, post=PostForm())


@bp.post("/upload/publish")
@staff_required
def publish():
    from web.views.works import link_from_review  # it builds on this module

    hub = get_hub()
    if not PostForm().validate_on_submit():
        abort(400)
    tokens = [t for t in request.form.getlist("token") if re.fullmatch(r"[A-Za-z0-9_-]{8,40}", t)]
    published, reviews, busy = [], [], []
    for token in tokens:
        doc = hub.pending.peek(current_user.email, token)
        if doc is None:
            continue
        entry = review_of(hub, current_user.email, token, doc, MultiDict(request.form))
        fields = entry.fields
        if not fields.validate():
            reviews.append(entry)
            continue
        shown = hub.pending.peek(current_user.email, token)  # as it was parked, for the form if we cannot save
        changes = _fields_from(fields)
        apply_changes(doc, changes)
        try:
            with bounded_write(hub):
                outcome = hub.ingestor.save(doc)
        except WriterBusy:
            busy.append(Review(token, shown or doc, fields, entry.pages))
            continue
        if outcome.status in ("failed", "skipped"):  # skipped: its bytes went to the trash meanwhile
            flash(f"{doc.filename}: {ingest_reason(outcome.reason)}")
            continue
        # Only now, with the document saved: an upload whose save failed or waited too long stays pending.
        hub.pending.take(current_user.email, token)
        hub.accounts.record(current_user.email, "upload", outcome.id, title=doc.title, filename=doc.filename)
        link_from_review(hub, token, outcome)  # the "_work_choice.html" answer: a version or format of another
        published.append(outcome)
    if busy:
        flash(busy_message(_("Your upload is kept: the form below publishes it.")))
        for outcome in published:
            flash(_("Published “%(title)s”.", title=outcome.title))
        page = render_template("review.html", reviews=busy + reviews, problems=[], duplicates=[], post=PostForm())
        return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if reviews:
        return render_template("review.html", reviews=reviews, problems=[], duplicates=[], post=PostForm()), 400
    if len(published) == 1:
        flash(_("Published."))
        return redirect(url_for("documents.document_page", doc_id=published[0].id))
    count = len(published)
    flash(ngettext("Published %(count)s document.", "Published %(count)s documents.", count, count=number(count)))
    return redirect(url_for("pages.search_page", sort="newest"))


@bp.post("/upload/cancel")
@staff_required
def cancel():
    """Discard one reviewed upload (the button names its token); the other files on the page stay."""
    hub = get_hub()
    if not PostForm().validate_on_submit():
        abort(400)
    token = request.form.get("cancel", "")
    if not re.fullmatch(r"[0-9a-f]{24}", token):
        abort(400)
    try:
        doc = discard_pending(hub, current_user.email, token)
    except WriterBusy:
        flash(busy_message(_("Nothing was discarded.")))
        doc = None
    if doc is not None:
        hub.accounts.record(current_user.email, "upload-cancel", doc.id, filename=doc.filename)
        flash(_("Discarded “%(name)s”: it was not published.", name=doc.filename))
    others = [t for t in request.form.getlist("token") if t != token and re.fullmatch(r"[0-9a-f]{24}", t)]
    posted = MultiDict(request.form)
    reviews = [
        review_of(hub, current_user.email, t, d, posted)
        for t in others
        if (d := hub.pending.peek(current_user.email, t)) is not None
    ]
    if not reviews:
        return redirect(url_for("staff.upload"))
    return render_template("review.html", reviews=reviews, problems=[], duplicates=[], post=PostForm())


def _editable(doc_id: str) -> Document:
    if not DOC_ID.fullmatch(doc_id):
        abort(404)
    doc = get_hub().catalog.get(doc_id)
    if doc is None:
        abort(404)
    return doc


def _split_orgs(value: str | None) -> str:
    return "; ".join(part.strip() for part in (value or "").split(";") if part.strip())


EDIT_VALUES = {
    "title": lambda form: form.title.data.strip(),
    "authors": lambda form: _split_authors(form.authors.data),
    "org": lambda form: _split_orgs(form.org.data),
    "date": lambda form: form.date.data.isoformat() if form.date.data else "",
    "year": lambda form: form.year.data,
    "type": lambda form: (form.type.data or "").strip(),
    "lang": lambda form: form.lang.data,
    "abstract": lambda form: (form.abstract.data or "").strip(),
    "doi": lambda form: bare_doi(form.doi.data or "") or (form.doi.data or "").strip(),  # bare, if it is one
    "url": lambda form: (form.url.data or "").strip(),
    "areas": lambda form: list(form.areas.data or []),
    "visibility": lambda form: form.visibility.data,
}


def _edit_changes(form: EditForm, submitted) -> dict[str, object]:
    """The fields the form sent (a field left out of the request is left as it is; the areas are required)."""
    return {name: value(form) for name, value in EDIT_VALUES.items() if name in submitted or name == "areas"}


def _prefill_edit(form: EditForm, doc: Document) -> EditForm:
    prefill(form, doc)
    form.lang.data, form.abstract.data, form.doi.data, form.url.data = doc.lang, doc.abstract, doc.doi, doc.url
    return form


def _edit_page(doc: Document, form: EditForm):
    return render_template("edit.html", doc=doc, form=form)


@bp.route("/doc/<doc_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(doc_id: str):
    hub = get_hub()
    doc = _editable(doc_id)
    form = with_language(with_areas(EditForm(), hub.taxonomy, current_language()), doc.lang)
    form.stored = {"doi": doc.doi, "url": doc.url}
    if request.method == "GET":
        return _edit_page(doc, _prefill_edit(form, doc))
    if not form.validate_on_submit():
        return _edit_page(doc, form), 400
    changes = _edit_changes(form, request.form)
    try:
        with bounded_write(hub):
            _updated, diff = edit_document(
                hub.datadir, hub.catalog, doc_id, changes, current_user.email, hub.max_merge_docs
            )
    except NotFound:
        abort(404)
    except WriterBusy:
        flash(busy_message(_("Your changes are still in the form below.")))
        return _edit_page(doc, form), 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if diff:
        hub.accounts.record(current_user.email, "edit", doc_id, changes={k: list(v) for k, v in diff.items()})
        if "areas" in diff:
            hub.ingestor.refresh_classifier()  # a correction is a lesson
    flash(_("Saved.") if diff else _("Nothing changed."))
    return redirect(url_for("documents.document_page", doc_id=doc_id))


@bp.get("/admin/audit")
@admin_required
def audit():
    """The log, newest first, filtered by who, what and when (web.audit_page); the export is admin.audit_export."""
    hub = get_hub()
    form, query, page = audit_page.read_filters(request.args)
    size = audit_page.PAGE_SIZE
    entries = hub.accounts.audit_log(limit=size + 1, offset=(page - 1) * size, query=query)
    filters = {k: request.args[k][:254] for k in ("who", "action", "since", "until") if request.args.get(k)}
    return render_template(
        "audit.html",
        rows=audit_page.rows(entries[:size], hub.catalog),
        form=form,
        page=page,
        older=len(entries) > size and page < audit_page.MAX_PAGE,
        filters=filters,
        changes=audit_view.changes,
    )
