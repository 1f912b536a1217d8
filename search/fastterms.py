"""The index-time terms of a text field, computed without Whoosh's token objects.

Whoosh analyses a field by passing one ``Token`` object through a chain of
generators (tokenizer, lowercase, stop words, stemmer) and then grouping the
tokens into ``(term, frequency, weight, positions)``. For ~900-word reports
that chain was the largest single cost of ingest after the posting writer
(``bench/ingest_speed.py --profile``). The same result comes from one regex
``findall``, ``str.lower`` over the list, a set lookup for stop words, one
batched C call to PyStemmer and a dict of positions: several times faster.

:func:`fast_indexer` reads a field's own analyzer and format and returns the
fast path only for the chains it reproduces exactly (``RegexTokenizer`` |
``LowercaseFilter`` | ``StopFilter`` [| ``PyStemmerFilter``], with the
``Frequency`` or ``Positions`` format); any other field returns None and keeps
Whoosh's own path. ``tests/test_fastterms.py`` checks term for term, including
positions, that both paths write the same postings.
"""

from __future__ import annotations

from collections.abc import Callable
from pickle import dumps

import Stemmer
from whoosh.analysis import LowercaseFilter, PyStemmerFilter, RegexTokenizer, StopFilter
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.fields import FieldType
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint

Posting = tuple[bytes, int, float, bytes]
"""``(term as UTF-8, frequency, weight, encoded value)``: what ``FieldType.index`` yields."""
Indexer = Callable[[str], list[Posting]]


def _chain(analyzer: object) -> tuple[RegexTokenizer, StopFilter, PyStemmerFilter | None] | None:
    """The tokenizer, stop filter and optional stemmer of a chain this module reproduces, else None."""
    items = list(analyzer.items) if isinstance(analyzer, CompositeAnalyzer) else []
    if len(items) not in (3, 4):
        return None
    tokenizer, lower, stop, *rest = items
    stem = rest[0] if rest else None
    if (
        type(tokenizer) is not RegexTokenizer
        or tokenizer.gaps
        or type(lower) is not LowercaseFilter
        or type(stop) is not StopFilter
        or stop.max is not None
        or not stop.renumber
        or stop.min > 1  # every token has at least one character, so a minimum of 0 or 1 drops none
        or (stem is not None and (type(stem) is not PyStemmerFilter or stem.ignore))
    ):
        return None
    return tokenizer, stop, stem


def analysed_terms(
    text: str, findall: Callable[[str], list[str]], stops: frozenset[str], stem_words: Callable | None
) -> tuple[list[str], int]:
    """The terms of ``text`` in order and the position of the first one (stop words before it count).

    Whoosh numbers tokens from 0 and its stop filter then renumbers the kept
    ones consecutively from the first kept token's own number.
    """
    words = list(map(str.lower, findall(text)))
    kept = [w for w in words if w not in stops]
    if not kept:
        return [], 0
    first = 0
    while words[first] in stops:
        first += 1
    return (stem_words(kept) if stem_words is not None else kept), first


def fast_indexer(field: FieldType) -> Indexer | None:
    """A function giving exactly ``list(field.index(text))`` for ``field``, or None if unsupported."""
    chain = _chain(getattr(field, "analyzer", None))
    fmt = field.format
    if chain is None or type(fmt) not in (Frequency, Positions):
        return None
    tokenizer, stop, stem = chain
    findall = tokenizer.expression.findall
    if tokenizer.expression.groups:  # findall would return groups, not whole matches
        return None
    stops = stop.stops
    stem_words = Stemmer.Stemmer(stem.lang, max(stem.cachesize, 0)).stemWords if stem is not None else None
    boost = fmt.field_boost

    if type(fmt) is Frequency:

        def frequencies(text: str) -> list[Posting]:
            terms, _first = analysed_terms(text, findall, stops, stem_words)
            counts: dict[str, int] = {}
            for term in terms:
                counts[term] = counts.get(term, 0) + 1
            return [(term.encode("utf-8"), n, float(n) * boost, pack_uint(n)) for term, n in counts.items()]

        return frequencies

    def positions(text: str) -> list[Posting]:
        terms, first = analysed_terms(text, findall, stops, stem_words)
        where: dict[str, list[int]] = {}
        for offset, term in enumerate(terms):
            found = where.get(term)
            if found is None:
                where[term] = [first + offset]
            else:
                found.append(first + offset)
        out = []
        for term, places in where.items():
            # Positions.encode: the count, then the pickled gaps between positions.
            gaps = [places[0]] + [b - a for a, b in zip(places, places[1:], strict=False)]
            value = pack_uint(len(gaps)) + dumps(gaps, 2)
            out.append((term.encode("utf-8"), len(places), float(len(places)) * boost, value))
        return out

    return positions
