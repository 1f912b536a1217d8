"""Danish compounds at query time: "vindmøllestøj" also finds "støj fra vindmøller".

Danish writes a compound as one word (høreapparatbrugere, vindmøllestøj, efterklangstid), so a document that
says the same thing in separate words ("støj fra vindmøller") shares no term with it. This module splits a
typed compound into its parts and lets the query also search the parts together.

**The splitter** (:func:`split_compound`) is data-driven: Danish word frequencies from ``wordfreq``
(``zipf_frequency(word, "da")``, its "small" Danish list, about 2 MB of the package's data). A word splits
into 2 or 3 parts, each at least :data:`MIN_PART` letters and at least :data:`MIN_ZIPF` frequent, a non-final
part optionally followed by a Danish linking letter (``-s-`` in efterklang-s-tid, ``-e-``), and only when the
whole word is rarer than :data:`MIN_ZIPF` (and so than its parts): a word people write often is a word of its
own, whatever it is made of (``vindmøller`` 4.15 is not vind + møller, ``hørelse`` 3.47 not hør + else,
``undersøgelse``, ``kommunen``); the compounds a search needs split are the rare ones, mostly not in the list
at all. Fewer parts win, then fewer linking letters (vej + støj, not vej-s-tøj), then the split whose rarest
part is the most frequent. A word more frequent in English than in Danish is not split (``beamforming``,
``audiologists``): members type English too. Measured with ``wordfreq`` 3.1.1: vindmølle 3.68, støj 3.94,
vindmøllestøj 0 (not listed) -> vindmølle + støj; høreapparat is not listed, so høreapparatbrugere splits as
høre + apparat + brugere; efterklang is not either, so efterklangstid splits as efter + klang + tid.

A split whose last part the Danish stemmer removes whole is a suffix, not a compound (``rumlig`` is not
rum + lig: Snowball strips -lig, so its stem is ``rum``).

**Parts for searching** (:func:`search_parts`): a part that is a Danish stop word (``efter``, ``under``) is
not in the index, so it is joined to the next part (``efterklang`` + ``tid``), as the index holds it.

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
from functools import lru_cache

from whoosh import query as wq
from whoosh.qparser import syntax
from whoosh.qparser.plugins import Plugin

from search.analysis import LANGUAGE_STOP_WORDS, stem_words
from search.ranking import FieldsTerm

MIN_PART = 3
"""Fewest letters of a part."""

MIN_ZIPF = 3.0
"""Least Danish zipf frequency of a part (3.0: once per million words; see the module docstring)."""

MAX_PARTS = 3
LINKS = ("s", "e")
"""Danish linking letters between the parts of a compound."""

PART_BOOST = 0.5
"""Weight of the parts together against the typed compound's."""

_Split = tuple[tuple[str, ...], int, float]  # parts, linking letters, the rarest part's zipf
_DA_STOPS = LANGUAGE_STOP_WORDS["da"]
_PARTS = ("title", "abstract", "body")
_TYPED_PART = {None: _PARTS, "title": ("title",), "abstract": ("abstract",), "body": ("body",), "text": ("body",)}


@lru_cache(maxsize=200_000)
def _zipf(word: str, lang: str = "da") -> float:
    from wordfreq import zipf_frequency  # loaded on first use: its tables are read when first asked

    return zipf_frequency(word, lang)


def _known(part: str) -> float:
    """The part's frequency when it may be a part, else 0."""
    if len(part) < MIN_PART:
        return 0.0
    z = _zipf(part)
    return z if z >= MIN_ZIPF else 0.0


@lru_cache(maxsize=100_000)
def _segments(word: str, most: int) -> _Split | None:
    """The best way to read ``word`` as 1..``most`` known parts: (parts, links, rarest part's zipf), or None."""
    whole = _known(word)
    best: _Split | None = ((word,), 0, whole) if whole else None
    if most < 2:
        return best
    split = _best_split(word, most)
    return split if best is None or (split is not None and _better(split, best)) else best


def _best_split(word: str, most: int) -> _Split | None:
    """The best reading of ``word`` as a known first part (perhaps with a linking letter) and 1..``most - 1``
    known parts after it, or None."""
    best: _Split | None = None
    for i in range(MIN_PART, len(word) - MIN_PART + 1):
        head, tail = word[:i], word[i:]
        for part in (head, head[:-1]) if head[-1] in LINKS else (head,):
            z = _known(part)
            rest = _segments(tail, most - 1) if z else None
            if rest is not None:
                found = ((part, *rest[0]), rest[1] + (part != head), min(z, rest[2]))
                if best is None or _better(found, best):
                    best = found
    return best


def _better(a: _Split, b: _Split) -> bool:
    """Fewer parts first, then fewer linking letters (vej+støj, not vej-s-tøj), then the most frequent rarest
    part, then the longest first part (deterministic)."""
    return (-len(a[0]), -a[1], a[2], len(a[0][0])) > (-len(b[0]), -b[1], b[2], len(b[0][0]))


@lru_cache(maxsize=100_000)
def split_compound(word: str) -> tuple[str, ...]:
    """The parts of the lowercased Danish ``word`` when it is a compound, else ``()``.

    >>> split_compound("vindmøllestøj")
    ('vindmølle', 'støj')
    """
    if len(word) < 2 * MIN_PART or not word.isalpha():
        return ()
    whole = _zipf(word)
    if whole >= MIN_ZIPF:  # frequent enough to be a part is frequent enough to be a word (vindmøller, hørelse)
        return ()
    english = _zipf(word, "en")
    if english > whole:  # an English word (beamforming, audiologists) is no Danish compound
        return ()
    best = _best_split(word, MAX_PARTS)
    if best is None or whole >= best[2]:
        return ()
    if len(stem_words("da", [word])[0]) <= len(word) - len(best[0][-1]):  # a suffix: rumlig, not rum + lig
        return ()
    return best[0]


@lru_cache(maxsize=100_000)
def search_parts(word: str) -> tuple[str, ...]:
    """:func:`split_compound`'s parts as the index holds them: a stop-word part joined to the next one.

    ``()`` when the word does not split into at least two searchable parts.
    """
    parts = split_compound(word)
    out: list[str] = []
    carry = ""
    for part in parts:
        if part in _DA_STOPS:
            carry += part
            continue
        out.append(carry + part)
        carry = ""
    if carry and out:
        out[-1] += carry
    return tuple(out) if len(out) >= 2 else ()


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
