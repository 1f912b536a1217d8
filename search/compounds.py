"""Danish compounds at query time: "vindmøllestøj" also finds "støj fra vindmøller".

Danish writes a compound as one word (høreapparatbrugere, vindmøllestøj, efterklangstid), so a document that
says the same thing in separate words ("støj fra vindmøller") shares no term with it. This module lets a
typed compound also search its parts together; which words split, and how, is :mod:`search.decompound`'s
decision (:func:`search.decompound.search_parts`), the one the index uses too: a Danish document's compound
is indexed with its parts as well, so the other direction ("støj fra vindmøller" finding "vindmøllestøj")
needs nothing here.

**The rewrite** (:class:`Splitter`, a parser plugin): a typed word ``w`` that splits becomes
``(w OR (p1 AND p2 ...))``, the parts searched only in the Danish text fields (in the typed field's parts:
``title:`` keeps them to titles), each one BM25F word at :data:`PART_BOOST` divided by the number of parts,
so a document with the exact compound ranks first; all words required keep ``(w OR parts)`` one required unit.
It runs right after cross-language expansion (:mod:`search.crosslang`, priority 103), so the typed words have
met the glossary as typed (a glossary phrase, or a stop word inside one, is matched across the typed words
first); then each part adds its glossary concept's other-language terms at the part's weight (vindmølle ->
wind turbine, støj -> noise), unless the glossary names the whole compound: the whole-word match wins. Prefix,
fuzzy, quoted and name words are not split. Splitting is Danish matching, not translation: it runs with
cross-language off too.
"""

from __future__ import annotations

from collections.abc import Callable

from whoosh import query as wq
from whoosh.qparser import syntax
from whoosh.qparser.plugins import Plugin

from search.analysis import stem_words
from search.decompound import search_parts
from search.ranking import FieldsTerm

PART_BOOST = 0.5
"""Weight of the parts together against the typed compound's."""

_PARTS = ("title", "abstract", "body")
_TYPED_PART = {None: _PARTS, "title": ("title",), "abstract": ("abstract",), "body": ("body",), "text": ("body",)}


class _Prebuilt(syntax.SyntaxNode):
    """A syntax node standing for a query built here: no field name, so no later filter rewrites it."""

    def __init__(self, q: wq.Query, startchar: int, endchar: int):
        self.q = q
        self.startchar, self.endchar = startchar, endchar

    def r(self) -> str:
        return f"compound {self.q!r}"

    def query(self, parser) -> wq.Query:
        return self.q


PartGlossary = Callable[[str, tuple[str, ...], float], list[wq.Query]]
"""What the glossary adds for one part: (part, text parts searched, weight) -> queries."""


class Splitter(Plugin):
    """The parser plugin that searches a typed Danish compound's parts too.

    ``in_glossary(word)`` tells whether the glossary names a typed word (then the whole-word match wins and
    the parts are not looked up there); ``part_glossary`` gives a part's other-language queries. Both come
    from :mod:`search.crosslang` when the expansion is on."""

    def __init__(
        self,
        boosts: dict[str, float],
        in_glossary: Callable[[str], bool] | None = None,
        part_glossary: PartGlossary | None = None,
    ):
        self.boosts = boosts
        self.in_glossary = in_glossary
        self.part_glossary = part_glossary

    def filters(self, parser):
        # After the cross-language expander (103), which has matched the typed words, glossary phrases and
        # stop words between them as typed; before the year ranges (104) and the field aliases (105).
        return [(self._split, 103.5)]

    def _split(self, parser, group):
        out = group.empty_copy()
        for node in group:
            if isinstance(node, syntax.GroupNode):
                out.append(self._split(parser, node))
                continue
            parts = search_parts(node.text.lower()) if self._splittable(node) else ()
            out.append(syntax.OrGroup([node, self._parts(node, parts)]) if parts else node)
        return out

    @staticmethod
    def _splittable(node: syntax.SyntaxNode) -> bool:
        return type(node) is syntax.WordNode and node.fieldname in _TYPED_PART

    def _parts(self, node: syntax.WordNode, parts: tuple[str, ...]) -> syntax.GroupNode:
        """The parts, all required, each in the Danish fields and, unless the glossary names the whole word,
        its concept's terms in the other language."""
        where = _TYPED_PART[node.fieldname]
        weight = PART_BOOST / len(parts)
        look_up = self.part_glossary is not None and not (self.in_glossary and self.in_glossary(node.text))
        units = []
        for part in parts:
            queries = [self._part_query(part, where, weight)]
            if look_up:
                queries += self.part_glossary(part, where, weight)
            nodes = [_Prebuilt(q, node.startchar, node.endchar) for q in queries]
            units.append(nodes[0] if len(nodes) == 1 else syntax.OrGroup(nodes))
        return syntax.AndGroup(units)

    def _part_query(self, part: str, where: tuple[str, ...], weight: float) -> wq.Query:
        stem = stem_words("da", [part])[0]
        fields = [(f"{name}_da", self.boosts.get(name, 1.0)) for name in where]
        return FieldsTerm([wq.Term(f, stem, boost=b) for f, b in fields], boost=weight)
