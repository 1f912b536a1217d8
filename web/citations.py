"""Citations of catalog documents as BibTeX, RIS and CSL-JSON, for reference managers.

The writers are small and written here on purpose: the point of a citation file is its escaping (BibTeX's
braces and LaTeX specials, with Danish letters kept as UTF-8 as biber and Zotero read them; RIS's one value
per line), which no kept library does the way a UTF-8 bibliography wants it (bibtexparser's writer leaves
escaping to the caller, its LaTeX encoder turns æøå into macros). The tests read every format back with the
parsers reference managers' authors maintain (bibtexparser, rispy), so a writer mistake fails there.

Nothing here knows about the request: the views pass each document's absolute page address and the area
labels; what a visitor may see has been decided before a document gets here.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ingest.model import Document


@dataclass(frozen=True)
class Kind:
    """How one catalog document type is called in each format; ``label`` names it where the format's type is
    broader (a white paper is a BibTeX ``techreport`` of ``type = {White paper}``)."""

    bibtex: str
    ris: str
    csl: str
    label: str = ""


# The catalog's types (web/forms.py TYPES, ingest/metadata.py); anything else is a generic document.
KINDS = {
    "publication": Kind("article", "JOUR", "article-journal"),
    "report": Kind("techreport", "RPRT", "report"),
    "white-paper": Kind("techreport", "RPRT", "report", "White paper"),
    "case-study": Kind("techreport", "RPRT", "report", "Case study"),
    "event-report": Kind("techreport", "RPRT", "report", "Event report"),
    "thesis": Kind("thesis", "THES", "thesis"),  # biblatex's type: the catalog does not say PhD or master's
    "standard-summary": Kind("misc", "STAND", "standard", "Standard summary"),
    "news": Kind("misc", "NEWS", "article-newspaper", "News"),
}
OTHER = Kind("misc", "GEN", "document")
# Where the organisation goes: the institution of a report or thesis, else the publisher.
_INSTITUTION_TYPES = {"techreport", "thesis"}
LANGUAGE_NAMES = {"da": "danish", "en": "english", "de": "german", "sv": "swedish", "no": "norwegian"}
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

_DOI = re.compile(r"10\.\d{4,9}/\S+")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_KEY_WORD_SKIP = {"the", "a", "an", "of", "on", "in", "for", "and", "og", "i", "på", "af", "en", "et", "det", "den"}


def kind(doc: Document) -> Kind:
    found = KINDS.get(doc.type)
    if found:
        return found
    return Kind(OTHER.bibtex, OTHER.ris, OTHER.csl, doc.type.replace("-", " ").capitalize())


def one_line(text: str) -> str:
    """``text`` on one line, without the control characters XML and citation files cannot hold."""
    return " ".join(_CONTROL.sub(" ", text or "").split())


def bare_doi(text: str) -> str:
    """The DOI in ``text`` (``10.1234/x``, also written ``doi:10.1234/x`` or as a doi.org link), or ""."""
    match = _DOI.fullmatch(_DOI_PREFIX.sub("", one_line(text)))
    return match.group(0) if match else ""


def doi_url(text: str) -> str:
    doi = bare_doi(text)
    return f"https://doi.org/{doi}" if doi else ""


def date_parts(doc: Document) -> list[int]:
    """[year], [year, month] or [year, month, day] of the document's date, or [] when it has none."""
    if doc.date and re.fullmatch(r"\d{4}(-\d{2}){0,2}", doc.date):
        return [int(p) for p in doc.date.split("-")]
    return [doc.year] if doc.year else []


def name_parts(name: str) -> tuple[str, str]:
    """(family, given) of a person's name as the catalog holds it: "Holm, Lars" and "Lars Holm" give
    ("Holm", "Lars"), "Jan van der Berg" ("van der Berg", "Jan"); a single word is all family (word, "")."""
    name = one_line(name)
    if name.count(",") == 1:
        family, given = (p.strip() for p in name.split(","))
        return family, given
    words = name.split()
    if len(words) < 2 or "," in name:
        return name, ""
    start = len(words) - 1
    while start > 1 and words[start - 1][:1].islower():
        start -= 1  # a particle (van, de, von) belongs to the family name
    return " ".join(words[start:]), " ".join(words[:start])


def _ascii(text: str) -> str:
    for letter, spelled in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("ß", "ss")):
        text = text.replace(letter, spelled)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def citation_key(doc: Document) -> str:
    """A key that stays the same for the same document in every export: the first author's family name (else
    the organisation), the year and the title's first word, in ASCII, then the start of the document id, so two
    reports of one author and year never share a key."""
    who = name_parts(doc.authors[0])[0] if doc.authors else doc.org
    words = [w for w in re.findall(r"\w+", doc.title.lower()) if w not in _KEY_WORD_SKIP and not w.isdigit()]
    parts = (_ascii(who.lower()), str(doc.year or ""), _ascii(words[0]) if words else "")
    stem = "".join(re.sub(r"[^a-z0-9]+", "", p) for p in parts) or "skh"
    return f"{stem[:40]}-{doc.id[:6]}"


# -- BibTeX ------------------------------------------------------------------------------------------------

_LATEX = {
    "\\": r"\textbackslash{}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def bibtex_text(text: str) -> str:
    """``text`` for a braced BibTeX value: LaTeX's specials escaped, letters (æøå) kept as UTF-8.

    BibTeX counts every brace, escaped or not, to find a value's end, so braces become ``\\{ \\}`` only when
    they pair up; a stray one is written ``\\textbraceleft{}`` and cannot end the entry early.
    """
    text = one_line(text)
    braces = {"{": r"\{", "}": r"\}"} if _balanced(text) else {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}
    return "".join(braces.get(ch) or _LATEX.get(ch, ch) for ch in text)


def bibtex_name(name: str) -> str:
    family, given = name_parts(name)
    if not given or re.search(r"\band\b", name, re.I):
        return "{" + bibtex_text(one_line(name)) + "}"  # one unit: an organisation, or "and" inside a name
    return f"{bibtex_text(family)}, {bibtex_text(given)}"


def bibtex_entry(doc: Document, page_url: str, area_labels: Iterable[str] = ()) -> str:
    """One ``@type{key, ...}`` entry."""
    k = kind(doc)
    fields: list[tuple[str, str]] = []
    if doc.authors:
        fields.append(("author", " and ".join(bibtex_name(a) for a in doc.authors)))
    fields.append(("title", bibtex_text(doc.title)))
    parts = date_parts(doc)
    if parts:
        fields.append(("year", str(parts[0])))
        if len(parts) > 1:
            fields.append(("month", MONTHS[parts[1] - 1]))  # a month macro, the one value written unbraced
        fields.append(("date", "-".join(f"{p:02d}" for p in parts)))
    if doc.org:
        fields.append(("institution" if k.bibtex in _INSTITUTION_TYPES else "publisher", bibtex_text(doc.org)))
    if k.label:
        fields.append(("type", bibtex_text(k.label)))
    if doc.lang:
        fields.append(("langid", bibtex_text(LANGUAGE_NAMES.get(doc.lang, doc.lang))))
    if bare_doi(doc.doi):
        fields.append(("doi", bibtex_text(bare_doi(doc.doi))))
    fields.append(("url", bibtex_text(page_url)))
    if doc.abstract:
        fields.append(("abstract", bibtex_text(doc.abstract)))
    labels = [one_line(label) for label in area_labels]
    if labels:
        fields.append(("keywords", bibtex_text(", ".join(labels))))
    lines = [f"  {name} = {value}," if name == "month" else f"  {name} = {{{value}}}," for name, value in fields]
    return "@" + k.bibtex + "{" + citation_key(doc) + ",\n" + "\n".join(lines) + "\n}\n"


# -- RIS ---------------------------------------------------------------------------------------------------


def ris_record(doc: Document, page_url: str, area_labels: Iterable[str] = ()) -> str:
    """One RIS record, ``TY`` to ``ER``: one tag and value a line, the value on one line."""
    k = kind(doc)
    tags: list[tuple[str, str]] = [("TY", k.ris), ("ID", citation_key(doc))]
    tags += [("AU", ", ".join(p for p in name_parts(a) if p)) for a in doc.authors]
    tags.append(("TI", doc.title))
    parts = date_parts(doc)
    if parts:
        tags.append(("PY", str(parts[0])))
        tags.append(("DA", "/".join(f"{p:02d}" for p in parts) + "/" * (4 - len(parts))))
    if doc.org:
        tags.append(("PB", doc.org))
    if k.label:
        tags.append(("M3", k.label))
    if doc.lang:
        tags.append(("LA", doc.lang))
    if bare_doi(doc.doi):
        tags.append(("DO", bare_doi(doc.doi)))
    tags.append(("UR", page_url))
    if doc.abstract:
        tags.append(("AB", doc.abstract))
    tags += [("KW", label) for label in area_labels]
    lines = [f"{tag}  - {one_line(value)}" for tag, value in tags if one_line(value)]
    return "\r\n".join(lines + ["ER  - ", ""])


# -- CSL-JSON ----------------------------------------------------------------------------------------------


def csl_item(doc: Document, page_url: str, area_labels: Iterable[str] = ()) -> dict[str, object]:
    """One CSL-JSON item (the input format of citeproc, Zotero, Pandoc)."""
    k = kind(doc)
    item: dict[str, object] = {"id": citation_key(doc), "type": k.csl, "title": one_line(doc.title)}
    authors = []
    for name in doc.authors:
        family, given = name_parts(name)
        authors.append({"family": family, "given": given} if given else {"literal": family})
    if authors:
        item["author"] = authors
    parts = date_parts(doc)
    if parts:
        item["issued"] = {"date-parts": [parts]}
    if doc.org:
        item["publisher"] = one_line(doc.org)
    if k.label:
        item["genre"] = k.label
    if doc.lang:
        item["language"] = doc.lang
    if bare_doi(doc.doi):
        item["DOI"] = bare_doi(doc.doi)
    item["URL"] = page_url
    if doc.abstract:
        item["abstract"] = one_line(doc.abstract)
    labels = [one_line(label) for label in area_labels]
    if labels:
        item["keyword"] = ", ".join(labels)
    return item


@dataclass(frozen=True)
class Format:
    """One export format: its file extension, name, media type and how a list of documents is written."""

    extension: str
    name: str
    mimetype: str
    write: Callable[[list[tuple[Document, str, list[str]]]], str]


Items = list[tuple[Document, str, list[str]]]


def _bibtex(items: Items) -> str:
    return "\n".join(bibtex_entry(*item) for item in items)


def _ris(items: Items) -> str:
    return "".join(ris_record(*item) for item in items)


def _csl_json(items: Items) -> str:
    return json.dumps([csl_item(*item) for item in items], ensure_ascii=False, indent=2) + "\n"


FORMATS = {
    "bib": Format("bib", "BibTeX", "application/x-bibtex", _bibtex),
    "ris": Format("ris", "RIS", "application/x-research-info-systems", _ris),
    "json": Format("json", "CSL-JSON", "application/vnd.citationstyles.csl+json", _csl_json),
}
"""The formats by extension: ``cite.bib``, ``cite.ris``, ``cite.json``. Each writer takes (document, absolute
page address, area labels) triples."""
