"""What every route's description shares: the error body, the error answers and small helpers.

The ``Error`` schema is :mod:`web.api_errors`'s body; every operation lists the errors it can answer with
:func:`errors` (429 and 500 always: the rate limit and our own failures reach every route).
"""

from __future__ import annotations

from typing import Any

Spec = dict[str, Any]


def ref(kind: str, name: str) -> Spec:
    """A ``$ref`` to ``#/components/<kind>/<name>``."""
    return {"$ref": f"#/components/{kind}/{name}"}


def json_body(schema: Spec, description: str) -> Spec:
    """A response with a JSON body of ``schema``."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def query(name: str, schema: Spec, description: str, **extra: Any) -> Spec:
    """An optional query parameter (lists repeat the name: ``area=a&area=b``)."""
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description, **extra}


_ERROR_RESPONSES = {
    400: "BadRequest",
    403: "Forbidden",
    404: "NotFound",
    429: "TooManyRequests",
    500: "ServerError",
    503: "Unavailable",
}


def errors(*statuses: int) -> Spec:
    """The error answers of an operation: ``statuses`` and always 429 and 500."""
    return {str(s): ref("responses", _ERROR_RESPONSES[s]) for s in sorted({*statuses, 429, 500})}


ERROR: Spec = {
    "type": "object",
    "description": "Every refusal and failure under /api/ answers this body, whatever its status.",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message"],
            "properties": {
                "status": {"type": "integer", "description": "The HTTP status, repeated."},
                "code": {
                    "type": "string",
                    "description": "Stable, for programs: bad_request, bad_parameter, forbidden, not_found, "
                    "method_not_allowed, too_large, too_many_requests, server_error, unavailable, "
                    "query_too_expensive, search_busy.",
                },
                "message": {"type": "string", "description": "For people, in English."},
                "param": {"type": "string", "description": "bad_parameter: the query parameter refused."},
                "retry_after": {"type": "integer", "description": "429: seconds until a request is let through."},
            },
        }
    },
}


def _error(description: str, **extra: Any) -> Spec:
    return {**json_body(ref("schemas", "Error"), description), **extra}


RESPONSES: Spec = {
    "BadRequest": _error("A parameter the API cannot use; `param` names it and `message` says why."),
    "Forbidden": _error("Your account may not use this."),
    "NotFound": _error(
        "No such route, or no document with that id that you may see (a hidden document answers exactly as a "
        "missing one)."
    ),
    "MethodNotAllowed": _error("The route does not answer this method; `Allow` lists those it does."),
    "TooManyRequests": _error(
        "Too many requests from your address.",
        headers={"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}},
    ),
    "ServerError": _error("Something went wrong on our side."),
    "Unavailable": _error(
        "The search was stopped at its time budget (query_too_expensive) or found every slot for expensive "
        "searches taken (search_busy)."
    ),
}

SCHEMAS: Spec = {"Error": ERROR}
