"""Evaluating a parsed query as array operations, with the scores Whoosh would give.

One evaluator, read in this order:

* ``evaluator`` — :class:`~.evaluator.Scorer`: the dispatch over query node kinds, over the whole index;
* ``combine`` — each node kind's arithmetic (``And``, ``Or``, ``AndNot``, ``Require``, ``AndMaybe``,
  ``Not``, a coordinated ``Or``), written once;
* ``leaves`` — terms, phrases and prefix/fuzzy expansions scored segment by segment, and Whoosh's own
  matcher for a node the evaluator does not model;
* ``bm25f`` — the true-BM25F model of a word over a document's text parts (``docs/ranking.md``);
* ``expansion`` — the index words a prefix, wildcard, fuzzy or range term stands for.
"""
