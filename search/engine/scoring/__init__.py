"""Evaluating a parsed query as array operations, with the scores Whoosh would give."""
