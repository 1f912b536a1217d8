"""Which query words are scored by true BM25F, and over which text parts.

The model itself (one score per word across a document's weighted title,
abstract and body, saturated once) is the engine's:
:mod:`search.engine.scoring.bm25f`. This module is the search feature around
it: it recognises the text-part fields of the schema and regroups a parsed
query so that each word's per-part terms of one language are scored as one
:class:`~search.engine.scoring.bm25f.FieldsTerm`. Author, organisation,
phrase, prefix and fuzzy parts keep Whoosh's scoring and add to it.

Why true BM25F rather than Whoosh's summed per-field BM25, why these
constants, and everything else measured on SciFact (kept or left out) is in
``docs/ranking.md``.
"""

from __future__ import annotations

from whoosh import query as wq

from search.analysis import LANGUAGES
from search.engine.scoring.bm25f import B, FieldsTerm, PhraseTerms

__all__ = ["FieldsTerm", "PhraseTerms", "text_field", "use_bm25f"]

_PARTS = tuple(B)


def text_field(fieldname: str) -> tuple[str, str] | None:
    """``("title", "en")`` for ``title_en``; None for fields that are not language text parts."""
    part, _, lang = fieldname.rpartition("_")
    return (part, lang) if part in _PARTS and lang in LANGUAGES else None


def use_bm25f(q: wq.Query) -> wq.Query:
    """Regroup each word's per-part terms, per language, into one :class:`FieldsTerm`.

    Works on the tree the parser produces: an ``Or`` of ``title_en:x``,
    ``body_en:x``, ``title_da:y``... (flattened into one ``Or`` for any-word
    queries) becomes an ``Or`` of ``FieldsTerm(en, x)``, ``FieldsTerm(da, y)``
    and the untouched rest. A lone text-part term is wrapped too, so
    ``title:x`` is scored on the same scale.
    """
    if isinstance(q, wq.Term) and type(q) is wq.Term and text_field(q.fieldname):
        return FieldsTerm([q])
    if isinstance(q, FieldsTerm) or q.is_leaf():
        return q
    if type(q) is wq.Or:
        groups: dict[tuple[str, str], list[wq.Term]] = {}
        rest: list[wq.Query] = []
        slots: list[object] = []
        for child in q.subqueries:
            found = text_field(child.fieldname) if type(child) is wq.Term else None
            if found:
                key = (found[1], child.text)
                if key not in groups:
                    groups[key] = []
                    slots.append(key)
                groups[key].append(child)
            else:
                rest.append(use_bm25f(child))
                slots.append(rest[-1])
        children = [FieldsTerm(groups[s]) if isinstance(s, tuple) else s for s in slots]
        if len(children) == 1:
            only = children[0]
            return only.with_boost(only.boost * q.boost) if q.boost != 1.0 else only
        return wq.Or(children, boost=q.boost, scale=q.scale)
    return q.apply(use_bm25f)
