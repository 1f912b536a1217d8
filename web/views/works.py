"""Staff linking documents into works (ingest.works): from a document's page, and from an upload's review.

Every link and unlink is a write through the one index writer (it moves which member the index holds), and
is recorded in the audit log as a "version_link".
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ingest.report import Outcome
from ingest.work_links import LinkError, link_documents, unlink_document
from web.access import staff_required
from web.forms import PostForm, WorkLinkForm
from web.hub import Hub, get_hub
from web.views.documents import DOC_ID
from web.views.staff import busy_message
from web.works_view import CHOICE
from web.write_wait import WriterBusy, bounded_write

bp = Blueprint("works", __name__)

_ID_IN = re.compile(r"(?:^|/doc/)([0-9a-f]{12,64})(?:[/?#]|$)")


def doc_or_404(doc_id: str):
    doc = get_hub().catalog.get(doc_id) if DOC_ID.fullmatch(doc_id) else None
    if doc is None:
        abort(404)
    return doc


def link_into_work(hub: Hub, doc_id: str, target_id: str, kind: str) -> bool:
    """Link and record it; False (with a message flashed) when it could not be saved."""
    try:
        with bounded_write(hub):
            link_documents(hub.datadir, hub.catalog, doc_id, target_id, kind, current_user.email, hub.max_merge_docs)
    except LinkError:
        flash(_("That document cannot be linked to this one."))
        return False
    except WriterBusy:
        flash(busy_message(_("The link was not saved.")))
        return False
    hub.accounts.record(current_user.email, "version_link", doc_id, kind=kind, to=target_id)
    return True


@bp.post("/doc/<doc_id>/work/link")
@staff_required
def link(doc_id: str):
    hub = get_hub()
    doc_or_404(doc_id)
    form = WorkLinkForm()
    if not form.validate_on_submit():
        flash(_("Say which document this one belongs with."))
        return redirect(url_for("documents.document_page", doc_id=doc_id))
    found = _ID_IN.search(form.other.data.strip())
    target = found.group(1) if found else ""
    if target and link_into_work(hub, doc_id, target, form.kind.data):
        flash(_("Linked."))
    elif not target:
        flash(_("That document cannot be linked to this one."))
    return redirect(url_for("documents.document_page", doc_id=doc_id))


@bp.post("/doc/<doc_id>/work/unlink")
@staff_required
def unlink(doc_id: str):
    hub = get_hub()
    doc_or_404(doc_id)
    if not PostForm().validate_on_submit():
        abort(400)
    try:
        with bounded_write(hub):
            unlink_document(hub.datadir, hub.catalog, doc_id, hub.max_merge_docs)
    except WriterBusy:
        flash(busy_message(_("The link was not removed.")))
        return redirect(url_for("documents.document_page", doc_id=doc_id))
    hub.accounts.record(current_user.email, "version_link", doc_id, kind="separate")
    flash(_("This document now stands alone."))
    return redirect(url_for("documents.document_page", doc_id=doc_id))


def link_from_review(hub: Hub, token: str, outcome: Outcome) -> None:
    """After an upload is published: link it as the reviewer chose in its "_work_choice.html" fieldset. Only a
    document the upload added: one it found already in the hub (the same text) keeps the links it has."""
    found = CHOICE.fullmatch(request.form.get(f"{token}-work", "separate"))
    if outcome.status != "added" or outcome.id is None or not found or not found.group(2):
        return
    if link_into_work(hub, outcome.id, found.group(3), found.group(2)):
        flash(_("Linked."))
