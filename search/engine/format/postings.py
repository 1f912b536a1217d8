"""Posting lists and field lengths of one index segment, as numpy arrays.

Whoosh walks postings one document at a time in Python; reading a whole list
block by block into arrays lets the engine score every match with a few
vectorised operations instead. The arrays are exactly what Whoosh's own
matchers read (document numbers, term weights, and the one-byte field lengths
its scorers use), so scores computed from them are Whoosh's scores.

The block layout read here is that of Whoosh's W3 codec; anything else (an
inlined short list, another codec) is read through the ordinary matcher
interface, slower but the same values.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from itertools import accumulate, chain, islice
from pickle import loads

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.formats import Positions
from whoosh.matching import ListMatcher, Matcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import IndexReader, TermNotFound
from whoosh.system import emptybytes
from whoosh.util.numeric import byte_to_length

from search.engine.fallbacks import fell_back

LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
"""Whoosh stores each field length as one lossy byte; this undoes it the same way."""

_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_WEIGHTS = np.zeros(0, dtype=np.float64)


def postings_arrays(reader: IndexReader, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Document numbers (segment-local, ascending) and weights of one term.

    Deleted documents are included; the caller masks them out.
    """
    if (fieldname, btext) not in reader:
        return _EMPTY_IDS, _EMPTY_WEIGHTS
    matcher = unfiltered(reader.postings(fieldname, btext))
    if is_blocks(matcher):
        ids, weights, _ = read_blocks(matcher)
        return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)
    _slow_layout("postings", matcher)
    ids, weights = [], []  # any other layout: through the matcher, one posting at a time
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)


def count_in(reader: IndexReader, fieldname: str, text: str, mask: np.ndarray, at_most: int) -> int:
    """How many documents in ``mask`` hold ``text`` in ``fieldname``, at most ``at_most``.

    The postings are walked :data:`_COUNT_CHUNK` documents at a time and the
    walk stops once ``at_most`` is reached, so counting a very common word
    costs no more than counting a fairly common one. An unknown word counts 0.
    """
    count = 0
    try:
        ids = reader.postings(fieldname, text).all_ids()
        while count < at_most:
            chunk = np.fromiter(islice(ids, _COUNT_CHUNK), dtype=np.int64)
            if not chunk.size:
                break
            count += int(np.count_nonzero(mask[chunk]))
    except (TermNotFound, KeyError, ValueError):
        pass
    return min(count, at_most)


_COUNT_CHUNK = 512

Columns = tuple[list[int], list[float], list[bytes]]
"""A term's postings as parallel lists: document numbers, weights, encoded values."""


def raw_blocks(matcher: W3LeafMatcher) -> Iterator[tuple[int, tuple, object, object]]:
    """Each block of a W3 posting list as stored: (postings, gaps of ids, minified weights, minified values).

    The ids are delta-coded from 0 in each block; weights are None (all 1.0), one float (all equal) or a
    tuple; values as ``W3PostingsWriter._mini_values`` left them.
    """
    while not matcher._atend:
        matcher._read_data()
        raw_ids, raw_weights, raw_values = matcher._data
        yield matcher._blocklength, raw_ids, raw_weights, raw_values
        matcher._next_block()


def read_blocks(matcher: W3LeafMatcher, values: bool = False) -> Columns:
    """Every block of a W3 posting list, decoded as Whoosh's matcher decodes it.

    The one decoder of posting blocks: reading (:func:`postings_arrays`) and
    merging (:mod:`search.engine.writing.segment_merge`) both use it, so a
    block means the same to both. A block's single weight is widened through
    a 32-bit float, as Whoosh's matcher widens it. The values (a posting's
    encoded positions or frequency) are decoded only when asked for; without
    them the third list is empty.
    """
    ids: list[int] = []
    weights: list[float] = []
    out_values: list[bytes] = []
    fixedsize = matcher._fixedsize
    for count, raw_ids, raw_weights, raw_values in raw_blocks(matcher):
        ids += accumulate(raw_ids)  # delta-coded from 0 in each block
        if raw_weights is None:
            weights += [1.0] * count
        elif isinstance(raw_weights, float):
            weights += array("f", [raw_weights]) * count
        else:
            weights += raw_weights
        if not values:
            continue
        if fixedsize is None or fixedsize < 0:
            out_values += raw_values
        elif fixedsize == 0:
            out_values += [emptybytes] * count
        else:
            out_values += [raw_values[i : i + fixedsize] for i in range(0, len(raw_values), fixedsize)]
    return ids, weights, out_values


def unfiltered(matcher: Matcher) -> Matcher:
    """The matcher under Whoosh's deleted-documents filter (callers mask deleted documents themselves)."""
    while isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    return matcher


def _slow_layout(path: str, matcher: Matcher) -> None:
    """Log reading ``matcher`` one posting at a time, unless it is an inlined short list (Whoosh's usual
    layout for a rare term, already in memory)."""
    if not isinstance(matcher, ListMatcher):
        fell_back(path, f"postings read through a {type(matcher).__name__}")


def is_blocks(matcher: Matcher) -> bool:
    """True if :func:`read_blocks` can decode ``matcher``'s list; other layouts (an inlined short list,
    byte ids, another codec) are read through the ordinary matcher interface."""
    return isinstance(matcher, W3LeafMatcher) and not matcher._byteids


def length_bytes(reader: IndexReader, fieldname: str) -> np.ndarray:
    """The stored length byte of ``fieldname`` for every document of a segment reader."""
    count = reader.doc_count_all()
    out = np.zeros(count, dtype=np.uint8)
    perdoc = getattr(reader, "_perdoc", None)
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN) if perdoc is not None else None
    raw = None
    if column is not None and hasattr(column, "_dbfile") and hasattr(column, "_basepos"):
        stored = min(column._count, count)
        raw = np.frombuffer(bytes(column._dbfile.get(column._basepos, stored)), dtype=np.uint8)
        out[:stored] = raw
        return out
    fell_back("field lengths", f"a lengths column of type {type(column).__name__} is read per document")
    for docnum in range(count):  # any other layout: ask per document
        length = reader.doc_field_length(docnum, fieldname, 0) or 0
        out[docnum] = np.searchsorted(LENGTH_OF_BYTE, length)
    return out


def positions_for(
    reader: IndexReader, fieldname: str, btext: bytes, docnums: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Where one term occurs in each of ``docnums`` (ascending, all containing the term).

    Returns ``(which, position)``: for every occurrence, the index into
    ``docnums`` of its document, and its word position. Only the blocks that
    hold those documents are decoded, each block's position lists with one
    ``pickle.loads`` (they are small pickles, stored back to back), and the
    running sums are done with numpy.
    """
    fmt = reader.schema[fieldname].format
    matcher = unfiltered(reader.postings(fieldname, btext))
    lists: list[list[int]] = []
    if is_blocks(matcher) and type(fmt) is Positions:
        j, total = 0, docnums.size
        while not matcher._atend and j < total:
            if matcher._maxid < docnums[j]:
                matcher._next_block()
                continue
            matcher._read_data()
            ids = np.cumsum(np.asarray(matcher._data[0], dtype=np.int64))
            values = matcher._data[2]
            end = int(np.searchsorted(docnums, matcher._maxid, side="right"))
            bodies = [_pickle_body(values[k]) for k in np.searchsorted(ids, docnums[j:end]).tolist()]
            lists.extend(loads(b"\x80\x02(" + b"".join(bodies) + b"t."))  # deltas, one list per document
            j = end
            matcher._next_block()
        return _flatten(lists, deltas=True)
    if is_blocks(matcher):
        fell_back("positions", f"{type(fmt).__name__} positions are decoded per document")
    else:
        _slow_layout("positions", matcher)
    for docnum in docnums.tolist():
        matcher.skip_to(docnum)
        lists.append(list(matcher.value_as("positions")))
    return _flatten(lists, deltas=False)


def _pickle_body(value: bytes) -> bytes:
    body = value[4:]  # after the 4-byte occurrence count
    return body[:-1] if body.endswith(b".") else body


def _flatten(lists: list[list[int]], deltas: bool) -> tuple[np.ndarray, np.ndarray]:
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    flat = np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=int(counts.sum()))
    which = np.repeat(np.arange(len(lists)), counts)
    if deltas and flat.size:
        running = np.cumsum(flat)
        starts = np.cumsum(counts) - counts
        present = counts > 0
        before = np.zeros(len(lists), dtype=np.int64)
        before[present] = running[starts[present]] - flat[starts[present]]
        flat = running - np.repeat(before, counts)
    return which, flat


def phrase_documents(
    reader: IndexReader, fieldname: str, btexts: list[bytes], docs: np.ndarray, slop: int
) -> np.ndarray:
    """Those of ``docs`` where each word follows the previous one by 1..slop positions.

    Occurrences are (document, position) keys, ascending as read; a word's
    occurrence survives when the previous word has one 1..slop positions
    before it in the same document (binary search in the sorted keys).
    """
    stride = np.int64(1 << 32)
    which, ends = positions_for(reader, fieldname, btexts[0], docs)
    for btext in btexts[1:]:
        alive = _distinct_sorted(which)
        docs, which = docs[alive], np.searchsorted(alive, which)
        if not docs.size:
            break
        nxt_which, nxt_pos = positions_for(reader, fieldname, btext, docs)
        before = which * stride + ends
        keys = nxt_which * stride + nxt_pos
        reached = np.zeros(keys.size, dtype=bool)
        for gap in range(1, slop + 1):
            wanted = keys - gap
            at = np.minimum(np.searchsorted(before, wanted), max(before.size - 1, 0))
            reached |= before.size > 0 and before[at] == wanted
        which, ends = nxt_which[reached], nxt_pos[reached]
    return docs[_distinct_sorted(which)]


def _distinct_sorted(values: np.ndarray) -> np.ndarray:
    """``np.unique`` for an ascending array, without sorting or hashing it again."""
    if values.size == 0:
        return values
    return values[np.concatenate(([True], values[1:] != values[:-1]))]
