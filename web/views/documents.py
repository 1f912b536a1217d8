"""Document pages and downloads of stored originals."""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, render_template, url_for

from ingest.store import path_for
from web.access import can_see, visible_levels
from web.citations import FORMATS, doi_url
from web.document_text import page_text
from web.highwire import meta_tags
from web.hub import get_hub
from web.public_url import external
from web.suggestions import related_documents
from web.works_view import work_listing

bp = Blueprint("documents", __name__)

DOC_ID = re.compile(r"[0-9a-f]{12,64}")
SAFE_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
EXTENSIONS = {"pdf": ".pdf", "docx": ".docx", "html": ".html", "markdown": ".md", "text": ".txt"}


def visible_document(doc_id: str):
    """The document, or 404 — the same 404 for missing, hidden and malformed ids."""
    if not DOC_ID.fullmatch(doc_id):
        abort(404)
    doc = get_hub().catalog.get(doc_id)
    if not can_see(doc):
        abort(404)
    return doc


@bp.get("/doc/<doc_id>")
def document_page(doc_id: str):
    doc = visible_document(doc_id)
    text = page_text(doc)
    related = related_documents(get_hub(), doc, visible_levels())
    # The page is only shown to a visitor who may see the document, and so download its original.
    pdf_url = external("documents.original", doc_id=doc.id) if doc.format == "pdf" else ""
    return render_template(
        "document.html",
        doc=doc,
        text=text,
        related=related,
        work=work_listing(doc),  # read once for the page's canonical link and its formats and versions
        citation_meta=meta_tags(doc, pdf_url),
        doi_url=doi_url(doc.doi),
        citation_links=[
            (f.name, url_for("citations.document_citation", doc_id=doc.id, ext=ext)) for ext, f in FORMATS.items()
        ],
    )


@bp.get("/doc/<doc_id>/original")
def original(doc_id: str):
    doc = visible_document(doc_id)
    path = path_for(get_hub().datadir.originals, doc.sha256)
    if not path.exists():
        abort(404)
    # Served as a download with a type that never renders as a page here:
    # an uploaded HTML file must not run in our origin.
    mimetype = SAFE_TYPES.get(doc.format, "application/octet-stream")
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", doc.filename.rsplit(".", 1)[0]).strip("-") or doc.id
    filename = stem[:80] + EXTENSIONS.get(doc.format, "")
    response = Response(path.read_bytes(), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
