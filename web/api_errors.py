"""One JSON error body for every refusal under ``/api/``.

A client of the API must be able to read any answer as data, including a mistyped path (404), a wrong method
(405), the rate limit (429) and our own failures (500): an HTML page there breaks every client that parses
the body. So every status the API can answer has the same shape::

    {"error": {"status": 404, "code": "not_found", "message": "..."}}

``code`` is stable and meant for programs; ``message`` is English for people (the API stays English by design,
see :mod:`web.messages`); a refused parameter adds ``param``, the rate limit ``retry_after``. The pages keep
their HTML error pages: :func:`is_api_request` tells the two apart by path, and the app's error handlers
(:mod:`web.app`) ask it first. The OpenAPI description's ``Error`` schema (:mod:`web.apispec`) is this shape.
"""

from __future__ import annotations

from flask import Response, jsonify, request
from werkzeug.exceptions import BadRequest, HTTPException

API_PREFIX = "/api/"

CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "too_many_requests",
    500: "server_error",
    503: "unavailable",
}
"""The machine-readable ``code`` of each status (a refusal may name a more precise one)."""

MESSAGES = {
    400: "The request is malformed.",
    403: "Your account may not use this.",
    # One message for an unknown path and for a document that is missing, hidden or malformed: a document
    # someone may not see must answer exactly as a missing one does.
    404: "Not found: no such API route, or no document with that id that you may see.",
    405: "This method is not allowed here.",
    413: "The request is too large.",
    429: "Too many requests. Wait a little and try again.",
    500: "Something went wrong on our side.",
    503: "The service cannot answer this now. Try again in a moment.",
}


class BadParameter(BadRequest):
    """A query parameter the API refuses (400), naming the parameter."""

    code_name = "bad_parameter"

    def __init__(self, param: str, message: str):
        super().__init__(description=message)
        self.param = param


def is_api_request() -> bool:
    """Does the current request address the JSON API (and so get JSON errors)?"""
    return request.path.startswith(API_PREFIX) or request.path == API_PREFIX.rstrip("/")


def error_response(status: int, message: str | None = None, code: str | None = None, **extra: object) -> Response:
    """The JSON error answer: ``status``, its ``code`` (default from :data:`CODES`), ``message`` and ``extra``."""
    body: dict[str, object] = {
        "status": status,
        "code": code or CODES.get(status, "error"),
        "message": message or MESSAGES.get(status, "The request failed."),
    }
    body.update(extra)
    response = jsonify(error=body)
    response.status_code = status
    return response


def from_http_exception(error: HTTPException) -> Response:
    """``error`` as the JSON error body. Its own description is used only when someone wrote one for it
    (``abort(400, description=...)``, :class:`BadParameter`, Flask-WTF's CSRF reasons): werkzeug's generic
    descriptions talk about browsers and servers, and a server error's text must never reach a client."""
    status = error.code or 500
    own = error.description if error.description != type(error).description and status < 500 else None
    extra: dict[str, object] = {}
    if isinstance(error, BadParameter):
        extra["param"] = error.param
    response = error_response(status, own, getattr(error, "code_name", None), **extra)
    allow = dict(error.get_headers()).get("Allow")
    if allow:  # a 405 names the methods that are allowed
        response.headers["Allow"] = allow
    return response
