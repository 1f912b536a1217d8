"""The index-time terms of a text field, computed without Whoosh's token objects.

Whoosh analyses a field by passing one ``Token`` object through a chain of
generators (tokenizer, lowercase, stop words, stemmer) and then grouping the
tokens into ``(term, frequency, weight, positions)``. For ~900-word reports
that chain was the largest single cost of ingest after the posting writer
(``bench/ingest_speed.py --profile``). The same result comes from one regex
``findall``, ``str.lower`` over the list, a set lookup for stop words, one
batched C call to PyStemmer and a dict of positions: several times faster.

:func:`fast_columns` reads a field's own analyzer and format and returns the
fast path only for the chains it reproduces exactly (``RegexTokenizer`` |
``LowercaseFilter`` | ``StopFilter`` [| a word splitter] [| ``PyStemmerFilter``],
with the ``Frequency`` or ``Positions`` format); any other field returns None
and keeps Whoosh's own path (logged, for a ``TEXT`` field: ids and keywords are
meant to take it). ``tests/test_fastterms.py`` checks term for term, including
positions, that both paths write the same postings.

**A word splitter** is any filter with an ``index_parts`` attribute: a function
from a lowercased non-stop word to the words (``()`` for none) the filter
yields after it, at the same position, when a field indexes a value; it
changes nothing else, and passes everything through at query time. The search
layer's Danish compound filter (:class:`search.decompound.CompoundParts`) is
one; the engine knows it only by that attribute, as it sits below the
features that decide what a compound is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from operator import sub
from pickle import dumps
from typing import NamedTuple

import Stemmer
from whoosh.analysis import LowercaseFilter, PyStemmerFilter, RegexTokenizer, StopFilter
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.fields import TEXT, FieldType
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint

from search.engine.fallbacks import fell_back

Columns = tuple[list[bytes], list[int], list[float], list[bytes]]
"""A field's postings as parallel lists: terms (UTF-8), frequencies, weights, encoded values; zipped, they are
the ``(term, frequency, weight, value)`` tuples ``FieldType.index`` yields."""
ColumnIndexer = Callable[[str], Columns]

_ONE_PLACE_MAX = 8192
_ONE_COUNT = pack_uint(1)
_ONE_PLACE = [dumps([place], 2) for place in range(_ONE_PLACE_MAX)]
"""The pickled positions of a term found once, at each position: most terms of a text are found once.
Each value is still a new object (the concatenation): the block writer pickles a tuple of values, and
pickle would write a repeated object as a back-reference, which Whoosh's own writer never does."""


class Chain(NamedTuple):
    """The parts of an analyzer chain this module reproduces."""

    tokenizer: RegexTokenizer
    stop: StopFilter
    parts_of: Callable[[str], tuple[str, ...]] | None
    """A word splitter's ``index_parts`` (see the module docstring), or None."""
    stem: PyStemmerFilter | None


def _chain(analyzer: object) -> Chain | None:
    """The tokenizer, stop filter, optional word splitter and optional stemmer of a chain this module
    reproduces, else None."""
    items = list(analyzer.items) if isinstance(analyzer, CompositeAnalyzer) else []
    if len(items) < 3:
        return None
    tokenizer, lower, stop, *rest = items
    splitter = rest.pop(0) if rest and hasattr(rest[0], "index_parts") else None
    stem = rest.pop(0) if rest else None
    if (
        rest
        or type(tokenizer) is not RegexTokenizer
        or tokenizer.gaps
        or type(lower) is not LowercaseFilter
        or type(stop) is not StopFilter
        or stop.max is not None
        or not stop.renumber
        or stop.min > 1  # every token has at least one character, so a minimum of 0 or 1 drops none
        or (stem is not None and (type(stem) is not PyStemmerFilter or stem.ignore))
    ):
        return None
    return Chain(tokenizer, stop, splitter.index_parts if splitter is not None else None, stem)


_recent: dict[tuple[int, object], tuple[str, list[str]]] = {}
"""The last texts' lowercased words, by text identity and token pattern: a document's title, abstract and body,
analysed for their own fields, again serve its ``words`` field (:class:`search.analysis.JoinedText`).
Each field's analyzer has its own pattern object, equal when the pattern is."""
_RECENT_MAX = 8


def kept_words(text: str, findall: Callable[[str], list[str]], stops: frozenset[str]) -> tuple[list[str], int]:
    """The lowercased words of ``text`` that are not stop words, and the position of the first one.

    Whoosh numbers tokens from 0 and its stop filter then renumbers the kept
    ones consecutively from the first kept token's own number.
    """
    key = (id(text), getattr(findall, "__self__", findall))
    found = _recent.get(key)
    if found is not None and found[0] is text:
        words = found[1]
    else:
        words = list(map(str.lower, findall(text)))
        if len(_recent) >= _RECENT_MAX:
            _recent.clear()
        _recent[key] = (text, words)  # holding the text keeps its id from being reused while cached
    kept = [w for w in words if w not in stops]
    first = 0
    if kept:
        while words[first] in stops:
            first += 1
    return kept, first


def analysed_terms(
    text: str,
    findall: Callable[[str], list[str]],
    stops: frozenset[str],
    parts_of: Callable[[str], tuple[str, ...]] | None,
    stem_words: Callable | None,
) -> tuple[list[str], Sequence[int]]:
    """The terms of ``text`` in order and the position of each (stop words before the first one count)."""
    kept, first = kept_words(text, findall, stops)
    places = None
    if parts_of is not None and kept:
        kept, places = with_parts(kept, first, parts_of)
    terms = stem_words(kept) if stem_words is not None and kept else kept
    return terms, places if places is not None else range(first, first + len(terms))


def with_parts(
    kept: list[str], first: int, parts_of: Callable[[str], tuple[str, ...]]
) -> tuple[list[str], list[int] | None]:
    """``kept`` with each word's parts after it, and every word's position; None for the positions when no
    word has parts (they are then ``first``, ``first + 1``, ...).

    Few words have parts, so the words between them are copied a slice at a time.
    """
    found = {word: parts for word in set(kept) if (parts := parts_of(word))}
    if not found:
        return kept, None
    words: list[str] = []
    places: list[int] = []
    start = 0
    for at in [at for at, word in enumerate(kept) if word in found]:
        parts = found[kept[at]]
        words += kept[start : at + 1]
        words += parts
        places += range(first + start, first + at + 1)
        places += [first + at] * len(parts)
        start = at + 1
    words += kept[start:]
    places += range(first + start, first + len(kept))
    return words, places


def fast_columns(field: FieldType) -> ColumnIndexer | None:
    """A function giving ``field.index(text)`` as parallel lists (terms, frequencies, weights, values), or None.

    Lists rather than a tuple per term: the writer files each term's posting
    straight from them (:meth:`search.engine.writing.bucket_pool.BucketPool.add_columns`).
    """
    chain = _chain(getattr(field, "analyzer", None))
    fmt = field.format
    if chain is None or type(fmt) not in (Frequency, Positions) or chain.tokenizer.expression.groups:
        # (a pattern with groups: findall would return the groups, not whole matches)
        if isinstance(field, TEXT):
            fell_back(__name__, f"a text field whose analysis it does not reproduce ({field.analyzer!r})")
        return None
    findall = chain.tokenizer.expression.findall
    stops, parts_of, stem = chain.stop.stops, chain.parts_of, chain.stem
    stem_words = Stemmer.Stemmer(stem.lang, max(stem.cachesize, 0)).stemWords if stem is not None else None
    boost = fmt.field_boost

    if type(fmt) is Frequency:

        def frequencies(text: str) -> Columns:
            parts = getattr(text, "parts", None)
            if parts is None:
                terms, _places = analysed_terms(text, findall, stops, parts_of, stem_words)
            else:  # a JoinedText: its parts' words in turn, most of them analysed just before
                terms = [word for part in parts for word in kept_words(part, findall, stops)[0]]
                if parts_of is not None and terms:
                    terms = with_parts(terms, 0, parts_of)[0]
                if stem_words is not None and terms:
                    terms = stem_words(terms)
            counts = Counter(terms)
            freqs = list(counts.values())
            return (
                [term.encode("utf-8") for term in counts],
                freqs,
                [float(n) * boost for n in freqs],
                list(map(pack_uint, freqs)),
            )

        return frequencies

    once = float(1) * boost

    def positions(text: str) -> Columns:
        terms, at = analysed_terms(text, findall, stops, parts_of, stem_words)
        where: dict[str, list[int]] = {}
        for place, term in zip(at, terms, strict=True):
            found = where.get(term)
            if found is None:
                where[term] = [place]
            else:
                found.append(place)
        freqs = list(map(len, where.values()))
        weights, values = [], []
        for places, n in zip(where.values(), freqs, strict=True):
            # Positions.encode: the count, then the pickled gaps between positions.
            if n == 1:
                place = places[0]
                values.append(_ONE_COUNT + (_ONE_PLACE[place] if place < _ONE_PLACE_MAX else dumps(places, 2)))
                weights.append(once)
            else:
                values.append(pack_uint(n) + dumps([places[0], *map(sub, places[1:], places)], 2))
                weights.append(float(n) * boost)
        return [term.encode("utf-8") for term in where], freqs, weights, values

    return positions
