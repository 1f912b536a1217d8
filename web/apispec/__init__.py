"""The OpenAPI 3.1 description of the JSON API, served at ``/api/openapi.json``.

One module here per route (or small group of routes), each with ``PATHS`` (OpenAPI path items, keyed by the
route's path with ``{name}`` for ``<name>``) and, if it needs them, ``SCHEMAS`` (component schemas); shared
parts (the error body and answers, helpers) are in ``_shared.py``. :func:`describe` merges every module, so
**describing a new route is adding a module** (``web/apispec/experts.py`` with its ``PATHS``), touching no
other file. ``tests/test_api_spec.py`` fails for an ``/api`` route of the app that no module describes, or a
description of a route the app lacks, and validates the whole with openapi-spec-validator.

Plain dicts rather than a framework: the description is read far more than written, a dict is exactly what
is served, and the routes stay ordinary Flask views.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from ingest.taxonomy import Taxonomy
from web.apispec._shared import RESPONSES, SCHEMAS, Spec

DESCRIPTION = """\
Search the publications, reports and project results of the Danish sound-technology cluster, as data.

**Who sees what.** Answers contain only documents the caller may see (anonymous: public documents; a signed-in
member also members-only ones; staff everything); counts, facets and suggestions are drawn from those alone. A
document one may not see answers 404, exactly as a missing one does.

**Errors.** Every refusal and failure under `/api/` (400, 403, 404 for unknown routes and documents, 405,
429, 500, 503) answers the `Error` body: `{"error": {"status", "code", "message"}}`, with `param` naming a
refused parameter and `retry_after` on 429. Messages are English.

**Limits.** Requests per address are limited (429 with `Retry-After`); a search past its time budget answers
503. Unknown query parameters are ignored.
"""


def _route_modules() -> list[ModuleType]:
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    return [importlib.import_module(f"{__name__}.{name}") for name in names]


def describe(taxonomy: Taxonomy, version: str = "1") -> Spec:
    """The OpenAPI document; ``taxonomy`` gives the strength areas a search may filter by."""
    paths: Spec = {}
    schemas: Spec = dict(SCHEMAS)
    for module in _route_modules():
        for path, item in module.PATHS.items():
            if path in paths:
                raise ValueError(f"{module.__name__}: {path} is described twice")
            paths[path] = item
        for name, schema in getattr(module, "SCHEMAS", {}).items():
            if name in schemas and schemas[name] != schema:
                raise ValueError(f"{module.__name__}: schema {name} is defined twice, differently")
            schemas[name] = schema
    schemas["AreaId"] = {
        "type": "string",
        "enum": list(taxonomy.ids),
        "description": "A strength area, from the service's taxonomy: "
        + "; ".join(f"{a.id}: {a.label_en}" for a in taxonomy.areas),
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Sound Knowledge Hub API", "version": version, "description": DESCRIPTION},
        "servers": [{"url": "/"}],
        "tags": [
            {"name": "search", "description": "Searching and completing."},
            {"name": "documents", "description": "One document."},
            {"name": "service", "description": "About the API itself."},
        ],
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": dict(sorted(schemas.items())), "responses": RESPONSES},
    }
