"""One file's bytes to a catalog document: detect, parse, merge metadata, detect the language.

Pure (bytes and explicit metadata in, a :class:`Document` or a reason out), so
it runs in the parser child process (:mod:`ingest.sandbox`) and, for the
benchmarks and evaluations, in-process. Areas are assigned after it: in the
same parser child when its pool was given the area classifier (a bulk load,
:mod:`ingest.sandbox`), otherwise by the ingestor once the document is back
(:func:`ingest.areas.assign_areas`).
"""

from __future__ import annotations

import time
from pathlib import Path

from ingest.detect import UnsupportedType, detect_format
from ingest.front_matter import complete_abstract, strip_front_matter
from ingest.language import detect_language
from ingest.metadata import heuristic_title, merge, normalise
from ingest.model import Document
from ingest.parsers import ParseError, get_parser
from ingest.reasons import ReasonError, reason
from ingest.store import sha256_of
from ingest.structure import stored_structure
from ingest.textnorm import clean_body, text_hash

MIN_TEXT_CHARS = 20
"""Less text than this cannot be found by any sensible query; such files are refused and say so."""
MAX_BODY_CHARS = 5_000_000
"""Text beyond this is not indexed (the original is kept whole); about 2,500 pages."""


class IngestError(ReasonError):
    """A file that cannot become a document; the message says why, in English.

    The message is a :class:`ingest.reasons.Reason`, whose ``code`` and ``params`` (also the error's) say the
    same for an interface in another language (``web.messages_ingest.ingest_reason``).
    """


def _choose_language(body: str, explicit: dict[str, object], meta: dict[str, object]) -> str:
    if "lang" in explicit:
        return str(explicit["lang"])
    detected, confidence = detect_language(body)
    if detected and (confidence >= 0.9 or "lang" not in meta):
        return detected  # text beats a template's stale lang="en"
    return str(meta.get("lang") or detected or "en")


def extract(
    data: bytes,
    filename: str,
    source: str,
    explicit: dict[str, object],
    *,
    notes: list[str] | None = None,
    times: dict[str, float] | None = None,
) -> Document:
    """Parse one file's bytes into a catalog document (areas as given, if any).

    Raises :class:`IngestError` with a reason a person can act on. ``notes``
    collects what a person should know about a file that did go in (its text
    was cut); ``times`` (benchmarks only) collects seconds per stage.
    """
    started = time.perf_counter() if times is not None else 0.0
    try:
        fmt = detect_format(data)
        parsed = get_parser(fmt)(data)
    except (UnsupportedType, ParseError) as exc:
        raise IngestError(exc.reason) from exc
    body = clean_body(parsed.body)
    if len(body) < MIN_TEXT_CHARS:
        if not body:
            raise IngestError(reason("no_text", format=fmt.upper()))
        raise IngestError(reason("too_little_text", chars=len(body), format=fmt.upper(), needed=MIN_TEXT_CHARS))
    if len(body) > MAX_BODY_CHARS:
        if notes is not None:
            notes.append(reason("text_cut", kept=MAX_BODY_CHARS, chars=len(body)))
        body = body[:MAX_BODY_CHARS]
    embedded = normalise(parsed.metadata)
    heuristics = {"title": heuristic_title(parsed.headings, body, filename)}
    meta = merge(explicit, embedded, heuristics)
    if times is not None:
        parsed_at = time.perf_counter()
        times["parse"] = times.get("parse", 0.0) + parsed_at - started

    lang = _choose_language(body, explicit, meta)
    if times is not None:
        times["language"] = times.get("language", 0.0) + time.perf_counter() - parsed_at

    digest = sha256_of(data)
    abstract = complete_abstract(str(meta.get("abstract", "")), body)
    text = strip_front_matter(
        body, str(meta["title"]), list(meta.get("authors", [])), str(meta.get("org", "")), abstract, MIN_TEXT_CHARS
    )
    return Document(
        id=digest[:12],
        sha256=digest,
        source=source,
        filename=Path(filename).name[:255],
        format=fmt,
        size=len(data),
        title=str(meta["title"]),
        body=text,  # the text proper: its title, byline and abstract copy are metadata (ingest/front_matter.py)
        structure=stored_structure(parsed.blocks, body, text),  # the same text as headings, paragraphs, lists
        abstract=abstract,
        authors=list(meta.get("authors", [])),
        org=str(meta.get("org", "")),
        date=str(meta.get("date", "")),
        year=meta.get("year"),
        type=str(meta.get("type") or "document"),
        lang=lang,
        areas=list(meta.get("areas", [])),
        visibility=str(meta.get("visibility") or "public"),
        doi=str(meta.get("doi", "")),
        url=str(meta.get("url", "")),
        text_sha256=text_hash(body),  # of the whole text, as before front matter was taken off
    )
