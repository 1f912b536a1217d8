"""A bounded, schema-driven fuzz run of the JSON API (schemathesis, from /api/openapi.json itself).

Schemathesis reads the description, then calls the real Flask app in-process (WSGI, no server) on the mini
corpus with requests it derives from it: boundary and invalid values of every parameter (its coverage phase)
and a few random ones per operation (derandomized, so a run is repeatable), plus methods the routes do not
answer. Every answer must be no 5xx, of a documented status and content type, and conform to the response
schema; invalid input must be refused (4xx). Valid input must be answered 2xx, except for the refusals a
schema cannot express (below).
"""

from __future__ import annotations

import dataclasses
import json

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from ingest.pipeline import Explicit
from ingest.taxonomy import load_taxonomy
from search import limits
from tests.conftest import ROOT, write_mini_corpus
from web.apispec import describe
from web.app import create_app
from web.hub import Hub

UNEXPRESSED = {"year_from", "type"}
"""Parameters whose valid-looking values may still be refused: year_from after year_to (no JSON Schema
relates two parameters), and a type no visible document carries (the set depends on the index and the
visitor)."""


@pytest.fixture(scope="module", autouse=True)
def generous_budget():
    """As in test_query_fuzz.py: the time budget is not what is tested here, and a loaded machine must not
    turn a search into a 503 that depends on its speed."""
    default = limits.LIMITS
    limits.LIMITS = dataclasses.replace(default, budget_ms=60_000, ordinary_budget_ms=60_000, expensive_wait_ms=60_000)
    yield
    limits.LIMITS = default


TAXONOMY = ROOT / "corpus" / "areas.toml"
SPEC = describe(load_taxonomy(TAXONOMY))
# Loaded when the module is (schemathesis makes one test per operation at collection); the app it is run
# against is made by a fixture, and must serve this very description (checked in the test).
schema = schemathesis.openapi.from_dict(SPEC)


@pytest.fixture(scope="module")
def api_app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("api-fuzz")
    hub = Hub.open(tmp / "data", taxonomy=str(TAXONOMY))
    report = hub.ingestor.ingest_paths([write_mini_corpus(tmp / "mini")], Explicit(visibility="public"))
    assert report.summary()["added"] == 8, report.failed
    # No rate limit: the run sends hundreds of requests from one address (the limit is tested elsewhere).
    app = create_app(hub, TESTING=True, SKH_RATE_LIMIT="off")
    assert app.test_client().get("/api/openapi.json").get_json() == json.loads(json.dumps(SPEC))
    return app


def valid_input_is_answered(ctx, response, case) -> None:
    """schemathesis' positive_data_acceptance, less the refusals of :data:`UNEXPRESSED`."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 400:
        return
    error = json.loads(response.content)["error"]
    assert error.get("param") in UNEXPRESSED, f"valid input refused: {case.formatted_path} {case.query} {error}"


@schema.parametrize()
@settings(max_examples=15, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_answers_every_generated_request_as_described(case, api_app):
    case.call_and_validate(
        app=api_app, excluded_checks=[positive_data_acceptance], additional_checks=[valid_input_is_answered]
    )
