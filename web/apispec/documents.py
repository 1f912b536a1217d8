"""``/api/documents/{doc_id}``: one document's metadata."""

from __future__ import annotations

from web.apispec._shared import Spec, errors, json_body, ref

PATHS: Spec = {
    "/api/documents/{doc_id}": {
        "get": {
            "operationId": "document",
            "summary": "A document's metadata",
            "tags": ["documents"],
            "parameters": [
                {
                    "name": "doc_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "pattern": "^[0-9a-f]{12,64}$"},
                    "description": "The document's id, as a hit's `id` gives it.",
                }
            ],
            "responses": {"200": json_body(ref("schemas", "Document"), "The document."), **errors(404)},
        }
    }
}

_TEXT = {"type": "string"}
_EMPTY_WHEN_UNKNOWN = {"type": "string", "description": "Empty when unknown."}

SCHEMAS: Spec = {
    "Document": {
        "type": "object",
        "required": ["id", "title", "authors", "org", "date", "year", "type", "lang", "areas", "doi", "url"],
        "properties": {
            "id": _TEXT,
            "title": _TEXT,
            "authors": {"type": "array", "items": _TEXT},
            "org": _EMPTY_WHEN_UNKNOWN,
            "date": {"type": "string", "description": "YYYY-MM-DD, YYYY-MM or YYYY; empty when unknown."},
            "year": {"type": ["integer", "null"]},
            "type": _TEXT,
            "lang": {"type": "string", "description": "Two-letter language code."},
            "areas": {"type": "array", "items": {"type": "string", "description": "A strength area id."}},
            "areas_auto": {"type": "boolean", "description": "The areas were assigned automatically."},
            "area_evidence": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": _TEXT},
                "description": "Per automatically assigned area, the words that suggested it.",
            },
            "abstract": _TEXT,
            "doi": _EMPTY_WHEN_UNKNOWN,
            "url": {"type": "string", "description": "The document's page."},
            "original_url": {"type": "string", "description": "The stored original, as a download."},
            "format": {"type": "string", "description": "pdf, docx, html, markdown or text."},
            "outline": {
                "type": "array",
                "description": "The text's headings in reading order (as its page shows them, within the same "
                "bounds); empty for a text of paragraphs alone.",
                "items": {
                    "type": "object",
                    "required": ["level", "text"],
                    "properties": {
                        "level": {"type": "integer", "minimum": 1, "description": "1 is the text's top level."},
                        "text": _TEXT,
                    },
                },
            },
            "work": {
                "oneOf": [{"type": "null"}, ref("schemas", "Work")],
                "description": "The formats and versions this document is one of, as the caller may see them; "
                "null when it stands alone.",
            },
        },
    },
    "Work": {
        "type": "object",
        "required": ["current", "versions"],
        "properties": {
            "current": {"type": "string", "description": "The id of the work's current document (what search finds)."},
            "versions": {
                "type": "array",
                "description": "Newest first, numbered among the versions the caller may see.",
                "items": {
                    "type": "object",
                    "required": ["number", "formats"],
                    "properties": {
                        "number": {"type": "integer", "minimum": 1},
                        "formats": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["id", "format", "url"],
                                "properties": {
                                    "id": _TEXT,
                                    "format": _TEXT,
                                    "url": {"type": "string", "description": "That document's /api/documents entry."},
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}
