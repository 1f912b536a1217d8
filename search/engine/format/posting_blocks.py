"""Writing one term's whole posting list in Whoosh 3 blocks, in one call.

Whoosh's field writer takes postings one at a time (``add`` →
``W3PostingsWriter.add_posting``, with type assertions, a running maximum and
a length comparison for each), then pickles and compresses a block every 128.
For a segment of 2,500 reports that is 1.8 million Python calls, the largest
single cost of a commit (``bench/ingest_speed.py --profile``).

:func:`term_writer` returns a function that writes a term's postings, already
grouped and in document order (:class:`search.engine.writing.bucket_pool.BucketPool` holds
them that way), block by block with list slices and builtins, and records the
term as ``W3FieldWriter.finish_term`` would (its term-index row written in
one piece, :func:`_term_index_adder`). The layout is Whoosh's own, so
any Whoosh reader reads it; a codec or writer this module does not know gets
None, and the caller keeps Whoosh's per-posting path.

One thing differs from Whoosh on purpose: which blocks are compressed. Each
block records its own compression level, and Whoosh's reader decompresses
only blocks that say so. Whoosh compresses every block; most blocks are a
term found in one or two documents of a segment, whose pickle of under 128
bytes zlib shrinks by a tenth at best, for about 6 microseconds each (a
segment of 2,500 speed-bench reports: half its blocks, 2 % of its postings
bytes). Here a block under :data:`MIN_COMPRESS` bytes is stored as it is, and
a larger one is kept compressed only if that made it smaller. With
compression off the bytes are Whoosh's exactly (``tests/test_fastterms.py``
compares segment files byte for byte); with it on, every block's statistics
and decoded postings are.
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Callable, Sequence
from hashlib import md5
from operator import sub
from pickle import dumps

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3FieldWriter, W3PostingsWriter, W3TermInfo
from whoosh.filedb.filetables import OrderedHashWriter, _lengths, md5_hash
from whoosh.system import emptybytes, pack_int, pack_long, pack_ushort
from whoosh.util.numeric import length_to_byte

TermWriter = Callable[[bytes, Sequence[int], Sequence[float], Sequence[bytes], Sequence[int | None] | None], None]
"""``write_term(term, docnums, weights, values, lengths)``: a term's postings as parallel sequences, in
increasing document number, and every document's field length (None for a field without lengths)."""


MIN_COMPRESS = 128
"""Blocks whose pickle is shorter than this many bytes are stored uncompressed (zlib barely shrinks them)."""


def compress_block(databytes: bytes, level: int) -> tuple[bytes, int]:
    """A block's pickled data as stored and the compression level to record for it (0: stored as it is)."""
    if not level or len(databytes) < MIN_COMPRESS:
        return databytes, 0
    packed = zlib.compress(databytes, level)
    return (packed, level) if len(packed) < len(databytes) else (databytes, 0)


def _term_index_adder(tindex: object) -> Callable[[bytes, bytes], None] | None:
    """``OrderedHashWriter.add`` for keys known to be in increasing order, or None for another writer.

    Whoosh's ``add`` asks the file for its position twice and writes three
    times per term; here the position is counted and the row written at once.
    The key's hash is the same number (the low 32 bits of its MD5), taken from
    the digest's last four bytes rather than by parsing its hex form.
    """
    if type(tindex) is not OrderedHashWriter or tindex.hashfn is not md5_hash:
        return None
    raw = getattr(tindex.dbfile, "file", None)
    if raw is None:
        return None
    where = [raw.tell()]
    buckets = tindex.buckets
    index_append = tindex.index.append
    pack_lengths = _lengths.pack
    from_bytes = int.from_bytes

    def add(key: bytes, value: bytes) -> None:
        pos = where[0]
        index_append(pos)
        raw.write(pack_lengths(len(key), len(value)) + key + value)
        where[0] = pos + 8 + len(key) + len(value)
        h = from_bytes(md5(key, usedforsecurity=False).digest()[-4:], "big")
        buckets[h & 255].append((h, pos))
        tindex.lastkey = key

    return add


def term_writer(fieldwriter: object) -> TermWriter | None:
    """A function writing whole terms for the field ``fieldwriter`` has started, or None if unsupported."""
    if type(fieldwriter) is not W3FieldWriter:
        return None
    postwriter = fieldwriter._postwriter
    if type(postwriter) is not W3PostingsWriter or postwriter._byteids or postwriter._inlinelimit > 1:
        return None  # inlined postings or byte ids: Whoosh's own path
    postfile = fieldwriter._postfile
    raw = getattr(postfile, "file", None)  # the buffered file under Whoosh's StructFile: one write per term
    if raw is None:
        return None
    add_row = _term_index_adder(fieldwriter._tindex) or fieldwriter._tindex.add
    field_key = pack_ushort(fieldwriter._fieldid)
    blocklimit = postwriter._blocklimit
    compression = postwriter._compression
    fixedsize = fieldwriter._format.fixed_value_size()
    where = [raw.tell()]
    pack_info = W3TermInfo._struct.pack

    def mini_values(values: tuple[bytes, ...]) -> object:
        """``W3PostingsWriter._mini_values``: empty values are not kept."""
        kept = values if all(values) else [v for v in values if v]
        if fixedsize is None or fixedsize < 0:
            return tuple(kept)
        if fixedsize == 0:
            return None
        return emptybytes.join(kept)

    def file_term(tbytes: bytes, chunks: Sequence[bytes], size: int, stats: tuple) -> None:
        """Write a term's blocks and its term-index row: ``W3TermInfo.to_bytes`` of a term written to the
        postings file (never inlined here). ``stats``: total weight, document frequency, shortest and
        longest field length (None, 0 when none), largest weight, first and last document."""
        total, df, min_length, max_length, maxweight, first, last = stats
        start = where[0]
        raw.write(b"".join(chunks))
        where[0] = start + size
        low = 0 if min_length is None else length_to_byte(min_length)
        row = pack_info(False, total, df, low, length_to_byte(max_length), maxweight, first, last)
        add_row(field_key + tbytes, row + pack_long(start) + pack_int(size))

    f32: dict[float, float] = {}  # weights as the writer stores them (32-bit floats); a field has few

    def write_single(tbytes: bytes, docnum: int, weight: float, value: bytes, length: int | None) -> None:
        """A term in one document of the segment (most terms): the loop below with one posting, unrolled."""
        stored = f32.get(weight)
        if stored is None:
            stored = array("f", (weight,))[0]
            if len(f32) < 4096:
                f32[weight] = stored
        maxweight = weight if weight > 0 else 0
        minlength, maxlength = (length, length) if length else (None, 0)
        data = ((docnum,), None if stored == 1.0 else stored, mini_values((value,)))
        databytes, level = compress_block(dumps(data, 2), compression)
        infobytes = dumps((1, docnum, maxweight, level, length_to_byte(minlength), length_to_byte(maxlength)), 2)
        blocklength = len(infobytes) + len(databytes)
        chunks = (WHOOSH3_HEADER_MAGIC, pack_int(-blocklength), infobytes, databytes)
        size = len(WHOOSH3_HEADER_MAGIC) + 4 + blocklength
        file_term(tbytes, chunks, size, (0.0 + stored, 1, minlength, maxlength, max(0, maxweight), docnum, docnum))

    def write_term(
        tbytes: bytes,
        docnums: Sequence[int],
        all_weights: Sequence[float],
        all_values: Sequence[bytes],
        lengths: Sequence[int | None] | None,
    ) -> None:
        if len(docnums) == 1:
            docnum = docnums[0]
            write_single(tbytes, docnum, all_weights[0], all_values[0], None if lengths is None else lengths[docnum])
            return
        chunks = [WHOOSH3_HEADER_MAGIC]
        size = len(WHOOSH3_HEADER_MAGIC)
        # The term's statistics, as W3TermInfo.add_block gathers them block by block.
        total = 0.0
        df = 0
        term_min = None
        term_max = 0
        term_maxweight = 0
        count = len(docnums)
        for begin in range(0, count, blocklimit):
            end = begin + blocklimit
            ids, weights, values = docnums[begin:end], all_weights[begin:end], all_values[begin:end]
            fweights = array("f", weights)  # the writer keeps weights as 32-bit floats
            maxweight = max(weights)
            if not maxweight > 0:
                maxweight = 0
            if lengths is None:
                minlength, maxlength = None, 0
            else:
                present = [length for length in map(lengths.__getitem__, ids) if length]
                minlength, maxlength = (min(present), max(present)) if present else (None, 0)

            first = fweights[0]
            if first == 1.0 and fweights.count(first) == len(fweights):
                mini_weights = None
            elif fweights.count(first) == len(fweights):
                mini_weights = first
            else:
                mini_weights = tuple(fweights)
            gaps = (ids[0], *map(sub, ids[1:], ids)) if len(ids) > 1 else tuple(ids)
            databytes, level = compress_block(dumps((gaps, mini_weights, mini_values(values)), 2), compression)
            infobytes = dumps(
                (len(ids), ids[-1], maxweight, level, length_to_byte(minlength), length_to_byte(maxlength)),
                2,
            )
            blocklength = len(infobytes) + len(databytes)
            chunks += (pack_int(-blocklength if begin + blocklimit >= count else blocklength), infobytes, databytes)
            size += 4 + blocklength

            total += sum(fweights)
            df += len(ids)
            term_min = minlength if term_min is None else min(term_min, minlength)
            term_max = max(term_max, maxlength)
            term_maxweight = max(term_maxweight, maxweight)
        file_term(tbytes, chunks, size, (total, df, term_min, term_max, term_maxweight, docnums[0], docnums[-1]))

    return write_term
