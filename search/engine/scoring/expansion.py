"""The index terms a prefix, wildcard, fuzzy or range query stands for, computed once and capped.

Whoosh finds a fuzzy term's neighbours by walking a Levenshtein automaton
over the lexicon in pure Python (seconds on a large index; far more on a
multi-segment reader, where it falls back to measuring every term), and the
parser emits the same fuzzy word once per text field. Here the candidates come
from the field's :class:`~search.engine.reading.lexicon.Lexicon` (one per
index generation, shared with did-you-mean) and its C++ edit distance, and
every expansion is cached, so a typo costs milliseconds. The result is the set
Whoosh's automaton accepts (plain Levenshtein distance within ``maxdist``,
same prefix).

One term never stands for more than :attr:`search.limits.Limits.max_expansions`
index words, nor a whole query for more than :attr:`~search.limits.Limits.max_total_expansions`
(:func:`search.limits.expansion_share`): ``a*`` or ``word~2`` on a large index would otherwise score
thousands of posting lists and keep each list in the cache. The kept words are
the closest (fuzzy) or the first in index order (prefix, wildcard, range, as
Elasticsearch keeps them). The set is chosen once over the whole index and
each segment searches the part of it that it holds, so every segment agrees;
below the cap that is exactly the set Whoosh expands per segment.
"""

from __future__ import annotations

import re
from itertools import islice

from whoosh import query as wq
from whoosh.reading import IndexReader

from search.engine import budget
from search.engine.cache import Cache
from search.engine.reading.lexicon import Lexicon, encode
from search.engine.reading.segments import SegmentStore

_CHECK_EVERY = 1024  # lexicon words scanned between deadline checks


def expansion_key(q: wq.MultiTerm) -> tuple:
    """What an expansion depends on (not the boost): a range has bounds, not a text."""
    if isinstance(q, wq.TermRange):
        return ("range", q.field(), q.start, q.end, q.startexcl, q.endexcl)
    return (type(q).__name__, q.field(), q.text, getattr(q, "maxdist", 0), getattr(q, "prefixlength", 0))


class Expander:
    def __init__(
        self,
        reader: IndexReader,
        max_entries: int = 2048,
        store: SegmentStore | None = None,
        max_expansions: int = 256,
        max_fuzzy_distance: int = 2,
    ):
        """``max_expansions`` and ``max_fuzzy_distance`` are the caps when a search sets no tighter share
        (:func:`search.engine.budget.expansion_share`); the search layer's own are in :mod:`search.limits`."""
        self.reader = reader
        self.store = store or SegmentStore()
        self.max_entries = max_entries
        self.max_expansions = max_expansions
        self.max_fuzzy_distance = max_fuzzy_distance
        self._cache: Cache[tuple[list[bytes], bool]] = Cache(max_items=max_entries)

    def expand(self, q: wq.MultiTerm, segment: int | None = None, reader: IndexReader | None = None) -> list[bytes]:
        """Terms of ``q`` in one segment's ``reader`` (or in the whole index when ``segment`` is None)."""
        return self._expansion(q, segment, reader)[0]

    def capped(self, q: wq.MultiTerm) -> bool:
        """True when ``q`` stands for more index words than it was allowed to."""
        return self._expansion(q, None, None)[1]

    def _expansion(self, q: wq.MultiTerm, segment: int | None, reader: IndexReader | None) -> tuple[list[bytes], bool]:
        """The words and whether they were capped, built once per key (however many threads ask)."""
        cap = budget.expansion_cap(self.max_expansions)
        key = (segment, cap, *expansion_key(q))
        if segment is None:
            return self._cache.get_or_build(key, lambda: self._whole_index(q, cap))
        fieldname = q.field()
        return self._cache.get_or_build(key, lambda: ([w for w in self.expand(q) if (fieldname, w) in reader], False))

    def _whole_index(self, q: wq.MultiTerm, cap: int) -> tuple[list[bytes], bool]:
        fieldname = q.field()
        if not fieldname or fieldname not in self.reader.schema:
            return [], False
        if type(q) is wq.FuzzyTerm:
            return self._fuzzy(q, cap)
        if type(q) is wq.Wildcard:
            found = self._wildcard(q, cap)
        else:  # prefix and range: a contiguous run of the sorted lexicon, read lazily
            found = [w for w in islice(q._btexts(self.reader), cap + 1) if w]
        return found[:cap], len(found) > cap

    def _wildcard(self, q: wq.Wildcard, cap: int) -> list[bytes]:
        """Whoosh's own wildcard scan (its pattern, after its literal prefix), stopping at ``cap`` + 1 words
        and checking the deadline as it goes: ``*ing`` reads the whole lexicon."""
        field = self.reader.schema[q.fieldname]
        pattern = re.compile(q._get_pattern())
        prefix = q._find_prefix(q.text)
        candidates = self.reader.expand_prefix(q.fieldname, prefix) if prefix else self.reader.lexicon(q.fieldname)
        found = []
        for n, btext in enumerate(candidates):
            if n % _CHECK_EVERY == 0:
                budget.check()
            if btext and pattern.match(field.from_bytes(btext)):
                found.append(btext)
                if len(found) > cap:
                    break
        return found

    def _fuzzy(self, q: wq.FuzzyTerm, cap: int) -> tuple[list[bytes], bool]:
        lexicon = self.lexicon(q.field())
        budget.check()
        maxdist = min(int(q.maxdist), self.max_fuzzy_distance)
        hits = lexicon.within(q.text, maxdist, q.prefixlength)
        capped = len(hits) > cap
        if capped:
            hits = sorted(hits)[:cap]  # the closest
        return [encode(lexicon.words[i]) for i in sorted(index for _, index in hits)], capped

    def lexicon(self, fieldname: str) -> Lexicon:
        """The field's words in the whole index, sorted (as Whoosh's lexicon lists them), shared through the
        store with every other user of this generation's lexicon."""
        return self.store.lexicon(self.reader, fieldname)
