"""The engine: our own reading, writing and scoring of Whoosh's index files.

Whoosh gives this project two things: its on-disk index format and its query
language (parser and query objects). Everything else that touches the index
is done here instead, because Whoosh's own paths are pure Python per posting
and per document and were far too slow at 100,000 reports (see
``docs/architecture.md`` and ``docs/performance.md``):

* ``format`` — reading and writing Whoosh's files: posting blocks, field
  lengths, memory-mapped segment files;
* ``writing`` — the one index writer, its segment writer, merges (bounded in
  a person's save, in the background in a bulk load);
* ``reading`` — the open index: where it lives, the shared self-refreshing
  searcher, per-segment arrays, sort keys and tables derived once per
  generation;
* ``scoring`` — evaluating a parsed Whoosh query as numpy array operations
  (BM25F, phrases, expansions), with the same scores Whoosh would give.

This sub-package is the only code that uses Whoosh's internals (private
modules and names). The search features beside it use it through the
functions it exports; ingest, web and the CLI use neither, only ``search``.
"""
