"""What one search may cost: caps on the query and a time budget, in one place.

A search box is open to anyone, and a few characters can ask for unbounded
work: ``word~9`` matches most of the lexicon, ``a*`` thousands of words, a
pasted page hundreds of clauses. Mature engines cap each of these (Lucene:
fuzzy edit distance at most 2, a maximum clause count; Elasticsearch: a
maximum number of terms a prefix or fuzzy word expands to) and stop a search
that runs too long. The caps below shape the query before any work is done;
the budget stops whatever still runs too long, so nothing keeps working
after the answer.

Every cap can be changed through ``SKH_QUERY_<NAME>``; a missing or malformed
value keeps the default. :class:`SearchSettings` is the search layer's section
of the service's settings (the caps and the engine's cache sizes), read once
when the app or a command starts (``web.settings``), which hands the caps to
this module with :func:`configure`; until then :data:`LIMITS` holds the
defaults. Nothing here reads the environment on its own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, fields

from search.engine import budget
from search.engine.budget import (  # noqa: F401  (the search layer's names for the engine's budget)
    Deadline,
    QueryTooExpensive,
    check,
    not_counted,
    remaining_ms,
)


@dataclass(frozen=True)
class Limits:
    max_chars: int = 500
    """Query text longer than this is cut (the README's search box; a pasted abstract still searches)."""
    max_suggest_chars: int = 200
    """Text the search box's completions look at: they complete the last word of what is typed, and
    whatever is typed before the 200th character is a query, not a prefix."""
    max_words: int = 64
    """Words (clauses) searched; later words are dropped. Lucene's default clause limit is 1024 after
    expansion; 64 typed words, each searched in every language's fields, stays well below that."""
    max_fuzzy_distance: int = 2
    """Edit distance of ``word~N``; a larger N is searched as this (Lucene's own maximum)."""
    max_expansions: int = 256
    """Index words one prefix, wildcard, fuzzy or range term may stand for. Past it the closest
    (fuzzy) or the first in index order (prefix, wildcard, range) are kept, as Elasticsearch does."""
    max_correct_chars: int = 40
    """Longer words are never spell-corrected: no word is that long, and the correction's automaton
    grows with the word."""
    budget_ms: int = 1000
    """Time an expensive search (see :attr:`cheap_clauses`, :attr:`cheap_expansions`) may take, its wait for
    a slot included; past it the search stops and says so (0: no budget)."""
    ordinary_budget_ms: int = 5000
    """Time any other answer may take. Such a search is already bounded by the caps above, so this is only a
    safety net; it is wider so that a first search after a start, reading from a cold disk, is not refused."""
    max_total_expansions: int = 1024
    """Index words all of one query's prefix, wildcard, fuzzy and range terms may stand for together
    (Lucene's default clause limit). Each such term, in each field it searches, gets an equal share, but
    never less than 16: ``s* t* c* p*`` searches fewer words per term than ``a*`` alone."""
    cheap_expansions: int = 64
    """Index words a query's prefix, wildcard, fuzzy and range terms may stand for together and still run
    as an ordinary search (``loud*``, ``reverberaton~``); more make it an expensive search."""
    cheap_clauses: int = 160
    """Clauses (each word once per field it searches: eight for a plain word) a query may have and still
    run as an ordinary search; a pasted page of 64 words is an expensive one (20 words are 160)."""
    expensive_slots: int = 1
    """Expensive searches that may run at once on this index, in all worker processes together; the rest
    of the machine stays free for ordinary searches."""
    expensive_rest: float = 1.0
    """After an expensive search its slot rests this many times as long as the search took: at 1.0
    expensive searches use at most half of each slot's time, however many are sent."""
    expensive_wait_ms: int = 300
    """How long such a search waits for a free slot before it is answered "busy" (503)."""


def _from_env(env: Mapping[str, str]) -> Limits:
    values = {}
    for spec in fields(Limits):
        raw = env.get(f"SKH_QUERY_{spec.name.upper()}", "").strip()
        if raw.isdigit():
            values[spec.name] = int(raw)
        elif spec.type in (float, "float") and raw.replace(".", "", 1).isdigit():
            values[spec.name] = float(raw)
    return Limits(**values)


LIMITS = Limits()
"""The caps in force in this process: the defaults until :func:`configure` is called. Read as
``limits.LIMITS`` at the time of use (not imported by name), so a configured value is seen everywhere."""


def configure(caps: Limits) -> None:
    """Put the settings' caps in force for every search in this process (the hub does, when it opens)."""
    global LIMITS
    LIMITS = caps


DEFAULT_RESULT_CACHE = 256


@dataclass(frozen=True)
class SearchSettings:
    """The search layer's section of the settings: what one search may cost, and the engine's caches."""

    limits: Limits = field(default_factory=Limits)
    """``SKH_QUERY_<NAME>`` for each of :class:`Limits`' fields."""
    cache_mb: int | None = None
    """``SKH_CACHE_MB``: memory the engine's caches of one index may hold (unset: the engine's default)."""
    result_cache: int = DEFAULT_RESULT_CACHE
    """``SKH_RESULT_CACHE``: finished results remembered per index generation (0: none, as the speed bench runs)."""
    glossary: str | None = None
    """``SKH_GLOSSARY``: the Danish–English glossary's file (unset: ``corpus/glossary.toml`` shipped with the code)."""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SearchSettings:
        """A malformed cache size is a ValueError naming it (a number is expected, no default is guessed)."""
        return cls(
            limits=_from_env(env),
            cache_mb=_whole(env, "SKH_CACHE_MB", None),
            result_cache=_whole(env, "SKH_RESULT_CACHE", DEFAULT_RESULT_CACHE),
            glossary=env.get("SKH_GLOSSARY", "").strip() or None,
        )


def _whole(env: Mapping[str, str], name: str, default: int | None) -> int | None:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from exc


class SearchBusy(QueryTooExpensive):
    """Every slot for expensive searches was taken for the whole wait; the search did not start."""

    code = "search_busy"

    def __init__(self, wait_ms: int):
        Exception.__init__(
            self,
            "The service is busy with other searches that use wildcards (*), fuzzy words (~) or ranges. "
            "Try again in a moment, or search without them.",
        )
        self.budget_ms = wait_ms

    @property
    def params(self) -> dict[str, object]:
        return {}


NOTICES = {
    "query_chars_cut": "Only the first {chars} characters of the query were searched.",
    "query_words_cut": "Only the first {words} words of the query were searched.",
    "fuzzy_distance_lowered": "Fuzzy words (~) allow at most {edits} edits; larger distances were lowered.",
    "ranges_year_only": "Ranges work on year only (year:[2010 TO 2020]); other ranges were searched as words.",
    "expansion_capped": (
        "A prefix, wildcard or fuzzy word matched more than {words} words; the first {words} were searched."
    ),
}
"""What a limit changed, by code: the English of each :class:`Notice` (``{name}``: its parameters)."""


class Notice(str):
    """A note shown with the results (what a limit changed): the English text itself, plus a stable ``code``
    and its ``params``, so an interface in another language can say it in its own words (``web.messages``).

    A ``str``, so whoever shows or sends the English text (the JSON API's ``notices``, the command line)
    needs nothing new; equal to, and hashed as, its text.
    """

    code: str
    params: dict[str, object]

    def __new__(cls, code: str, text: str, **params: object) -> Notice:
        notice = super().__new__(cls, text)
        notice.code = code
        notice.params = params
        return notice

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]  # pickling: code and text
        return self.code, str(self)


def notice(code: str, **params: object) -> Notice:
    """The :class:`Notice` ``code`` of :data:`NOTICES`, its English filled in with ``params``."""
    return Notice(code, NOTICES[code].format(**params), **params)


@contextmanager
def time_budget(budget_ms: int | None = None) -> Iterator[Deadline | None]:
    """:func:`search.engine.budget.time_budget`, by default with :attr:`Limits.ordinary_budget_ms`."""
    with budget.time_budget(LIMITS.ordinary_budget_ms if budget_ms is None else budget_ms) as deadline:
        yield deadline


@contextmanager
def expansion_share(multiterms: int) -> Iterator[int]:
    """Each expanding term's share of :attr:`Limits.max_total_expansions`, at most :attr:`Limits.max_expansions`."""
    with budget.expansion_share(multiterms, LIMITS.max_total_expansions, LIMITS.max_expansions) as share:
        yield share


def expansion_cap(default: int) -> int:
    return budget.expansion_cap(default)
