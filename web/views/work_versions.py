"""Staff uploading a new version of a document from its page: saved as a document of its own and linked as the
newest version of the work (ingest.works), so the old file stays downloadable as an older version.

The file goes through the same parser child, limits and save as an upload; what the file does not say
(organisation, authors, type, areas staff set) is kept from the version it follows, and it gets that
version's visibility. No review step: the person chose the work already.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ingest.limits import MB
from ingest.model import Document
from ingest.pipeline import IngestError, assign_areas
from ingest.reasons import reason
from ingest.store import sha256_of, store
from web.access import staff_required
from web.forms import NewVersionForm
from web.hub import get_hub
from web.messages_ingest import ingest_reason
from web.views.staff import busy_message
from web.views.works import doc_or_404, link_into_work
from web.write_wait import WriterBusy, bounded_write

bp = Blueprint("work_versions", __name__)


def _carry_over(doc: Document, old: Document) -> None:
    """What the new file does not say, from the version it follows."""
    doc.visibility = old.visibility
    doc.org = doc.org or old.org
    doc.authors = doc.authors or list(old.authors)
    doc.type = doc.type if doc.type != "document" else old.type
    if old.areas and not old.areas_auto:  # areas staff chose stay chosen
        doc.areas, doc.areas_auto, doc.area_evidence = list(old.areas), False, {}


@bp.post("/doc/<doc_id>/work/new-version")
@staff_required
def new_version(doc_id: str):
    hub = get_hub()
    old = doc_or_404(doc_id)
    back = redirect(url_for("documents.document_page", doc_id=doc_id))
    form = NewVersionForm()
    if not form.validate_on_submit():
        flash(_("Choose the file of the new version."))
        return back
    upload = form.file.data
    max_bytes = hub.ingestor.limits.max_file_bytes
    data, name = upload.read(max_bytes + 1), (upload.filename or "upload")[:255]
    if len(data) > max_bytes:
        flash(ingest_reason(reason("too_large", mb=max_bytes / MB)))
        return back
    sha = sha256_of(data)
    if hub.catalog.by_sha256(sha) is not None:
        flash(_("That file is already in the hub; nothing was added."))
        return back
    try:
        doc = hub.ingestor.extract_isolated(data, name, f"upload:{sha}", {})
    except IngestError as exc:
        flash(f"{name}: {ingest_reason(exc)}")
        return back
    assign_areas(doc, hub.ingestor.classifier)
    _carry_over(doc, old)
    try:
        with bounded_write(hub):
            store(hub.datadir.originals, data)
            outcome = hub.ingestor.save(doc)
    except WriterBusy:
        flash(busy_message(_("The new version was not saved.")))
        return back
    if outcome.status != "added" or outcome.id is None:
        flash(f"{name}: {ingest_reason(outcome.reason)}" if outcome.reason else _("That text is already in the hub."))
        return back
    hub.accounts.record(current_user.email, "upload", outcome.id, title=doc.title, filename=doc.filename)
    if link_into_work(hub, outcome.id, doc_id, "version"):
        flash(_("Published as the new version."))
    return redirect(url_for("documents.document_page", doc_id=outcome.id))
