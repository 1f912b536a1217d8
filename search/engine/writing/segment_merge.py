"""Writing a segment's postings: new documents' and merged segments', term by term.

Whoosh merges segments by feeding every posting of every merged segment
through its posting pool one at a time (a generator step, a document-number
look-up and a pool entry per posting), sorting them in memory or in runs on
disk, and writing them out one at a time again. At 100,000 reports one merge
of twenty segments took 11 of the build's 29 minutes.

Each segment's terms are already sorted and its documents get consecutive
new numbers, so the merged segment is written here by walking the term lists
of all the sources side by side (a k-way merge): the new documents' postings
(held per term by :class:`search.engine.writing.bucket_pool.BucketPool`) and each merged
segment's, read block by block with whole-block operations and renumbered.
Memory holds one term's postings at a time. The bytes written are the bytes
Whoosh's own merge writes, but for which small blocks are compressed
(:mod:`search.engine.format.posting_blocks`; ``tests/test_fastterms.py`` compares them).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby

from whoosh.codec.whoosh3 import W3TermsReader, _lenfield
from whoosh.matching import ListMatcher
from whoosh.reading import SegmentReader
from whoosh.system import emptybytes

from search.engine.fallbacks import fell_back
from search.engine.format.posting_blocks import term_writer
from search.engine.format.postings import Columns, is_blocks, read_blocks
from search.engine.reading.segments import term_infos


@dataclass
class MergedSegment:
    """A segment whose documents this writer copied (``add_reader``); its postings are written at flush."""

    reader: SegmentReader
    startdoc: int
    docmap: dict[int, int] | None
    """Old to new document numbers when the segment has deletions (deleted ones absent); else None."""


def can_stream(reader: object) -> bool:
    """True if :func:`write_postings` can read this reader's postings block by block.

    When not, the caller merges the segment through Whoosh's per-posting pool, which is logged.
    """
    if type(reader) is SegmentReader and type(reader._terms) is W3TermsReader:
        return True
    fell_back("segment merge", f"a {type(reader).__name__} is merged posting by posting")
    return False


def write_postings(
    fieldwriter,
    schema,
    buckets: dict[str, dict[bytes, list[tuple[int, float, bytes]]]],
    merged: Sequence[MergedSegment],
    lengths_reader,
    doc_count: int,
    in_order: bool,
) -> None:
    """Write every field's terms from the new documents (``buckets``) and the ``merged`` segments."""
    fieldnames = set(buckets)
    for source in merged:
        fieldnames.update(name for name in source.reader._terms.indexed_field_names() if name in schema)
    for fieldname in sorted(fieldnames):
        field = schema[fieldname]
        lengths = _lengths(lengths_reader, fieldname, doc_count)
        fieldwriter.start_field(fieldname, field)
        write_term = term_writer(fieldwriter) or _per_posting_writer(fieldwriter, fieldname)
        terms = buckets.get(fieldname, {})
        if not merged:  # new documents only (every commit but a merge's): no sources to walk side by side
            for tbytes in sorted(terms):
                held = terms[tbytes]
                if not in_order:
                    held.sort()
                write_term(tbytes, *zip(*held, strict=True), lengths)
            fieldwriter.finish_field()
            continue
        streams = [((tbytes, 0, terms[tbytes]) for tbytes in sorted(terms))]
        streams += [_field_terms(source.reader, fieldname, number) for number, source in enumerate(merged, start=1)]
        for tbytes, group in groupby(heapq.merge(*streams, key=_term_and_source), key=_term):
            parts: list[Columns] = []
            for _tbytes, number, held in group:
                if number == 0:
                    if not in_order:
                        held.sort()
                    parts.append(([p[0] for p in held], [p[1] for p in held], [p[2] for p in held]))
                else:
                    part = _read_postings(merged[number - 1], field.format, held)
                    if part[0]:  # empty when every document was deleted
                        parts.append(part)
            if parts:  # a term whose documents were all deleted is not written
                write_term(tbytes, *_concatenate(parts), lengths)
        fieldwriter.finish_field()


def _concatenate(parts: list[Columns]) -> Columns:
    """One posting list from parts that are each in document order (whole parts usually follow each other)."""
    if len(parts) == 1:
        return parts[0]
    parts.sort(key=lambda part: part[0][0])
    if any(a[0][-1] >= b[0][0] for a, b in zip(parts, parts[1:], strict=False)):  # interleaved: sort them all
        rows = sorted(row for part in parts for row in zip(*part, strict=True))
        return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]
    ids: list[int] = []
    weights: list[float] = []
    values: list[bytes] = []
    for part in parts:
        ids += part[0]
        weights += part[1]
        values += part[2]
    return ids, weights, values


def _term(item: tuple) -> bytes:
    return item[0]


def _term_and_source(item: tuple) -> tuple[bytes, int]:
    return item[0], item[1]


def _field_terms(reader: SegmentReader, fieldname: str, number: int) -> Iterator[tuple[bytes, int, object]]:
    """The reader's terms of one field in order, each with the source's number and the term's info."""
    for tbytes, info in term_infos(reader, fieldname):
        yield tbytes, number, info


def _read_postings(source: MergedSegment, fmt, info) -> Columns:
    """One term's postings in a merged segment, renumbered, without its deleted documents."""
    reader = source.reader
    matcher = reader._terms._codec.postings_reader(reader._terms._postfile, info, fmt)
    if is_blocks(matcher):
        ids, weights, values = read_blocks(matcher, values=True)
    else:  # inlined postings or another layout: through the matcher, one at a time
        if not isinstance(matcher, ListMatcher):  # an inlined short list is Whoosh's usual way, not a fallback
            fell_back("segment merge", f"postings read through a {type(matcher).__name__}")
        ids, weights, values = [], [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            values.append(matcher.value())
            matcher.next()
    values = [v if v is not None else emptybytes for v in values]
    docmap = source.docmap
    if docmap is None:
        start = source.startdoc
        return [start + d for d in ids], weights, values
    kept = [i for i, d in enumerate(ids) if d in docmap]
    return [docmap[ids[i]] for i in kept], [weights[i] for i in kept], [values[i] for i in kept]


def _per_posting_writer(fieldwriter, fieldname: str):
    """Whoosh's own path, for a codec :func:`term_writer` does not know."""
    fell_back("segment merge", f"{type(fieldwriter).__name__} writes field {fieldname!r} posting by posting")

    def write_term(tbytes, ids, weights, values, lengths) -> None:
        fieldwriter.start_term(tbytes)
        for docnum, weight, vbytes in zip(ids, weights, values, strict=True):
            fieldwriter.add(docnum, weight, vbytes, lengths[docnum] if lengths is not None else 0)
        fieldwriter.finish_term()

    return write_term


def _lengths(reader, fieldname: str, doc_count: int) -> list[int | None] | None:
    """Every document's (quantised) length of ``fieldname`` as the codec reads it back, or None if none stored."""
    if reader is None or not reader.has_column(_lenfield(fieldname)):
        return None
    return [reader.doc_field_length(docnum, fieldname) for docnum in range(doc_count)]
