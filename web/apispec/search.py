"""``/api/search``: the search page's search, as data.

Facet values are OR-ed within a facet and the facets AND-ed. Every link in the answer (facet toggles,
did-you-mean) is an ``/api/search`` URL with one change, so a client can follow them as a person follows the
page's links.
"""

from __future__ import annotations

from search import LANGUAGES
from web.apispec._shared import Spec, errors, json_body, query, ref

_FILTER_VALUE = {"type": "string", "minLength": 1, "maxLength": 200}


def _filter(name: str, items: Spec, description: str) -> Spec:
    schema = {"type": "array", "items": items, "maxItems": 20}
    return query(name, schema, description + " Repeat it for several (OR-ed); at most 20.", explode=True)


_YEAR = {"type": "integer", "minimum": 1000, "maximum": 9999}

PARAMETERS = [
    query(
        "q",
        {"type": "string"},
        "The query (see the README's query language); empty or absent browses everything. Text beyond the "
        "query length limit is cut, and `notices` says so.",
    ),
    _filter("area", ref("schemas", "AreaId"), "Strength areas, from the taxonomy."),
    _filter(
        "type",
        {**_FILTER_VALUE, "examples": ["report", "publication"]},
        "Document types: publication, report, white-paper, case-study, thesis, standard-summary, event-report, "
        "news, document, or another that the `type` facet lists. Any other value is refused (400).",
    ),
    _filter(
        "org",
        {**_FILTER_VALUE, "examples": ["Hørecenter Syd"]},
        "Organisations, as the `org` facet names them. Open: one without documents you may see finds nothing "
        "(0 results); it is not refused.",
    ),
    _filter(
        "lang",
        {"type": "string", "enum": list(LANGUAGES)},
        "Languages the index tells apart; a document in another language is searched (and filtered) as en, "
        "while its hit says its own language.",
    ),
    _filter(
        "year",
        _YEAR,
        "Years, as the `year` facet lists them; OR-ed with each other and with the `year_from`..`year_to` range.",
    ),
    query("year_from", _YEAR, "The first year; not after `year_to` (400)."),
    query("year_to", _YEAR, "The last year."),
    query(
        "sort",
        {"type": "string", "enum": ["relevance", "newest", "oldest"], "default": "relevance"},
        "Order; browsing without `q` is always newest first.",
    ),
    query(
        "page",
        {"type": "integer", "minimum": 1, "maximum": 100000, "default": 1},
        "The page; one past the last answers the last.",
    ),
    query("per_page", {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}, "Hits per page."),
    query(
        "crosslang",
        ref("schemas", "CrossLang"),
        "1 (default): a glossary term also searches its equivalents in the other language; 0: only what was typed.",
    ),
]

PATHS: Spec = {
    "/api/search": {
        "get": {
            "operationId": "search",
            "summary": "Search the documents you may see",
            "tags": ["search"],
            "parameters": PARAMETERS,
            "responses": {
                "200": json_body(ref("schemas", "SearchResult"), "One page of hits, with facets."),
                **errors(400, 503),
            },
        }
    }
}

_STRING = {"type": "string"}
_FACET_VALUES = {"type": "array", "items": ref("schemas", "FacetValue")}

SCHEMAS: Spec = {
    "SearchResult": {
        "type": "object",
        "required": [
            "total",
            "page",
            "pages",
            "per_page",
            "relaxed",
            "hits",
            "facets",
            "suggestion",
            "notices",
            "expansion",
        ],  # fmt: skip
        "properties": {
            "total": {"type": "integer", "minimum": 0, "description": "Documents found (that you may see)."},
            "page": {"type": "integer", "minimum": 1},
            "pages": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
            "relaxed": {
                "type": "boolean",
                "description": "No document has all the words: documents with some of them are shown.",
            },
            "hits": {"type": "array", "items": ref("schemas", "Hit")},
            "facets": {
                "type": "object",
                "required": ["area", "type", "year", "org", "lang"],
                "properties": {name: _FACET_VALUES for name in ("area", "type", "year", "org", "lang")},
            },
            "suggestion": {
                "oneOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "required": ["text", "url"],
                        "properties": {"text": _STRING, "url": {"type": "string", "description": "Its search."}},
                    },
                ],
                "description": "Did you mean: a corrected query that finds more, or null.",
            },
            "notices": {
                "type": "array",
                "items": _STRING,
                "description": "What a limit changed in the query (cut, capped, lowered), in English.",
            },
            "expansion": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": _STRING},
                "description": "Per language code, the glossary terms also searched (crosslang).",
            },
        },
    },
    "Hit": {
        "type": "object",
        "required": [
            "id",
            "title",
            "authors",
            "date",
            "year",
            "type",
            "lang",
            "areas",
            "org",
            "doi",
            "score",
            "snippet",
            "matched_in",
            "url",
            "api_url",
        ],  # fmt: skip
        "properties": {
            "id": _STRING,
            "title": _STRING,
            "authors": {"type": "array", "items": _STRING},
            "date": {"type": "string", "description": "YYYY-MM-DD, YYYY-MM or YYYY; empty when unknown."},
            "year": {"type": ["integer", "null"]},
            "type": _STRING,
            "lang": {"type": "string", "description": "Two-letter language code."},
            "areas": {"type": "array", "items": {"type": "string", "description": "A strength area id."}},
            "org": {"type": "string", "description": "Empty when unknown."},
            "doi": {"type": "string", "description": "Empty when unknown."},
            "score": {
                "type": ["number", "null"],
                "description": "BM25F relevance, comparable within one answer only; null when the hits are "
                "ordered by date (browsing, sort=newest or oldest).",
            },
            "snippet": {"type": "string", "description": "HTML-escaped text with <mark> around the matches."},
            "matched_in": {
                "type": "array",
                "items": {"type": "string", "enum": ["text", "title", "authors", "org"]},
                "description": 'Where the query\'s words were found: ["text"] when the abstract or text holds one, '
                "else which of title, authors and organisation do. Empty when browsing or sorting by date.",
            },
            "url": {"type": "string", "description": "The document's page."},
            "api_url": {"type": "string", "description": "The document's metadata (/api/documents/{id})."},
        },
    },
    "FacetValue": {
        "type": "object",
        "required": ["value", "label", "count", "selected", "toggle_url"],
        "properties": {
            "value": _STRING,
            "label": {"type": "string", "description": "The value's English name."},
            "count": {
                "type": "integer",
                "minimum": 0,
                "description": "Documents the search would find with this value added (0 only for a selected one).",
            },
            "selected": {"type": "boolean"},
            "toggle_url": {
                "type": "string",
                "description": "This /api/search with the value added, or removed when selected.",
            },
        },
    },
    "CrossLang": {"type": "string", "enum": ["0", "1"], "default": "1"},
}
