"""Staff's trash and change history: delete asks first, a deleted document can be restored, every change is
listed.

Deleting moves a document to the trash (:mod:`ingest.trash`): it leaves search, pages, feeds, the API and
downloads at once, and staff can restore it until ``SKH_TRASH_DAYS`` have passed and it is purged
(:mod:`web.trash_expiry`). The confirmation is a page with a form, so it works without script.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ingest import history
from ingest.curation import NotFound
from ingest.trash import NotInTrash, RestoreConflict, restore, trash
from web.access import staff_required
from web.forms import VISIBILITY_NAMES, PostForm
from web.hub import get_hub
from web.i18n import area_label, language_name, type_name
from web.trash_expiry import purge
from web.views.documents import DOC_ID
from web.views.staff import busy_message
from web.write_wait import RETRY_AFTER_SECONDS, WriterBusy, bounded_write

bp = Blueprint("trash", __name__)

PAGE_PURGE_WAIT_SECONDS = 0.5
"""How long opening the trash page waits for the index writer to purge; busy, it leaves it for next time."""


def _doc_id(doc_id: str) -> str:
    if not DOC_ID.fullmatch(doc_id):
        abort(404)
    return doc_id


def _busy(kept: str):
    page = render_template("error.html", code=503, message=busy_message(kept))
    return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


@bp.get("/doc/<doc_id>/delete")
@staff_required
def confirm(doc_id: str):
    doc = get_hub().catalog.get(_doc_id(doc_id))
    if doc is None:
        abort(404)
    return render_template("confirm_delete.html", doc=doc, form=PostForm(), days=_days())


@bp.post("/doc/<doc_id>/delete")
@staff_required
def move_to_trash(doc_id: str):
    hub = get_hub()
    _doc_id(doc_id)
    if not PostForm().validate_on_submit():
        abort(400)
    try:
        with bounded_write(hub):
            doc = trash(hub.datadir, hub.catalog, doc_id, current_user.email, max_merge_docs=hub.max_merge_docs)
    except NotFound:
        abort(404)
    except WriterBusy:
        return _busy(_("The document was not deleted."))
    hub.accounts.record(current_user.email, "trash", doc_id, title=doc.title)
    flash(_("Moved “%(title)s” to the trash.", title=doc.title))
    return redirect(url_for("trash.listing"))


def _days() -> float:
    return get_hub().settings.ingest.trash_days


def _purge_date(trashed_at: str) -> str:
    moment = datetime.strptime(trashed_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return (moment + timedelta(days=_days())).strftime("%Y-%m-%dT%H:%M:%SZ")


@bp.get("/trash")
@staff_required
def listing():
    hub = get_hub()
    try:
        purge(hub, timeout=PAGE_PURGE_WAIT_SECONDS)
    except WriterBusy:
        pass  # another writer is at work: the next visit (or skh purge-trash) purges
    items = hub.catalog.trash_listing()
    return render_template(
        "trash.html",
        items=items,
        form=PostForm(),
        days=_days(),
        purge_date=_purge_date,
        total=hub.catalog.trash_count(),
    )


@bp.post("/trash/<doc_id>/restore")
@staff_required
def restore_document(doc_id: str):
    hub = get_hub()
    _doc_id(doc_id)
    if not PostForm().validate_on_submit():
        abort(400)
    try:
        with bounded_write(hub):
            doc = restore(hub.datadir, hub.catalog, doc_id, current_user.email, hub.max_merge_docs)
    except NotInTrash:
        abort(404)
    except RestoreConflict as clash:
        flash(
            _(
                "It cannot be restored: document %(id)s has its file now (it was uploaded again).",
                id=clash.existing_id,
            )
        )
        return redirect(url_for("trash.listing"))
    except WriterBusy:
        return _busy(_("The document was not restored."))
    hub.accounts.record(current_user.email, "restore", doc_id, title=doc.title)
    flash(_("Restored “%(title)s”.", title=doc.title))
    return redirect(url_for("documents.document_page", doc_id=doc_id))


@bp.get("/doc/<doc_id>/history")
@staff_required
def changes(doc_id: str):
    catalog = get_hub().catalog
    doc = catalog.get(_doc_id(doc_id))
    trashed = catalog.trashed(doc_id) if doc is None else None
    if doc is None and trashed is None:
        abort(404)
    entries = history.for_document(catalog.connection(), doc_id)
    return render_template("history.html", doc=doc or trashed.doc, trashed=trashed, entries=entries, shown=shown)


def shown(field: str, text: str) -> str:
    """A value as the history keeps it (:func:`ingest.history.as_text`), as the pages name it: area labels,
    type, language and visibility names in the interface language."""
    if not text:
        return ""
    if field == "areas":
        return ", ".join(area_label(area) for area in text.split("; "))
    if field == "type":
        return type_name(text)
    if field == "lang":
        return language_name(text)
    if field == "visibility":
        return str(VISIBILITY_NAMES.get(text, text))
    return text
