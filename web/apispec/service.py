"""``/api/openapi.json``: this description."""

from __future__ import annotations

from web.apispec._shared import Spec, errors, json_body

PATHS: Spec = {
    "/api/openapi.json": {
        "get": {
            "operationId": "openapi",
            "summary": "This description of the API (OpenAPI 3.1)",
            "tags": ["service"],
            "responses": {"200": json_body({"type": "object"}, "The OpenAPI document."), **errors()},
        }
    }
}
