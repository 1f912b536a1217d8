"""A posting pool that groups postings by field and term as they arrive.

Whoosh's ``PostingPool`` keeps every posting as a ``(field, term, docnum,
weight, value)`` tuple, sorts them all at commit, and then, for each posting,
reads the document's field length back from the segment just written. For a
batch of 1,000 reports that is 700,000 tuples, a sort of them, and 700,000
length look-ups through Whoosh's column readers: after analysis, the largest
cost of ingest (``bench/ingest_speed.py --profile``).

:class:`BucketPool` appends each posting to its term's list instead (documents
arrive in increasing number, so each list is already in order), sorts only
the distinct terms, and reads each field's lengths once per segment.
:func:`search.engine.writing.segment_merge.write_postings` then writes the segment (with any
segments being merged into it) in Whoosh's own format: byte for byte but for
which small blocks are compressed (:mod:`search.engine.format.posting_blocks`;
``tests/test_fastterms.py`` compares the files).

Memory stays bounded as with Whoosh: past ``limitmb`` the pool hands what it
holds to Whoosh's own sorting pool (which spills sorted runs to disk) and
works as Whoosh's from then on; so does a posting it was not built for.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from whoosh.system import emptybytes
from whoosh.writing import PostingPool

from search.engine.fallbacks import fell_back
from search.engine.writing.segment_merge import write_postings

_POSTING_BYTES = 120
"""Rough bytes held per posting (a tuple of three plus the list slot), for the memory limit."""


class BucketPool(PostingPool):
    def __init__(self, tempstore, segment, limitmb: int = 128, **kwargs: object):
        super().__init__(tempstore, segment, limitmb=limitmb, **kwargs)
        self.buckets: dict[str, dict[bytes, list[tuple[int, float, bytes]]]] | None = {}
        self._held = 0
        self._last_docnum = -1
        self._in_order = True  # every term's postings arrived in document order: no need to check them

    @property
    def in_buckets(self) -> bool:
        """True while every posting is held here (not handed to Whoosh's pool)."""
        return self.buckets is not None

    def add_field(self, fieldname: str, docnum: int, items: Iterable[tuple[bytes, float, bytes]]) -> None:
        """Add one document's postings for one field: ``(term, weight, value)`` each."""
        if self.buckets is None:
            for tbytes, weight, vbytes in items:
                super().add((fieldname, tbytes, docnum, weight, vbytes))
            return
        columns = tuple(zip(*items, strict=True))
        if columns:
            self.add_columns(fieldname, docnum, *columns)

    def add_columns(
        self, fieldname: str, docnum: int, terms: Sequence[bytes], weights: Sequence[float], values: Sequence[bytes]
    ) -> None:
        """Add one document's postings for one field as parallel lists
        (:func:`search.engine.writing.fastterms.fast_columns`)."""
        if self.buckets is None:
            self.add_field(fieldname, docnum, zip(terms, weights, values, strict=True))
            return
        if docnum < self._last_docnum:  # a merge feeds term by term, so docnums go back
            self._in_order = False
        self._last_docnum = docnum
        bucket = self.buckets.get(fieldname)
        if bucket is None:
            bucket = self.buckets[fieldname] = {}
            self.fieldnames.add(fieldname)
        get = bucket.get
        held = 0
        for tbytes, weight, vbytes in zip(terms, weights, values, strict=True):
            postings = get(tbytes)
            if postings is None:
                bucket[tbytes] = [(docnum, weight, vbytes)]
                held += len(tbytes)
            else:
                postings.append((docnum, weight, vbytes))
        self._held += held + _POSTING_BYTES * len(terms) + sum(map(len, values))
        if self._held > self.limit:
            self._hand_over("more postings than the writer's memory limit holds")

    def add(self, item: tuple) -> None:
        """Whoosh's entry point (merging segments): one ``(field, term, docnum, weight, value)``."""
        fieldname, tbytes, docnum, weight, vbytes = item
        if self.buckets is None or docnum < 0:  # docnum -1: a spelling-only entry, Whoosh's business
            self._hand_over("a spelling-only posting")
            super().add(item)
        else:
            self.add_field(fieldname, docnum, ((tbytes, weight, vbytes if vbytes is not None else emptybytes),))

    def _hand_over(self, reason: str) -> None:
        """Give every posting held to Whoosh's sorting pool, and work as it from now on."""
        if self.buckets is not None:
            fell_back(__name__, reason)
        buckets, self.buckets = self.buckets, None
        for fieldname, terms in (buckets or {}).items():
            for tbytes, postings in terms.items():
                for docnum, weight, vbytes in postings:
                    super().add((fieldname, tbytes, docnum, weight, vbytes))

    def write_segment(self, fieldwriter, schema, lengths_reader, doc_count: int, merged=()) -> None:
        """Write the held postings, and those of the ``merged`` segments, with the codec's field writer."""
        assert self.buckets is not None
        write_postings(fieldwriter, schema, self.buckets, merged, lengths_reader, doc_count, self._in_order)
        self.buckets = {}
        self._last_docnum, self._in_order = -1, True
