"""The index schema and the record the index is built from.

The schema is lean on purpose: the index stores only the document id. Titles,
text and metadata live in the catalog (the source of truth); keeping them out
of the index keeps segments small and searchers cheap to hold open.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from whoosh.analysis import RegexTokenizer
from whoosh.fields import ID, KEYWORD, TEXT, Schema

from search.analysis import LANGUAGES, JoinedText, normalise_lang, plain_analyzer
from search.decompound import field_analyzer
from search.names import organisations

TEXT_PARTS = ("title", "abstract", "body")
"""Text parts indexed once per language, as ``<part>_<lang>``."""

FACET_FIELDS = ("area", "type", "org", "lang", "year")
"""Exact-value fields that can be counted and filtered on."""

NAME_SEPARATOR = ";"
"""Between the names of a many-valued name field (``org``, ``author_name``): a name may hold a comma
("Jensen, Anne"; "Fjordby Kommune, Teknik og Miljø"), never this (:func:`_names_value` replaces it)."""


def _names_field() -> KEYWORD:
    """An exact-value field of several names, each kept as written (case too): what the people pages count."""
    return KEYWORD(analyzer=RegexTokenizer(f"[^{NAME_SEPARATOR}]+"))


def _names_value(names: list[str]) -> str:
    cleaned = (" ".join(name.replace(NAME_SEPARATOR, ",").split()) for name in names)
    return NAME_SEPARATOR.join(name for name in cleaned if name)


def build_schema() -> Schema:
    """Create the schema: per-language text fields plus exact facet fields."""
    fields: dict[str, object] = {
        "id": ID(stored=True, unique=True),
        "authors": TEXT(analyzer=plain_analyzer()),
        # Unstemmed words of title, abstract and body: fuzzy matching and
        # spelling work on words as people type them, not on stems.
        "words": TEXT(analyzer=plain_analyzer(), phrase=False),
        "org_text": TEXT(analyzer=plain_analyzer()),
        "area": KEYWORD(commas=True, lowercase=False),
        "type": ID,
        # Each organisation of a document ("A; B" in the catalog lists two: search.names.organisations) and
        # each author as written: columns for the organisation and author pages and the experts ranking.
        "org": _names_field(),
        "author_name": _names_field(),
        "lang": ID,
        "year": ID(sortable=True),
        "date": ID(sortable=True),
        "visibility": ID,
    }
    for lang in LANGUAGES:
        analyzer = field_analyzer(lang)
        for part in TEXT_PARTS:
            fields[f"{part}_{lang}"] = TEXT(analyzer=analyzer, phrase=True)
    return Schema(**fields)


@dataclass
class IndexDoc:
    """Everything the index needs to know about one document."""

    id: str
    title: str
    body: str = ""
    abstract: str = ""
    lang: str = "en"
    authors: list[str] = field(default_factory=list)
    org: str = ""
    areas: list[str] = field(default_factory=list)
    type: str = ""
    year: int | None = None
    date: str = ""
    visibility: str = "public"

    def to_fields(self) -> dict[str, str]:
        """The keyword arguments for ``writer.update_document``."""
        lang = normalise_lang(self.lang)
        fields = {
            "id": self.id,
            f"title_{lang}": self.title,
            f"abstract_{lang}": self.abstract,
            f"body_{lang}": self.body,
            "authors": " ; ".join(self.authors),
            "words": JoinedText((self.title, self.abstract, self.body)),
            "org_text": self.org,
            "area": ",".join(self.areas),
            "type": self.type,
            "org": _names_value(organisations(self.org)),
            "author_name": _names_value(self.authors),
            "lang": lang,
            "year": f"{self.year:04d}" if self.year else "",
            # Undated documents sort as the oldest, not as the newest.
            "date": self.date or (f"{self.year:04d}" if self.year else "0000"),
            "visibility": self.visibility,
        }
        return {name: value for name, value in fields.items() if value}
