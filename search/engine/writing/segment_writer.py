"""Whoosh's segment writer with the fast index-time analysis path.

:class:`FastSegmentWriter` is Whoosh's ``SegmentWriter`` (same codec, same
files, same schema pickled in the index) whose ``add_document`` asks
:func:`search.engine.writing.fastterms.fast_columns` for a field's postings instead of
running Whoosh's token chain, for the fields whose analysis it reproduces
exactly. Postings are held per term (:class:`search.engine.writing.bucket_pool.BucketPool`)
and written, with those of any segments being merged, by
:func:`search.engine.writing.segment_merge.write_postings`. Stored values, lengths and columns
are Whoosh's own; the merge policy is ours (:mod:`search.engine.writing.merging`, passed to
``commit`` as Whoosh's ``mergetype``), and so is the last step of the commit, which keeps
a background merge's files (:meth:`FastSegmentWriter._commit_toc`). The files are the ones
Whoosh would have written but for which small posting blocks are compressed
(``tests/test_fastterms.py``; :mod:`search.engine.format.posting_blocks`), readable by any
Whoosh reader.

``add_document`` mirrors ``whoosh.writing.SegmentWriter.add_document`` of the
pinned whoosh-reloaded 2.7.5 (no vectors or separate spelling fields, which
the schema does not use; a field that has them takes Whoosh's own path).
"""

from __future__ import annotations

from whoosh.index import TOC, FileIndex, clean_files
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from search.engine import guard
from search.engine.fallbacks import fell_back
from search.engine.writing.bucket_pool import BucketPool
from search.engine.writing.fastterms import ColumnIndexer, fast_columns
from search.engine.writing.merging import reserved_segments
from search.engine.writing.segment_merge import MergedSegment, can_stream


class FastSegmentWriter(SegmentWriter):
    def __init__(self, ix: FileIndex, limitmb: int = 128, **kwargs: object):
        guard.refuse_untested_writes()  # every writer (commits, rebuilds, background merges) writes files by hand
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = BucketPool(self._tempstorage, self.newsegment, limitmb=limitmb)
        self._fast: dict[str, ColumnIndexer | None] = {}
        self._merged: list[tuple[object, int, dict[int, int] | None]] = []

    def _indexer(self, fieldname: str, field) -> ColumnIndexer | None:
        if fieldname not in self._fast:
            self._fast[fieldname] = fast_columns(field)
        return self._fast[fieldname]

    def add_document(self, **fields: object) -> None:
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        add_field, add_columns = self.pool.add_field, self.pool.add_columns

        docboost = self._doc_boost(fields)
        fieldnames = sorted([name for name in fields if not name.startswith("_")])
        self._check_fields(schema, fieldnames)
        if any(schema[name].vector or schema[name].separate_spelling() for name in fieldnames):
            fell_back(__name__, "a field with term vectors or a separate spelling field")
            return super().add_document(**fields)  # field kinds the schema does not use: Whoosh's own path

        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                fast = self._indexer(fieldname, field) if isinstance(value, str) else None

                length = 0
                if field.indexed:
                    fieldboost = self._field_boost(fields, fieldname, docboost)
                    if fast is not None:
                        terms, freqs, weights, values = fast(value)
                        if field.scorable:
                            length = sum(freqs)
                        if fieldboost != 1.0:
                            weights = [w * fieldboost for w in weights]
                        add_columns(fieldname, docnum, terms, weights, values)
                    else:
                        items = list(field.index(value))
                        if field.scorable:
                            length = sum(item[1] for item in items)
                        if fieldboost == 1.0:
                            add_field(fieldname, docnum, [(t, w, v) for t, _, w, v in items])
                        else:
                            add_field(fieldname, docnum, [(t, w * fieldboost, v) for t, _, w, v in items])

                customval = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, customval if field.stored else None, length)
                column = field.column_type
                if column and customval is not None:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))
        except Exception:
            perdocwriter.cancel_doc()
            raise

        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def add_postings_to_pool(self, reader, startdoc: int, docmap: dict[int, int] | None) -> None:
        """A merged segment's postings are written at flush, straight from its files
        (:mod:`search.engine.writing.segment_merge`)."""
        if not self.pool.in_buckets:  # handed over to Whoosh's pool (logged there)
            return super().add_postings_to_pool(reader, startdoc, docmap)
        if not can_stream(reader):
            fell_back(__name__, "a merged segment whose postings cannot be streamed from its files")
            return super().add_postings_to_pool(reader, startdoc, docmap)
        self._merged.append((reader.segment(), startdoc, docmap))

    def _flush_segment(self) -> None:
        # The merge policy closed the merged segments' readers; their files stay until the commit is done.
        merged = [
            MergedSegment(SegmentReader(self.storage, self.schema, segment), startdoc, docmap)
            for segment, startdoc, docmap in self._merged
        ]
        self._merged = []
        try:
            if not self.pool.in_buckets:  # the pool spilled to disk: Whoosh's own merge of the runs
                for source in merged:
                    super().add_postings_to_pool(source.reader, source.startdoc, source.docmap)
                return super()._flush_segment()
            self.perdocwriter.close()
            lengths = self.per_document_reader() if self.codec.length_stats else None
            self.pool.write_segment(self.fieldwriter, self.schema, lengths, self.get_segment().doc_count_all(), merged)
            self.fieldwriter.close()
            if lengths is not None:
                lengths.close()
        finally:
            for source in merged:
                source.reader.close()

    def _commit_toc(self, segments) -> None:
        """Whoosh's, except that the files of a segment a background merge is writing are not deleted."""
        TOC(self.schema, segments, self.generation).write(self.storage, self.indexname)
        kept = list(segments) + reserved_segments(self.storage.folder)
        clean_files(self.storage, self.indexname, self.generation, kept)
