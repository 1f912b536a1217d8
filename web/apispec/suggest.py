"""``/api/suggest``: completions for a search box."""

from __future__ import annotations

from web.apispec._shared import Spec, errors, json_body, query, ref

PATHS: Spec = {
    "/api/suggest": {
        "get": {
            "operationId": "suggest",
            "summary": "Completions for what has been typed so far",
            "description": "The text with its last word completed (`term`) and titles of documents that match "
            "(`title`), also in the other language unless `crosslang=0`; only from documents you may see.",
            "tags": ["search"],
            "parameters": [
                query("q", {"type": "string"}, "What has been typed; longer text is cut."),
                query("crosslang", ref("schemas", "CrossLang"), "0: complete in the typed language only."),
            ],
            "responses": {"200": json_body(ref("schemas", "Completions"), "The completions."), **errors(400)},
        }
    }
}

SCHEMAS: Spec = {
    "Completions": {
        "type": "object",
        "required": ["q", "completions"],
        "properties": {
            "q": {"type": "string", "description": "The text completed (after any cut)."},
            "completions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["text", "kind", "url"],
                    "properties": {
                        "text": {"type": "string"},
                        "kind": {"type": "string", "enum": ["term", "title"]},
                        "url": {"type": "string", "description": "A title's document page, or a term's search."},
                    },
                },
            },
        },
    },
}
