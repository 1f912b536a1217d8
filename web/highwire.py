"""Highwire Press ``citation_*`` meta tags for a document page: what Google Scholar, Zotero's connector and
other reference managers read to cite the page without a download."""

from __future__ import annotations

from ingest.model import Document
from web.citations import bare_doi, date_parts, kind, one_line


def meta_tags(doc: Document, pdf_url: str = "") -> list[tuple[str, str]]:
    """(name, content) pairs, one ``citation_author`` per author; ``pdf_url``: the original's absolute address
    when it is a PDF the visitor may download ("" leaves ``citation_pdf_url`` out)."""
    tags = [("citation_title", one_line(doc.title))]
    tags += [("citation_author", one_line(name)) for name in doc.authors if one_line(name)]
    parts = date_parts(doc)
    if parts:
        tags.append(("citation_publication_date", "/".join(f"{p:02d}" for p in parts)))
    if doc.org:
        field = {"techreport": "technical_report_institution", "thesis": "dissertation_institution"}
        tags.append((f"citation_{field.get(kind(doc).bibtex, 'publisher')}", one_line(doc.org)))
    if bare_doi(doc.doi):
        tags.append(("citation_doi", bare_doi(doc.doi)))
    if pdf_url:
        tags.append(("citation_pdf_url", pdf_url))
    if doc.lang:
        tags.append(("citation_language", doc.lang))
    return tags
