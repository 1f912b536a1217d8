"""/api/openapi.json: a valid OpenAPI 3.1 document that describes every /api route the app has, and that the
app's real answers conform to (the fuzz run in test_api_fuzz.py tries many more requests)."""

from __future__ import annotations

import json
import re

import pytest
import schemathesis
from flask import Blueprint, Flask, jsonify
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from ingest.pipeline import Explicit
from web.apispec import describe
from web.app import create_app

METHODS = {"get", "put", "post", "delete", "patch"}


def routes(app: Flask) -> set[tuple[str, str]]:
    """``(path, method)`` of every /api route of ``app``, paths as OpenAPI writes them (``{doc_id}``)."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            found |= {(path, method.lower()) for method in rule.methods or () if method.lower() in METHODS}
    return found


def described(spec: dict) -> set[tuple[str, str]]:
    return {(path, method) for path, item in spec["paths"].items() for method in item if method in METHODS}


def test_the_description_is_valid_openapi_3_1(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    validate(spec)
    area = spec["components"]["schemas"]["AreaId"]
    assert area["enum"] == ["hearing-health", "audio-tech", "acoustics-noise", "signal-processing", "sound-experience"]
    # The check can fail: a parameter that does not say where it goes is refused.
    broken = dict(spec, paths={"/api/x": {"get": {"parameters": [{"name": "q", "schema": {"type": "string"}}]}}})
    with pytest.raises(OpenAPIValidationError):
        validate(broken)


def test_every_api_route_is_described_and_every_description_is_a_route(client):
    app = client.application
    spec = client.get("/api/openapi.json").get_json()
    assert routes(app) == described(spec)
    assert ("/api/documents/{doc_id}", "get") in routes(app)  # paths are compared as OpenAPI writes them


def test_a_new_route_without_a_description_is_caught(mini_hub):
    """What the test above finds when another branch adds ``/api/experts`` but no ``web/apispec/experts.py``."""
    app = create_app(mini_hub, TESTING=True)
    extra = Blueprint("extra", __name__)
    extra.add_url_rule("/api/experts/<int:expert_id>", "expert", lambda expert_id: jsonify(id=expert_id))
    app.register_blueprint(extra)
    spec = describe(mini_hub.taxonomy)
    assert routes(app) - described(spec) == {("/api/experts/{expert_id}", "get")}


@pytest.fixture
def api_schema(client):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", client.application)


def test_real_answers_conform_to_the_description(client, api_schema, mini_hub, tmp_path):
    staff_only = tmp_path / "staff.md"
    staff_only.write_text("---\ntitle: Board minutes\n---\nThe board discussed the loudspeaker budget.\n")
    hidden = mini_hub.ingestor.ingest_paths([staff_only], Explicit(visibility="staff")).outcomes[0].id
    search = api_schema["/api/search"]["GET"]
    answers = {
        "/api/search?q=hearing+aids": 200,
        "/api/search?q=reverberaton&area=acoustics-noise&per_page=1": 200,
        "/api/search?sort=newest&lang=da&type=report&year_from=2019": 200,
        "/api/search?q=h%C3%B8reapparater": 200,
        "/api/search?area=bogus": 400,
        "/api/search?year_from=2020&year_to=2010": 400,
    }
    for url, status in answers.items():
        response = client.get(url)
        assert response.status_code == status, url
        search.validate_response(response)
    hit = client.get("/api/search?q=woofer").get_json()["hits"][0]
    document = api_schema["/api/documents/{doc_id}"]["GET"]
    for url, status in ((hit["api_url"], 200), (f"/api/documents/{hidden}", 404), ("/api/documents/0000", 404)):
        response = client.get(url)
        assert response.status_code == status, url
        document.validate_response(response)
    api_schema["/api/suggest"]["GET"].validate_response(client.get("/api/suggest?q=hear"))
    api_schema["/api/openapi.json"]["GET"].validate_response(client.get("/api/openapi.json"))


def test_an_answer_that_breaks_the_description_is_caught(client, api_schema):
    """The conformance check can fail: a hit without its score is not what the description promises."""
    response = client.get("/api/search?q=woofer")
    body = response.get_json()
    del body["hits"][0]["score"]
    response.set_data(json.dumps(body))
    with pytest.raises(Exception, match="score"):
        api_schema["/api/search"]["GET"].validate_response(response)
