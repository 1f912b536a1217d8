"""The search index: schema, analysis, writing, querying, facets and snippets.

This package knows nothing about files, the catalog or the web; it takes
plain :class:`IndexDoc` records in and gives plain results out, so the index
can always be rebuilt from whatever holds the source of truth.

This module is the one way in for ingest, the web app and the command line:
they import only names listed in ``__all__`` here (``from search import X``),
never a submodule, and never Whoosh (import-linter checks both, see
``pyproject.toml``). Behind it the search features (``search/*.py``) and the
engine (``search/engine/``) can be reorganised without touching the callers.

Some functions are exported under other names than their own, so that no name
here is both a function and a submodule (``search.related``,
``search.vocabulary``, ``search.experts``, ``search.profiles``): ``find_related``,
``vocabulary_for``, ``find_experts`` and ``entity_profile``.
"""

from search.analysis import LANGUAGES, content_words, language_analyzer, normalise_lang, stem_words
from search.engine.reading.index import use_schema
from search.engine.reading.searcher import SearcherPool, Snapshot
from search.engine.writing.background_merge import NICENESS
from search.engine.writing.sessions import (
    INTERACTIVE_MERGE_DOCS,
    MIN_BACKGROUND_DOCS,
    BulkLoad,
    DocumentWriter,
    build_generation,
    make_live,
    new_generation,
    update_generation,
    write_documents,
)
from search.engine.writing.writer import WriterBusy, announce_waits, write_lock
from search.experts import Evidence, Expert, Experts
from search.experts import experts as find_experts
from search.glossary import DEFAULT_GLOSSARY, Concept, Glossary, GlossaryError, load_glossary
from search.inspect import (
    IndexState,
    MergeState,
    clear_merge_leftovers,
    index_state,
    merge_state,
    write_lock_held,
)
from search.limits import Limits, QueryTooExpensive, SearchBusy, SearchSettings, time_budget
from search.limits import configure as configure_search
from search.names import organisations
from search.names import slug as name_slug
from search.people import Directory, Entity, directory, entity_filter, linker
from search.profiles import Profile, find_entity
from search.profiles import profile as entity_profile
from search.related import related as find_related
from search.schema import IndexDoc, build_schema
from search.searching import SORTS, Hit, SearchRequest, SearchResult, search
from search.snippets import Snippet, highlight, lead, make_snippet
from search.suggest import Completion, complete, did_you_mean
from search.titles import TitleEntry, TitleIndex, TitleRow, shared_title_index
from search.vocabulary import vocabulary as vocabulary_for

BACKGROUND_NICENESS = NICENESS
"""The ``nice`` increment of background index work (a bulk load's merge child; ``skh reindex`` uses it too)."""

use_schema(build_schema)  # the engine creates new indexes with this service's fields

__all__ = [
    # searching
    "SORTS",
    "Hit",
    "SearchRequest",
    "SearchResult",
    "search",
    # what one search may cost
    "configure_search",
    "Limits",
    "QueryTooExpensive",
    "SearchBusy",
    "SearchSettings",
    "time_budget",
    # showing and suggesting
    "Completion",
    "Snippet",
    "TitleEntry",
    "TitleIndex",
    "TitleRow",
    "complete",
    "did_you_mean",
    "highlight",
    "lead",
    "make_snippet",
    "find_related",
    "shared_title_index",
    "vocabulary_for",
    # organisations and people: their pages and who knows about a topic
    "Directory",
    "Entity",
    "Evidence",
    "Expert",
    "Experts",
    "Profile",
    "directory",
    "entity_filter",
    "entity_profile",
    "find_entity",
    "find_experts",
    "linker",
    "name_slug",
    "organisations",
    # documents and text analysis
    "IndexDoc",
    "LANGUAGES",
    "content_words",
    "language_analyzer",
    "normalise_lang",
    "stem_words",
    # the Danish–English glossary
    "DEFAULT_GLOSSARY",
    "Concept",
    "Glossary",
    "GlossaryError",
    "load_glossary",
    # the open index
    "SearcherPool",
    "Snapshot",
    # writing
    "BACKGROUND_NICENESS",
    "INTERACTIVE_MERGE_DOCS",
    "MIN_BACKGROUND_DOCS",
    "BulkLoad",
    "DocumentWriter",
    "WriterBusy",
    "announce_waits",
    "build_generation",
    "make_live",
    "new_generation",
    "update_generation",
    "write_documents",
    "write_lock",
    # inspecting the index (skh check)
    "IndexState",
    "MergeState",
    "clear_merge_leftovers",
    "index_state",
    "merge_state",
    "write_lock_held",
]
