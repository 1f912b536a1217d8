"""One parked upload as the review page shows it, and discarding one.

The review form is built here for the upload step, the publish step (after a field was wrong) and the
batch page alike, so they all prefill, label and validate it the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from ingest.model import Document
from ingest.orphans import release_originals
from web.forms import ReviewFields, with_areas
from web.hub import Hub
from web.i18n import current_language
from web.write_wait import bounded_write

PREVIEW_CHARS = 1500
"""How much of the extracted text the review shows: enough to see that the right text came out."""


@dataclass
class Review:
    token: str
    doc: Document
    fields: ReviewFields
    pages: int | None = None

    @property
    def preview(self) -> str:
        text = self.doc.body[:PREVIEW_CHARS]
        return text + "…" if len(self.doc.body) > PREVIEW_CHARS else text


def prefill(form, doc: Document):
    """The form's fields as the document has them (the review's and the edit page's starting point)."""
    form.title.data = doc.title
    form.authors.data = "; ".join(doc.authors)
    form.org.data = doc.org
    form.year.data = doc.year
    form.type.data = doc.type if doc.type != "document" else ""
    form.areas.data = list(doc.areas)
    form.visibility.data = doc.visibility
    try:  # only a full date fits the date widget; a month or a year stays as the year
        form.date.data = dt.date.fromisoformat(doc.date) if len(doc.date) == 10 else None
    except ValueError:
        form.date.data = None
    return form


def review_of(hub: Hub, owner: str, token: str, doc: Document, posted: MultiDict | None = None) -> Review:
    """The review of a parked upload: prefilled from the document, or with what the reviewer ``posted``."""
    if posted is None:
        fields = prefill(ReviewFields(prefix=token), doc)
    else:
        fields = ReviewFields(posted, prefix=token)
    fields = with_areas(fields, hub.taxonomy, current_language())
    pages = hub.pending.facts(owner, token).get("pages")
    return Review(token, doc, fields, pages if isinstance(pages, int) else None)


def discard_pending(hub: Hub, owner: str, token: str) -> Document | None:
    """Drop ``owner``'s parked upload and its original, unless a document or another upload holds the same
    bytes. Under the writer (raises ``WriterBusy``), as every removal of an original is (ingest.orphans)."""
    with bounded_write(hub):
        doc = hub.pending.take(owner, token)
        if doc is not None:
            release_originals(hub.datadir, hub.catalog, [doc.sha256], hub.pending.hashes)
    return doc
