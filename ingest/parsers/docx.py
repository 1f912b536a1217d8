"""Word documents: the text of every paragraph, in reading order, and the core properties.

The archive is checked for a ZIP bomb before anything opens it
(:mod:`ingest.zipsafety`). python-docx opens the package, gives the core
properties and the parts; the text is then read by walking the XML ourselves,
because ``Document.paragraphs`` misses what real documents hold outside the
body's top level: text boxes, footnotes and endnotes. Paragraphs inside
``mc:Fallback`` are skipped (Word writes a text box twice, once for old
readers), and so is deleted text (``w:delText`` is not ``w:t``).

Documents saved as "Strict Open XML" use other namespaces, which python-docx
does not know; they are read straight from the archive with the same walk,
which matches elements by local name and so works for both dialects.
"""

from __future__ import annotations

import io
import re
import zipfile

import docx
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from ingest.model import Parsed
from ingest.parsers import ParseError
from ingest.reasons import reason
from ingest.zipsafety import UnsafeArchive, check_archive

_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
_NOTE_PARTS = ("word/footnotes.xml", "word/endnotes.xml")


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _attr(element, name: str) -> str:
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return ""


def _paragraph_text(p) -> tuple[str, str]:
    """The text of one ``w:p`` (not of paragraphs nested in its text boxes) and its style id."""
    parts: list[str] = []
    style = ""
    stack = list(reversed(p))
    while stack:
        node = stack.pop()
        name = _local(node.tag)
        if name in ("p", "Fallback"):
            continue  # a nested paragraph is read on its own; a fallback repeats the choice
        if name == "pStyle" and not style:
            style = _attr(node, "val")
        elif name == "t" and node.text:
            parts.append(node.text)
        elif name in ("tab", "br", "cr"):
            parts.append(" ")
        stack.extend(reversed(node))
    return " ".join("".join(parts).split()), style


def _walk(root, style_names: dict[str, str]) -> tuple[list[str], list[str]]:
    paragraphs: list[str] = []
    headings: list[str] = []
    for p in root.iter("{*}p"):
        if any(_local(a.tag) == "Fallback" for a in p.iterancestors()):
            continue
        text, style = _paragraph_text(p)
        if not text:
            continue
        paragraphs.append(text)
        name = style_names.get(style, style).lower()
        if name.startswith(("heading", "title")):
            headings.append(text)
    return paragraphs, headings


def _style_names(xml: bytes | None) -> dict[str, str]:
    if not xml:
        return {}
    names: dict[str, str] = {}
    for style in etree.fromstring(xml, _XML).iter("{*}style"):
        name = next((_attr(n, "val") for n in style if _local(n.tag) == "name"), "")
        names[_attr(style, "styleId")] = name
    return names


def _app_property(archive: zipfile.ZipFile, name: str) -> str:
    """One extended property (docProps/app.xml): ``Company``, ``Pages`` (as Word last laid the text out)."""
    try:
        xml = archive.read("docProps/app.xml").decode("utf-8", errors="replace")
    except KeyError:
        return ""
    m = re.search(rf"<(?:\w+:)?{name}>([^<]*)</(?:\w+:)?{name}>", xml)
    return m.group(1).strip() if m else ""


def _core_from_docx(document) -> dict[str, object]:
    props = document.core_properties
    found: dict[str, object] = {}
    if props.title:
        found["title"] = props.title
    if props.author:
        found["authors"] = [a.strip() for a in props.author.split(";") if a.strip()]
    if props.subject:
        found["abstract"] = props.subject
    if props.category:
        found["type"] = props.category
    if props.language:
        found["lang"] = props.language
    if props.created:
        found["date"] = props.created.date().isoformat()
    return found


def _core_from_xml(xml: bytes | None) -> dict[str, object]:
    """Core properties by local name (Strict documents, which python-docx cannot open)."""
    if not xml:
        return {}
    values = {_local(n.tag): (n.text or "").strip() for n in etree.fromstring(xml, _XML)}
    found: dict[str, object] = {}
    for source, target in (("title", "title"), ("subject", "abstract"), ("category", "type"), ("language", "lang")):
        if values.get(source):
            found[target] = values[source]
    if values.get("creator"):
        found["authors"] = [a.strip() for a in values["creator"].split(";") if a.strip()]
    if values.get("created"):
        found["date"] = values["created"][:10]
    return found


def _read(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        return archive.read(name)
    except KeyError:
        return None


def parse_docx(data: bytes) -> Parsed:
    try:
        check_archive(data)
    except UnsafeArchive as exc:
        raise ParseError(reason("docx_unsafe", detail=exc.reason)) from exc
    except zipfile.BadZipFile as exc:
        raise ParseError(reason("docx_not_zip")) from exc
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            try:
                document = docx.Document(io.BytesIO(data))
                metadata = _core_from_docx(document)
                main = document.element
                styles = {s.style_id: s.name or "" for s in document.styles}
            except (PackageNotFoundError, KeyError, ValueError, AttributeError):
                # Strict Open XML or a package python-docx will not open: read the parts directly.
                xml = _read(archive, "word/document.xml")
                if xml is None:
                    raise ParseError(reason("docx_no_document")) from None
                main = etree.fromstring(xml, _XML)
                metadata = _core_from_xml(_read(archive, "docProps/core.xml"))
                styles = _style_names(_read(archive, "word/styles.xml"))
            paragraphs, headings = _walk(main, styles)
            for part in _NOTE_PARTS:  # footnotes and endnotes are part of what the author wrote
                xml = _read(archive, part)
                if xml:
                    paragraphs.extend(_walk(etree.fromstring(xml, _XML), styles)[0])
            company = _app_property(archive, "Company")
            pages = _app_property(archive, "Pages")
    except (zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
        raise ParseError(reason("docx_damaged", error=f"{exc.__class__.__name__}: {str(exc)[:120]}")) from exc
    if company:
        metadata["org"] = company
    if "title" not in metadata and headings:
        metadata["title"] = headings[0]
    body = "\n\n".join(paragraphs)
    if not body.strip():
        raise ParseError(reason("docx_no_text"))
    count = int(pages) if pages.isdigit() and 0 < int(pages) < 100_000 else None
    return Parsed(format="docx", body=body, metadata=metadata, headings=headings, pages=count)
