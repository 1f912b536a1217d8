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
from dataclasses import dataclass, field

import docx
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from ingest.model import Parsed
from ingest.parsers import ParseError
from ingest.reasons import reason
from ingest.structure import BlockBuilder
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


@dataclass
class _Para:
    """One ``w:p``: its text, its style id, and its list numbering (``num_id`` "" when it has none)."""

    text: str
    style: str = ""
    num_id: str = ""
    ilvl: str = "0"


def _paragraph(p) -> _Para:
    """The text of one ``w:p`` (not of paragraphs nested in its text boxes) and its properties."""
    parts: list[str] = []
    found = _Para("")
    stack = list(reversed(p))
    while stack:
        node = stack.pop()
        name = _local(node.tag)
        if name in ("p", "Fallback"):
            continue  # a nested paragraph is read on its own; a fallback repeats the choice
        if name == "pStyle" and not found.style:
            found.style = _attr(node, "val")
        elif name == "numId" and not found.num_id:
            found.num_id = _attr(node, "val")
        elif name == "ilvl":
            found.ilvl = _attr(node, "val") or "0"
        elif name == "t" and node.text:
            parts.append(node.text)
        elif name in ("tab", "br", "cr"):
            parts.append(" ")
        stack.extend(reversed(node))
    found.text = " ".join("".join(parts).split())
    return found


def _walk(root, style_names: dict[str, str], numbering: dict[tuple[str, str], bool]) -> _Text:
    found = _Text()
    for p in root.iter("{*}p"):
        if any(_local(a.tag) == "Fallback" for a in p.iterancestors()):
            continue
        para = _paragraph(p)
        if not para.text:
            continue
        found.paragraphs.append(para.text)
        name = style_names.get(para.style, para.style).lower()
        if name.startswith(("heading", "title")):
            found.headings.append(para.text)
            level = re.search(r"\d+", name)
            found.builder.heading(para.text, int(level.group()) if level and name.startswith("heading") else 1)
        elif para.num_id not in ("", "0"):
            found.builder.item(para.text, para.num_id, numbering.get((para.num_id, para.ilvl), False))
        elif name.startswith(("list bullet", "list number")):
            found.builder.item(para.text, name, name.startswith("list number"))
        else:
            found.builder.paragraph(para.text)
    return found


@dataclass
class _Text:
    paragraphs: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    builder: BlockBuilder = field(default_factory=BlockBuilder)


def _numbering(xml: bytes | None) -> dict[tuple[str, str], bool]:
    """(numId, level) -> whether that list level is numbered (ordered) rather than bulleted."""
    if not xml:
        return {}
    try:
        root = etree.fromstring(xml, _XML)
    except etree.XMLSyntaxError:
        return {}  # damaged numbering costs whether lists are numbered, never the document
    formats: dict[str, dict[str, bool]] = {}
    for abstract in root.iter("{*}abstractNum"):
        levels: dict[str, bool] = {}
        for lvl in abstract.iter("{*}lvl"):
            fmt = next((_attr(n, "val") for n in lvl if _local(n.tag) == "numFmt"), "bullet")
            levels[_attr(lvl, "ilvl") or "0"] = fmt not in ("bullet", "none", "")
        formats[_attr(abstract, "abstractNumId")] = levels
    found: dict[tuple[str, str], bool] = {}
    for num in root.iter("{*}num"):
        abstract_id = next((_attr(n, "val") for n in num if _local(n.tag) == "abstractNumId"), "")
        for ilvl, ordered in formats.get(abstract_id, {}).items():
            found[(_attr(num, "numId"), ilvl)] = ordered
    return found


def _style_names(xml: bytes | None) -> dict[str, str]:
    if not xml:
        return {}
    names: dict[str, str] = {}
    for style in etree.fromstring(xml, _XML).iter("{*}style"):
        name = next((_attr(n, "val") for n in style if _local(n.tag) == "name"), "")
        names[_attr(style, "styleId")] = name
    return names


def _company(archive: zipfile.ZipFile) -> str:
    try:
        xml = archive.read("docProps/app.xml").decode("utf-8", errors="replace")
    except KeyError:
        return ""
    m = re.search(r"<(?:\w+:)?Company>([^<]*)</(?:\w+:)?Company>", xml)
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
            numbering = _numbering(_read(archive, "word/numbering.xml"))
            text = _walk(main, styles, numbering)
            for part in _NOTE_PARTS:  # footnotes and endnotes are part of what the author wrote
                xml = _read(archive, part)
                if xml:
                    for note in _walk(etree.fromstring(xml, _XML), styles, numbering).paragraphs:
                        text.paragraphs.append(note)
                        text.builder.paragraph(note)
            company = _company(archive)
    except (zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
        raise ParseError(reason("docx_damaged", error=f"{exc.__class__.__name__}: {str(exc)[:120]}")) from exc
    if company:
        metadata["org"] = company
    if "title" not in metadata and text.headings:
        metadata["title"] = text.headings[0]
    body = "\n\n".join(text.paragraphs)
    if not body.strip():
        raise ParseError(reason("docx_no_text"))
    return Parsed(format="docx", body=body, metadata=metadata, headings=text.headings, blocks=text.builder.blocks)
