"""Turning what a person types into a Whoosh query.

The query language: all words required by default (with a fallback to any
word, decided by the engine), any word for long natural-language queries
(:func:`is_natural_language`), "phrases", ``title:``, ``author:``, ``org:``,
``abstract:``, ``-exclude``, ``OR``, ``NOT``, prefix ``*``, fuzzy ``~`` and year
ranges (``year:[2010 TO 2020]``, ``year:>=2015``; a range on any other field
is searched as its two words).
Words are searched in the fields of every language, each analysed with its
own stemmer, and each word's terms in one language are scored together as
one BM25F term (:mod:`search.ranking`). Input that does not parse is
searched as its plain words: a search box never answers with an error.

What one query may ask for is capped before it is searched
(:mod:`search.limits`): its length, its number of words and its fuzzy
distance; each cap that changed the query is said in ``ParsedQuery.notes``.
"""

from __future__ import annotations

import copy
import logging
import re
from dataclasses import dataclass, field
from itertools import islice

from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.qparser import (
    FieldsPlugin,
    FuzzyTermPlugin,
    OrGroup,
    PlusMinusPlugin,
    QueryParser,
    syntax,
)
from whoosh.qparser.common import QueryParserError
from whoosh.qparser.plugins import MultifieldPlugin, Plugin

from search import limits
from search.analysis import LANGUAGES, STOP_WORDS
from search.ranking import use_bm25f
from search.stop_waiver import waive_stop_words

DEFAULT_BOOSTS: dict[str, float] = {"title": 3.0, "abstract": 1.5, "body": 1.0, "authors": 1.0, "org_text": 1.0}
"""Per-part BM25F weights. Title x3 against body was chosen on SciFact train
(titles x2..x5 all rank within 0.003 nDCG@10 of each other; x1 is 0.005
worse). SciFact has no separate abstract, so its x1.5 is a judgement, not a
measurement: an abstract is the author's own summary and usually also appears
in the body, so it adds to the body's evidence rather than replacing it."""

LONG_QUERY_WORDS = 5
"""From this many content words on, a plain query is read as a description (:func:`is_natural_language`)."""

ALIASES: dict[str, tuple[str, ...]] = {
    "title": tuple(f"title_{lang}" for lang in LANGUAGES),
    "abstract": tuple(f"abstract_{lang}" for lang in LANGUAGES),
    "body": tuple(f"body_{lang}" for lang in LANGUAGES),
    "text": tuple(f"body_{lang}" for lang in LANGUAGES),
    "author": ("authors",),
    "authors": ("authors",),
    "org": ("org_text",),
    "organisation": ("org_text",),
    "organization": ("org_text",),
    "area": ("area",),
    "type": ("type",),
    "lang": ("lang",),
    "year": ("year",),
}
"""Field names a person may type, and the index fields each one searches."""


@dataclass
class ParsedQuery:
    """A parsed query plus what the engine needs to explain it."""

    query: wq.Query
    text: str
    conjunctive: bool = True
    plain: bool = False  # True when the input did not parse and was taken as words
    boosts: dict[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # what the limits changed (search.limits.Notice), to be shown with the results

    @property
    def is_empty(self) -> bool:
        return isinstance(self.query, wq.Every)


class _AliasPlugin(Plugin):
    """Map typed field names (``title:``) onto the index's per-language fields.

    Runs between Whoosh's field tagging (priority 100) and the multifield
    expansion (110). Unknown names such as ``http:`` were already turned back
    into plain words by :class:`_KnownFieldsPlugin`.
    """

    def __init__(self, boosts: dict[str, float]):
        self.boosts = boosts

    def filters(self, parser):
        return [(self._expand, 105)]

    def _expand(self, parser, group):
        for i, node in enumerate(group):
            if isinstance(node, syntax.GroupNode):
                group[i] = self._expand(parser, node)
            elif node.has_fieldname and node.fieldname in ALIASES:
                copies = []
                for name in ALIASES[node.fieldname]:
                    twin = copy.copy(node)
                    twin.set_fieldname(name, override=True)
                    twin.set_boost(node.boost * self.boosts.get(name, 1.0))
                    copies.append(twin)
                group[i] = copies[0] if len(copies) == 1 else syntax.OrGroup(copies)
        return group


class _KnownFieldsPlugin(FieldsPlugin):
    """Like Whoosh's fields plugin, but accepts our aliases instead of schema names."""

    def __init__(self):
        super().__init__(remove_unknown=False)

    def filters(self, parser):
        return [(self._unknown_to_text, 99), (self.do_fieldnames, 100)]

    def _unknown_to_text(self, parser, group):
        out = group.empty_copy()
        pending = None
        for node in group:
            if isinstance(node, syntax.GroupNode):
                node = self._unknown_to_text(parser, node)
            if isinstance(node, syntax.FieldnameNode):
                node.fieldname = node.fieldname.lower()
                if node.fieldname not in ALIASES:
                    pending = node
                    continue
            if pending is not None:
                if node.has_text:
                    node.text = pending.original + node.text
                else:
                    out.append(syntax.to_word(pending))
                pending = None
            out.append(node)
        if pending is not None:
            out.append(syntax.to_word(pending))
        return out


class _RangePlugin(Plugin):
    """Ranges search years only: ``year:[2010 TO 2020]`` (bounds as the index's four-digit years).

    A range over words (``title:[a TO c]``) would stand for every word in
    between, a query the person hardly meant and one that touches much of the
    lexicon, so its two words are searched instead, and the result says so.
    Runs after field names are attached (100) and before aliases (105).
    """

    def __init__(self):
        self.notes: list[limits.Notice] = []

    def filters(self, parser):
        return [(self._ranges, 104)]

    def _ranges(self, parser, group):
        out = group.empty_copy()
        for node in group:
            if isinstance(node, syntax.GroupNode):
                out.append(self._ranges(parser, node))
            elif isinstance(node, syntax.RangeNode):
                out.extend(self._range(node))
            else:
                out.append(node)
        return out

    def _range(self, node: syntax.RangeNode) -> list[syntax.SyntaxNode]:
        bounds = [b for b in (node.start, node.end) if b]
        if node.fieldname == "year" and bounds and all(_YEAR.fullmatch(b) for b in bounds):
            node.start = node.start.zfill(4) if node.start else None
            node.end = node.end.zfill(4) if node.end else None
            return [node]
        note = limits.notice("ranges_year_only")
        if note not in self.notes:
            self.notes.append(note)
        words = []
        for bound in bounds:
            word = syntax.WordNode(bound)
            word.startchar, word.endchar = node.startchar, node.endchar
            if node.fieldname and node.fieldname != "year":
                word.set_fieldname(node.fieldname)
            words.append(word)
        return words


def _field_boosts(boosts: dict[str, float]) -> dict[str, float]:
    """Expand per-part boosts (``title``) to index fields (``title_en``...)."""
    out = {}
    for part, weight in boosts.items():
        if part in ("title", "abstract", "body"):
            for lang in LANGUAGES:
                out[f"{part}_{lang}"] = weight
        else:
            out[part] = weight
    return out


def _parser(
    schema: Schema,
    boosts: dict[str, float],
    conjunctive: bool,
    ranges: _RangePlugin | None = None,
    extra: tuple[Plugin, ...] = (),
) -> QueryParser:
    field_boosts = _field_boosts(boosts)
    group = syntax.AndGroup if conjunctive else OrGroup
    parser = QueryParser(None, schema, group=group)
    parser.remove_plugin_class(FieldsPlugin)
    parser.add_plugin(_KnownFieldsPlugin())
    parser.add_plugin(ranges or _RangePlugin())
    parser.add_plugin(_AliasPlugin(field_boosts))
    parser.add_plugin(MultifieldPlugin(list(field_boosts), fieldboosts=field_boosts))
    # "+" and "-" are operators only at the start of a word: "cochlear-implantat"
    # is one compound, not "cochlear" without "implantat". And only before a
    # letter, a quote or a bracket: "-2" and "+1" are numbers ("E2f-1, -2, -3
    # cells"), and a document is never wanted for lacking the digit 2.
    parser.add_plugin(PlusMinusPlugin(r"(?<![^\s(])\+(?=[^\W\d_]|[\"(])", r"(?<![^\s(])-(?=[^\W\d_]|[\"(])"))
    parser.add_plugin(FuzzyTermPlugin())
    for plugin in extra:
        parser.add_plugin(plugin)
    return parser


log = logging.getLogger(__name__)

_WORD = re.compile(r"\w+")
_NEGATION = re.compile(r'(?:^|\s)(?:-|NOT\s+)(?:[^\W\d_]|["(])')
_OPERATORS = re.compile(r'["*~^]|\b(?:AND|OR|NOT)\b|(?:^|[\s(])[-+](?:[^\W\d_]|["(])')
_FIELD = re.compile(r"(\w+):\S")
_OPERATOR_WORDS = frozenset({"AND", "OR", "NOT", "TO"})
_YEAR = re.compile(r"\d{1,4}")
_FUZZY_DISTANCE = re.compile(r"(?<=\S)~(\d+)")
_YEAR_COMPARISON = re.compile(r"\b(year:)(>=|=>|<=|=<|>|<)(\d{1,4})\b", re.IGNORECASE)
_AS_RANGE = {">=": "[{} TO]", "=>": "[{} TO]", ">": "{{{} TO]", "<=": "[TO {}]", "=<": "[TO {}]", "<": "[TO {}}}"}


def limited(text: str) -> tuple[str, list[limits.Notice]]:
    """``text`` within :data:`search.limits.LIMITS` (length, words, fuzzy distance), and what was changed.

    Done on the text, before parsing, so the query the parser sees is the
    one searched and the one described: the first so many characters and
    words, and ``word~N`` with N at most the allowed distance (clamped, not
    refused: ``listening~9`` finds "listening" and its near misspellings).
    ``year:>=2015`` is written as the range ``year:[2015 TO]`` here too.
    """
    caps = limits.LIMITS
    notes: list[limits.Notice] = []
    text = (text or "").strip()
    if len(text) > caps.max_chars:
        text = text[: caps.max_chars]
        notes.append(limits.notice("query_chars_cut", chars=caps.max_chars))
    words = list(islice((w for w in _WORD.finditer(text) if w.group() not in _OPERATOR_WORDS), caps.max_words + 1))
    if len(words) > caps.max_words:
        text = text[: words[caps.max_words - 1].end()]
        notes.append(limits.notice("query_words_cut", words=caps.max_words))

    def clamp(match: re.Match[str]) -> str:
        if int(match.group(1)) <= caps.max_fuzzy_distance:
            return match.group()
        note = limits.notice("fuzzy_distance_lowered", edits=caps.max_fuzzy_distance)
        if note not in notes:
            notes.append(note)
        return f"~{caps.max_fuzzy_distance}"

    text = _FUZZY_DISTANCE.sub(clamp, text)
    text = _YEAR_COMPARISON.sub(lambda m: m.group(1) + _AS_RANGE[m.group(2)].format(m.group(3)), text)
    return text, notes


def is_natural_language(text: str) -> bool:
    """True for a query of at least :data:`LONG_QUERY_WORDS` content words and no operators.

    A few typed words are a list of what must be there ("hearing aid
    fitting"), so all of them are required. A sentence or a pasted claim
    ("hearing aids fitted remotely work as well as in the clinic") almost
    never has every word in one document; requiring them all would show
    only the rare document that happens to, and hide better ones. Such a
    query matches any of its words and BM25F ranks the documents with more
    and rarer of them first (on SciFact train this beats all-words-first by
    0.004 nDCG@10 and 0.007 recall@100). Quotes, operators and field names
    keep the all-words default: their author asked for something precise.
    Parentheses alone do not: "(SIDS)" in a sentence is not syntax.
    """
    if _OPERATORS.search(text) or any(name.lower() in ALIASES for name in _FIELD.findall(text)):
        return False
    words = {w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS}
    return len(words) >= LONG_QUERY_WORDS


def parse_query(
    text: str,
    schema: Schema,
    *,
    conjunctive: bool | None = None,
    boosts: dict[str, float] | None = None,
    plugins: tuple[Plugin, ...] = (),
) -> ParsedQuery:
    """Parse ``text``; an empty box means "everything".

    ``conjunctive`` None decides by the query: all words required, except
    for natural-language queries (:func:`is_natural_language`). ``plugins``
    are added to the parser (cross-language search: :mod:`search.crosslang`).
    Never raises: when Whoosh cannot make sense of the input (stray operators,
    only punctuation) the words themselves are searched.
    """
    boosts = dict(DEFAULT_BOOSTS if boosts is None else boosts)
    text, notes = limited(text)
    auto = conjunctive is None
    if auto:
        conjunctive = not is_natural_language(text)
    if not _WORD.search(text):
        return ParsedQuery(wq.Every(), text, conjunctive, boosts=boosts, notes=tuple(notes))
    ranges = _RangePlugin()
    parser = _parser(schema, boosts, conjunctive, ranges, plugins)
    parsed = _parse_or_nothing(parser, text, "the query")
    parsed = _without_wordless(parsed)
    plain = False
    if parsed is wq.NullQuery and _NEGATION.search(text):
        # Whoosh drops a query that only excludes; "-noise" means all but noise.
        parsed = _parse_or_nothing(parser, "*:* " + text, "the excluding query")
    if parsed is wq.NullQuery or isinstance(parsed, wq.Every):
        words = " ".join(w.lower() for w in _WORD.findall(text))
        plain = True
        if auto and conjunctive and is_natural_language(words):
            # The operators that made it look precise did not parse; what is left is a sentence.
            conjunctive = False
            parser = _parser(schema, boosts, conjunctive, ranges, plugins)
        parsed = _parse_or_nothing(parser, words, "the query's words")
    query = waive_stop_words(use_bm25f(_fuzzy_on_words(parsed)))
    return ParsedQuery(query, text, conjunctive, plain=plain, boosts=boosts, notes=tuple(notes + ranges.notes))


PARSE_ERRORS = (QueryParserError, ValueError, TypeError, IndexError, KeyError, AttributeError, RecursionError)
"""What Whoosh's parser raises on input it cannot make sense of (its plugins are not strict about odd
operator sequences). Anything else, such as a search that ran out of budget, is not a parse failure."""


def _parse_or_nothing(parser: QueryParser, text: str, what: str) -> wq.Query:
    """``parser.parse(text)``, or NullQuery (the caller falls back to plainer words) with the reason logged."""
    try:
        return parser.parse(text)
    except PARSE_ERRORS as exc:
        log.info("%s did not parse (%s: %s); searching plainer words", what, type(exc).__name__, exc)
        return wq.NullQuery


def _without_wordless(q: wq.Query) -> wq.Query:
    """Drop stray operators parsed as terms: ``***`` or a lone ``*`` next to words
    would match every document (and win the any-word fallback), ``~`` none.
    A query of nothing but stars (``*``, ``title:*``) keeps its meaning."""
    if isinstance(q, wq.Wildcard | wq.Prefix | wq.FuzzyTerm) and not _WORD.search(q.text):
        return wq.NullQuery
    if q.is_leaf() or not _holds(q, wq.Wildcard | wq.Prefix | wq.FuzzyTerm | wq.Every):
        return q
    q = q.apply(_without_wordless)
    if not _is_star(q):
        q = q.apply(lambda child: wq.NullQuery if _is_star(child) else child)
    return q.normalize()


def _is_star(q: wq.Query) -> bool:
    if isinstance(q, wq.Every):
        return True
    return not q.is_leaf() and all(_is_star(child) for child in q.children())


def _fuzzy_on_words(q: wq.Query) -> wq.Query:
    """Run fuzzy terms against unstemmed words: "reverberaton~" must reach
    "reverberation", which a stemmed field only holds as "reverber"."""
    if isinstance(q, wq.FuzzyTerm):
        maxdist = min(q.maxdist, limits.LIMITS.max_fuzzy_distance)
        return wq.FuzzyTerm("words", q.text.lower(), boost=q.boost, maxdist=maxdist, prefixlength=q.prefixlength)
    if isinstance(q, wq.compound.CompoundQuery | wq.Not | wq.AndNot | wq.AndMaybe | wq.Require) and _holds(
        q, wq.FuzzyTerm
    ):
        return q.apply(_fuzzy_on_words).normalize()
    return q


def _holds(q: wq.Query, kinds) -> bool:
    """Whether a leaf of ``q`` is one of ``kinds``: the rewrites above leave a tree without them as it is
    (rebuilding and normalising it at every level cost more than the rest of a cross-language parse)."""
    return any(isinstance(leaf, kinds) for leaf in q.leaves())
