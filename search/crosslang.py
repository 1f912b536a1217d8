"""Cross-language search at query time: a Danish query also finds the English reports, and back.

Members write in Danish and English, and each document is indexed only in its own language's fields, so
"høreapparater" cannot find a report about hearing aids. The glossary (:mod:`search.glossary`) says which
terms name the same concept in both languages; this module finds its terms in what was typed and lets each
one also search the concept's terms in the other language.

**Where: on the parser's syntax tree, not on the text and not on the finished query.** :class:`Expander` is a
Whoosh parser plugin whose filter runs after field names are attached (100) and before the field aliases
(105) and the multifield expansion (110). There the typed words are still words (``WordNode``, with the
text as typed and the field name as typed), in order, next to the operators and markers that bind them
(``-``, ``+``, ``NOT``, ``OR``, ``^2``). Rewriting the text would need a query syntax for "these terms, only in
Danish fields, analysed as Danish, at half weight", which the language does not have; on the finished query
tree an any-word query is one flat ``Or`` whose words can no longer be told apart. The syntax tree has both
the words and the structure, so the query language keeps all its meaning.

**Matching** is on analysed forms: the typed words stemmed by each language's analyzer
(:func:`search.analysis.stem_words`, stop words dropped as the index drops them) against the glossary's terms
stemmed the same way, longest phrase first, so "hearing aids" finds the concept of "hearing aid" and
"høreapparaterne" that of "høreapparat". Abbreviations match case-insensitively as whole words. The stemmed
tables are built once per glossary file (:func:`tables_for`).

**The rewrite.** A matched word or phrase ``w`` becomes ``(w OR X)``, where ``X`` is the concept's terms in the
other language (for an abbreviation: in both), each analysed by that language's analyzer and searched only in
that language's text fields (a typed ``title:`` keeps it to titles): one word is one BM25F
:class:`~search.ranking.FieldsTerm` of that language, scored as a typed word is, a phrase is a phrase in each
field. ``X`` weighs :data:`EXPANSION_BOOST` of a typed word, so a document in the query's own language ranks
first when both match equally. When all words are required, ``(w OR X)`` is required as one unit: a concept
is present if it is there in either language. A phrase maps as a unit ("hearing aid" is not "hearing" and
"aid" each translated). An equivalent that the typed word already searches (a term spelled the same in both
languages, like "tinnitus") is not added again.

**Compounds:** a Danish compound typed as one word is split after this runs (:mod:`search.compounds`), so
the typed words match the glossary as typed first; each part then asks :meth:`Expander.part_queries` for its
concept's terms ("vindmøllestøj": vindmølle, støj -> wind turbine, noise), unless the glossary names the
whole compound (:meth:`Expander.names_whole`).

**What is not expanded:** prefix (``beam*``) and fuzzy (``reverberaton~``) words, which stand for words the
person has not settled on; names (``author:``, ``org:``); a quoted phrase only when it is, as a whole, a
glossary term. **Exclusions are expanded consistently:** ``-støj`` and ``NOT støj`` exclude the documents about
noise in both languages, because the positive side of the same query finds both languages; excluding only
Danish "støj" would let the English reports about noise through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from whoosh import query as wq
from whoosh.qparser import syntax
from whoosh.qparser.plugins import Plugin

from search import glossary as glossary_module
from search.analysis import LANGUAGES, TOKEN_PATTERN, content_words, stem_words
from search.glossary import Glossary, load_glossary
from search.ranking import FieldsTerm, PhraseTerms

EXPANSION_BOOST = 0.5
"""Weight of the other language's terms against the typed words' (see ``docs/ranking.md``)."""

PARTS = ("title", "abstract", "body")
_TYPED_PART = {None: PARTS, "title": ("title",), "abstract": ("abstract",), "body": ("body",), "text": ("body",)}
"""What a typed field name keeps an expansion to; words under any other field name are not expanded."""

Stems = tuple[str, ...]
_WORDS = re.compile(TOKEN_PATTERN)


def analysed(lang: str, text: str) -> Stems:
    """``text`` as ``lang``'s analyzer indexes it: lowercased words, stop words dropped, stemmed."""
    return tuple(stem_words(lang, content_words(text, lang)))


@dataclass(frozen=True)
class Tables:
    """A glossary's terms by their analysed forms, for matching typed words in one dictionary look-up."""

    by_stems: dict[str, dict[Stems, tuple[int, ...]]]  # lang -> analysed term -> concept numbers
    abbreviations: dict[str, tuple[int, ...]]  # lowercased abbreviation -> concept numbers
    terms: tuple[dict[str, tuple[tuple[str, Stems], ...]], ...]  # per concept: lang -> (term, analysed term)
    longest: int  # most analysed words in one term

    @property
    def empty(self) -> bool:
        return not self.terms


def build_tables(glossary: Glossary) -> Tables:
    """The look-up tables of ``glossary``: each term analysed once, by its own language's analyzer."""
    by_stems: dict[str, dict[Stems, list[int]]] = {lang: {} for lang in LANGUAGES}
    abbreviations: dict[str, list[int]] = {}
    terms = []
    longest = 1
    for number, concept in enumerate(glossary.concepts):
        own: dict[str, tuple[tuple[str, Stems], ...]] = {}
        for lang in LANGUAGES:
            found = [(term, analysed(lang, term)) for term in concept.terms(lang)]
            own[lang] = tuple((term, stems) for term, stems in found if stems)
            for _term, stems in own[lang]:
                found_for = by_stems[lang].setdefault(stems, [])
                if number not in found_for:  # two terms of one concept can stem alike
                    found_for.append(number)
                longest = max(longest, len(stems))
        for abbr in concept.abbr:
            if abbr.strip():
                abbreviations.setdefault(abbr.strip().lower(), []).append(number)
        terms.append(own)
    return Tables(
        by_stems={lang: {k: tuple(v) for k, v in table.items()} for lang, table in by_stems.items()},
        abbreviations={k: tuple(v) for k, v in abbreviations.items()},
        terms=tuple(terms),
        longest=longest,
    )


_NO_TABLES = build_tables(Glossary(()))


def tables_for(path: str | Path | None) -> Tables:
    """The tables of the glossary at ``path`` (None: :data:`search.glossary.DEFAULT_GLOSSARY`), built once.

    No glossary file at the default place means no expansion: a checkout without the data still searches.
    A named file that is missing or malformed is an error, as a wrong setting should be.
    """
    if path is None:
        default = glossary_module.DEFAULT_GLOSSARY
        return _tables(str(default)) if Path(default).is_file() else _NO_TABLES
    return _tables(str(path))


@lru_cache(maxsize=8)
def _tables(path: str) -> Tables:
    return build_tables(load_glossary(path))


@dataclass(frozen=True)
class Match:
    """Words ``start:end`` of a run name concepts: ``found`` holds (language matched in, concept numbers);
    the language is None for an abbreviation."""

    start: int
    end: int
    found: tuple[tuple[str | None, tuple[int, ...]], ...]


def find_matches(words: list[str], tables: Tables, alone: frozenset[int] = frozenset()) -> list[Match]:
    """Glossary terms in ``words`` (consecutive typed words), longest first, left to right, not overlapping.

    A word in ``alone`` is bound by an operator (``-word``, ``a OR b``, ``word^2``) and matches only on its own.
    """
    per_lang = {lang: [analysed(lang, w) for w in words] for lang in LANGUAGES}
    matches = []
    i = 0
    while i < len(words):
        best_end, found = i + 1, []
        for lang in LANGUAGES:
            stems: Stems = ()
            lang_end, lang_found = 0, None
            for j in range(i, len(words)):
                if j > i and (j in alone or i in alone):
                    break
                stems += per_lang[lang][j]
                if len(stems) > tables.longest:
                    break
                hit = tables.by_stems[lang].get(stems) if per_lang[lang][j] else None
                if hit:
                    lang_end, lang_found = j + 1, hit
            if lang_found and lang_end > best_end:
                best_end, found = lang_end, [(lang, lang_found)]
            elif lang_found and lang_end == best_end:
                found.append((lang, lang_found))
        abbr = tables.abbreviations.get(words[i].lower())
        if abbr and best_end == i + 1:
            found.append((None, abbr))
        if found:
            matches.append(Match(i, best_end, tuple(found)))
            i = best_end
        else:
            i += 1
    return matches


@dataclass
class Expansion:
    """What a match adds: per language, the glossary terms and their analysed forms."""

    terms: dict[str, list[tuple[str, Stems]]] = field(default_factory=dict)
    typed: list[tuple[str, Stems]] = field(default_factory=list)
    """The typed words as each language they matched in analyses them: the equivalents take their weight."""

    def add(self, lang: str, term: str, stems: Stems) -> None:
        found = self.terms.setdefault(lang, [])
        if all(stems != s for _t, s in found):
            found.append((term, stems))


def expansion_of(match: Match, words: list[str], tables: Tables) -> Expansion:
    """The other language's terms of ``match``'s concepts, less what the typed words search already.

    A concept the typed words also name in the other language ("tinnitus", "design": the same word in both)
    needs no translation there: its other terms would only be that language's synonyms, searched over every
    document of the language for a query that did not ask for them.
    """
    typed = " ".join(words[match.start : match.end])
    named = {lang: set(concepts) for lang, concepts in match.found if lang is not None}
    out = Expansion()
    for source, concepts in match.found:
        for lang in LANGUAGES:
            if lang == source:
                continue
            already = analysed(lang, typed)
            if source is not None and (source, analysed(source, typed)) not in out.typed:
                out.typed.append((source, analysed(source, typed)))
            for number in concepts:
                if number in named.get(lang, ()):
                    continue
                for term, stems in tables.terms[number][lang]:
                    if stems != already:
                        out.add(lang, term, stems)
    return out


def expansion_queries(
    expansion: Expansion, parts: tuple[str, ...], boosts: dict[str, float], weight: float = 1.0
) -> list[wq.Query]:
    """``expansion`` as queries over ``parts`` of each term's language, at :data:`EXPANSION_BOOST`, one per term
    (as siblings of the typed words, not wrapped in an ``Or`` of their own: Whoosh's normalising would copy
    every one of them deeply to flatten that ``Or`` into its parent, which doubled the cost of a parse).

    A one-word term is one BM25F :class:`FieldsTerm`, as a typed word is. A longer term must occur as a
    phrase, and is scored as its words' BM25F terms sharing the weight of one (one :class:`PhraseTerms`, a leaf
    the engine caches per index generation as it caches a word): a concept counts once
    whether the other language names it with one word or three. (Scoring the phrase itself, Whoosh's
    per-field phrase score added over title, abstract and body, put a two-word English equivalent above
    the Danish document a Danish query named exactly.) ``weight`` is the typed words' own (a compound's part
    has less).
    """
    children: list[wq.Query] = []
    for lang, terms in expansion.terms.items():
        typed = tuple(
            _fields_term([(f"{part}_{source}", boosts.get(part, 1.0)) for part in parts], stem, 1.0)
            for source, stems in expansion.typed
            if source != lang
            for stem in stems
        )
        for _term, stems in terms:
            fields = [(f"{part}_{lang}", boosts.get(part, 1.0)) for part in parts]
            if len(stems) == 1:
                children.append(_fields_term(fields, stems[0], weight * EXPANSION_BOOST, typed))
                continue
            share = weight * EXPANSION_BOOST / len(stems)
            children.append(PhraseTerms([_fields_term(fields, stem, share, typed) for stem in stems]))
    return children


def _fields_term(
    fields: list[tuple[str, float]], stem: str, weight: float, idf_of: tuple[FieldsTerm, ...] = ()
) -> FieldsTerm:
    """One BM25F word; an equivalent takes the idf of the typed words it stands for (``idf_of``)."""
    return FieldsTerm([wq.Term(f, stem, boost=b) for f, b in fields], boost=weight, idf_of=idf_of)


class _Prebuilt(syntax.SyntaxNode):
    """A syntax node standing for a query built here: no field name, so no later filter rewrites it."""

    def __init__(self, q: wq.Query, startchar: int, endchar: int):
        self.q = q
        self.startchar, self.endchar = startchar, endchar

    def r(self) -> str:
        return f"crosslang {self.q!r}"

    def query(self, parser) -> wq.Query:
        return self.q


def _binds(node: syntax.SyntaxNode | None) -> bool:
    """True for a node that binds its neighbour word: ``-``, ``+``, ``NOT``, ``OR``, ``^2``..."""
    return node is not None and not isinstance(node, syntax.WordNode | syntax.GroupNode | syntax.TextNode)


def _is_word(node: syntax.SyntaxNode) -> bool:
    return type(node) is syntax.WordNode and node.fieldname in _TYPED_PART


class Expander(Plugin):
    """The parser plugin that adds the other language's terms; a new one per search, as it records what it
    added (:attr:`added`, read after the parse)."""

    def __init__(self, tables: Tables, boosts: dict[str, float]):
        self.tables = tables
        self.boosts = boosts
        self.added: dict[str, list[str]] = {}

    def filters(self, parser):
        return [(self._start, 103)]

    @property
    def expansion(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The terms the last parse added, per language: ``(("da", ("høreapparat",)),)``."""
        return tuple((lang, tuple(terms)) for lang, terms in self.added.items() if terms)

    def _start(self, parser, group):
        self.added = {}  # a parse that failed and was retried must not report the failed one's terms
        return self._rewrite(group)

    def _rewrite(self, group: syntax.GroupNode) -> syntax.GroupNode:
        nodes = [self._rewrite(n) if isinstance(n, syntax.GroupNode) else n for n in group]
        solid = [k for k, n in enumerate(nodes) if not n.is_ws()]
        replaced: dict[int, syntax.SyntaxNode] = {}
        dropped: set[int] = set()
        run: list[int] = []
        for k in [*solid, None]:
            node = nodes[k] if k is not None else None
            if node is not None and _is_word(node) and (not run or node.fieldname == nodes[run[0]].fieldname):
                run.append(k)
                continue
            self._expand_run(group, nodes, solid, run, replaced, dropped)
            run = [k] if node is not None and _is_word(node) else []
            if node is not None and type(node).__name__ == "PhraseNode" and node.fieldname in _TYPED_PART:
                self._expand_phrase(node, k, replaced)
        out = group.empty_copy()
        for k, node in enumerate(nodes):
            if k not in dropped:
                out.append(replaced.get(k, node))
        return out

    def _expand_run(self, group, nodes, solid, run, replaced, dropped) -> None:
        if not run:
            return
        order = {k: pos for pos, k in enumerate(solid)}
        alone = set()
        for i, k in enumerate(run):
            pos = order[k]
            before = nodes[solid[pos - 1]] if pos > 0 else None
            after = nodes[solid[pos + 1]] if pos + 1 < len(solid) else None
            if _binds(before) or _binds(after):
                alone.add(i)
        words = [nodes[k].text for k in run]
        for match in find_matches(words, self.tables, frozenset(alone)):
            span = [nodes[k] for k in run[match.start : match.end]]
            extra = [_Prebuilt(q, span[0].startchar, span[-1].endchar) for q in self._queries(match, words, span)]
            if not extra:
                continue
            either_or = isinstance(group, syntax.OrGroup) and not (set(range(match.start, match.end)) & alone)
            if either_or:  # any word: the span's words stay single words, the equivalents join them
                unit = syntax.OrGroup([*span, *extra])
            else:  # all words (or bound by an operator): the words, or their equivalents, as one unit
                unit = syntax.OrGroup([span[0] if len(span) == 1 else syntax.AndGroup(span), *extra])
            first, last = run[match.start], run[match.end - 1]
            replaced[first] = unit
            dropped.update(range(first + 1, last + 1))

    def _expand_phrase(self, node, k: int, replaced) -> None:
        words = _WORDS.findall(node.text)
        matches = find_matches(words, self.tables, frozenset())
        if len(matches) != 1 or (matches[0].start, matches[0].end) != (0, len(words)):
            return
        extra = [_Prebuilt(q, node.startchar, node.endchar) for q in self._queries(matches[0], words, [node])]
        if extra:
            replaced[k] = syntax.OrGroup([node, *extra])

    def names_whole(self, word: str) -> bool:
        """True when the glossary names ``word`` on its own: a split compound's parts are then not looked up."""
        return any(m.end == 1 for m in find_matches([word], self.tables))

    def part_queries(self, part: str, parts: tuple[str, ...], weight: float) -> list[wq.Query]:
        """The other language's queries for one part of a split compound (:mod:`search.compounds`), searched
        in ``parts`` (title, abstract, body) at ``weight`` of a typed word."""
        queries: list[wq.Query] = []
        for match in find_matches([part], self.tables):
            queries += self._expansion_queries(expansion_of(match, [part], self.tables), parts, weight)
        return queries

    def _queries(self, match: Match, words: list[str], span: list[syntax.SyntaxNode]) -> list[wq.Query]:
        """The queries ``match`` adds (kept to the span's typed field), and the terms recorded as added."""
        expansion = expansion_of(match, words, self.tables)
        return self._expansion_queries(expansion, _TYPED_PART[span[0].fieldname])

    def _expansion_queries(self, expansion: Expansion, parts: tuple[str, ...], weight: float = 1.0) -> list[wq.Query]:
        queries = expansion_queries(expansion, parts, self.boosts, weight)
        for lang, terms in expansion.terms.items():
            shown = self.added.setdefault(lang, [])
            shown.extend(t for t, _s in terms if t not in shown)
        return queries


def recognised_spans(text: str, tables: Tables) -> list[tuple[int, int]]:
    """Character spans of ``text`` that are glossary terms: words a spelling correction must leave alone."""
    found = list(_WORDS.finditer(text))
    matches = find_matches([m.group() for m in found], tables)
    return [(found[m.start].start(), found[m.end - 1].end()) for m in matches]


def equivalent_texts(text: str, tables: Tables, limit: int = 4) -> list[str]:
    """``text`` said in the other language, when every word of it is a glossary term: each match's terms in
    the other language (both, for an abbreviation), the first ``limit`` combinations. For completions: the
    titles a typed concept also finds (a word outside the glossary cannot be said in the other language,
    and a title completion needs every typed word)."""
    words = _WORDS.findall(text)
    matches = find_matches(words, tables)
    if not words or sum(m.end - m.start for m in matches) != len(words):
        return []
    options: list[list[str]] = []
    for match in matches:
        expansion = expansion_of(match, words, tables)
        options.append([term for terms in expansion.terms.values() for term, _stems in terms])
        if not options[-1]:
            return []
    out = [""]
    for choices in options:
        out = [f"{head} {term}".strip() for head in out for term in choices][:limit]
    return out
