"""Citation downloads: one document, or a result list, as BibTeX (``cite.bib``), RIS (``cite.ris``) or CSL-JSON
(``cite.json``).

- ``/doc/<id>/cite.<ext>``: the document, if the visitor may see it (else the same 404 as a missing one);
- ``/search/cite.<ext>?<the search's parameters>``: the page of results the visitor is on, or with
  ``scope=all`` the first :data:`web.collect.EXPORT_LIMIT` results in the page's order.

Unlike feeds, an export is downloaded by the visitor in their browser, so it holds what their session may see
(members-only documents for members) and nothing more: the search masks by the visitor's levels as the
results page does.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, request

from ingest.model import Document
from search import QueryTooExpensive
from web.access import visible_levels
from web.citations import FORMATS, Format
from web.collect import EXPORT_LIMIT, first_documents, page_documents
from web.hub import get_hub
from web.messages import notice
from web.params import parse_args
from web.public_url import external
from web.views.documents import visible_document

bp = Blueprint("citations", __name__)


def _format(ext: str) -> Format:
    found = FORMATS.get(ext)
    if found is None:
        abort(404)
    return found


def _download(form: Format, docs: list[Document], stem: str, headers: dict[str, str] | None = None) -> Response:
    taxonomy = get_hub().taxonomy
    items = [
        (doc, external("documents.document_page", doc_id=doc.id), [taxonomy.label(a, "en") for a in doc.areas])
        for doc in docs
    ]
    response = Response(form.write(items), mimetype=form.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{stem}.{form.extension}"'
    response.headers.update(headers or {})
    return response


@bp.get("/doc/<doc_id>/cite.<ext>")
def document_citation(doc_id: str, ext: str):
    form = _format(ext)
    doc = visible_document(doc_id)
    return _download(form, [doc], f"skh-{doc.id}")


@bp.get("/search/cite.<ext>")
def results_citation(ext: str):
    form = _format(ext)
    hub = get_hub()
    search_request = parse_args(
        request.args, visible_levels(), hub.settings.search.limits, glossary=hub.settings.search.glossary
    )
    if request.args.get("scope") == "all":
        total, docs = first_documents(hub, search_request, EXPORT_LIMIT)
    else:
        result, docs = page_documents(hub, search_request)
        total = result.total
    # How many the search found, beside how many are in the file: a client can tell an export was cut.
    return _download(form, docs, "skh-results", {"X-Result-Total": str(total), "X-Result-Count": str(len(docs))})


@bp.errorhandler(QueryTooExpensive)
def too_expensive(error: QueryTooExpensive):
    return Response(notice(error) + "\n", status=503, mimetype="text/plain")
