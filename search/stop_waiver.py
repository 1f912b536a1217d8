"""All words required, across languages whose stop words differ.

Each language's text fields drop only that language's stop words
(:data:`search.analysis.LANGUAGE_STOP_WORDS`), so a query word can vanish in
one language and stay in the other: "men" is a word in English and "but" in
Danish; "by" is a town in Danish and a stop word in English. When all words
are required, such a word would then be required in the language that keeps
it, and "høretab men ikke tinnitus" would find no Danish document at all.

:func:`waive_stop_words` lets a document of the language that drops a word
do without it: the word's group becomes ``word OR lang:<that language>``, the
second part scoring nothing. The waiver applies only next to a word that the
language does keep, so "men" alone, or "men -noise", does not match every
Danish document.
"""

from __future__ import annotations

from whoosh import query as wq

from search.analysis import LANGUAGES
from search.ranking import FieldsTerm, text_field

ALL = frozenset(LANGUAGES)


def _languages(q: wq.Query) -> frozenset[str] | None:
    """The languages a word's group covers; None when ``q`` is not one word's group."""
    if type(q) is FieldsTerm:
        return frozenset(text_field(t.fieldname)[1] for t in q.subqueries)
    if type(q) is wq.Or and q.subqueries and all(type(s) is FieldsTerm for s in q.subqueries):
        return frozenset().union(*(_languages(s) for s in q.subqueries))
    return None


def _covers(q: wq.Query) -> frozenset[str]:
    """The languages whose documents ``q`` can match on its own (a negation matches none by itself)."""
    if isinstance(q, wq.Not):
        return frozenset()
    found = _languages(q)
    return ALL if found is None else found


def waive_stop_words(q: wq.Query) -> wq.Query:
    """``q`` with each required word waived for documents of a language that has it as a stop word."""
    if q.is_leaf() or type(q) is FieldsTerm:
        return q
    q = q.apply(waive_stop_words)
    if type(q) is not wq.And:
        return q
    covered = frozenset().union(*(_covers(s) for s in q.subqueries))
    children = []
    for child in q.subqueries:
        found = _languages(child)
        missing = [lang for lang in LANGUAGES if found is not None and lang not in found and lang in covered]
        if missing:
            child = wq.Or([child, *(wq.Term("lang", lang, boost=0.0) for lang in missing)])
        children.append(child)
    return wq.And(children, boost=q.boost)
