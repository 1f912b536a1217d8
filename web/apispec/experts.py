"""``/api/experts``: who knows about a topic, as data (issue #17; the ranking is in docs/ranking.md)."""

from __future__ import annotations

from web.apispec._shared import Spec, errors, json_body, query, ref
from web.apispec.search import PARAMETERS as SEARCH_PARAMETERS

_SHARED = ("q", "area", "type", "org", "lang", "year", "year_from", "year_to", "crosslang")

PATHS: Spec = {
    "/api/experts": {
        "get": {
            "operationId": "experts",
            "summary": "Organisations and people ranked by the documents a query matches",
            "description": "The query is matched exactly as `/api/search` matches it (the same query language, "
            "filters and cross-language expansion), among the documents you may see. Each organisation and "
            "person is scored by the discounted sum of their matching documents' relative scores, best first "
            "(docs/ranking.md); an empty `q` ranks no one.",
            "tags": ["search"],
            "parameters": [p for p in SEARCH_PARAMETERS if p["name"] in _SHARED]
            + [
                query(
                    "limit",
                    {"type": "integer", "minimum": 1, "maximum": 50, "default": 10},
                    "Organisations and people returned, each.",
                )
            ],
            "responses": {
                "200": json_body(ref("schemas", "Experts"), "The best of each, best first."),
                **errors(400, 503),
            },
        }
    }
}

_EXPERT: Spec = {
    "type": "object",
    "required": ["name", "slug", "url", "score", "matching", "documents", "evidence"],
    "properties": {
        "name": {"type": "string", "description": "As shown: an organisation's name, a person's fullest spelling."},
        "slug": {"type": "string"},
        "url": {"type": "string", "description": "Its page: /orgs/{slug} or /authors/{slug}."},
        "score": {"type": "number", "minimum": 0, "description": "The ranking's evidence (docs/ranking.md)."},
        "matching": {"type": "integer", "minimum": 1, "description": "Its documents the query matches."},
        "documents": {"type": "integer", "minimum": 1, "description": "All its documents you may see."},
        "evidence": {
            "type": "array",
            "maxItems": 3,
            "description": "Its best matching documents, best first.",
            "items": {
                "type": "object",
                "required": ["id", "title", "url", "evidence"],
                "properties": {
                    "id": {"type": "string"},
                    "title": {"type": "string"},
                    "url": {"type": "string", "description": "The document's page."},
                    "evidence": {
                        "type": "number",
                        "minimum": 0,
                        "maximum": 1,
                        "description": "Its score over the best matching document's.",
                    },
                },
            },
        },
    },
}

SCHEMAS: Spec = {
    "Expert": _EXPERT,
    "Experts": {
        "type": "object",
        "required": ["q", "total", "relaxed", "notices", "expansion", "organisations", "authors"],
        "properties": {
            "q": {"type": "string", "description": "The query (after any cut)."},
            "total": {"type": "integer", "minimum": 0, "description": "Documents the query matches."},
            "relaxed": {"type": "boolean", "description": "No document had every word: any word was used."},
            "notices": {"type": "array", "items": {"type": "string"}, "description": "What a limit changed."},
            "expansion": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
                "description": "Per language, the glossary terms also searched.",
            },
            "organisations": {"type": "array", "items": ref("schemas", "Expert")},
            "authors": {"type": "array", "items": ref("schemas", "Expert")},
        },
    },
}
