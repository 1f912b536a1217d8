"""The index schema and the record the index is built from.

The schema is lean on purpose: the index stores only the document id. Titles,
text and metadata live in the catalog (the source of truth); keeping them out
of the index keeps segments small and searchers cheap to hold open.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from whoosh.fields import ID, KEYWORD, TEXT, Schema

from search.analysis import LANGUAGES, JoinedText, normalise_lang, plain_analyzer
from search.decompound import field_analyzer

TEXT_PARTS = ("title", "abstract", "body")
"""Text parts indexed once per language, as ``<part>_<lang>``."""

FACET_FIELDS = ("area", "type", "org", "lang", "year")
"""Exact-value fields that can be counted and filtered on."""


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
        "org": ID,
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
            "org": self.org,
            "lang": lang,
            "year": f"{self.year:04d}" if self.year else "",
            # Undated documents sort as the oldest, not as the newest.
            "date": self.date or (f"{self.year:04d}" if self.year else "0000"),
            "visibility": self.visibility,
        }
        return {name: value for name, value in fields.items() if value}
