"""``skh restructure``: documents from before structure was kept get it from their originals, text untouched."""

from __future__ import annotations

import json
import sqlite3

from bs4 import BeautifulSoup

from ingest.pipeline import Explicit
from tests.conftest import ROOT
from tests.structure_support import ingest_structured
from web.app import create_app
from web.hub import Hub


def test_restructure_fills_in_what_an_older_version_did_not_keep(tmp_path, skh):
    hub = Hub.open(tmp_path / "data", taxonomy=str(ROOT / "corpus" / "areas.toml"))
    doc_id = ingest_structured(hub)
    plain = hub.ingestor.ingest_bytes(
        b"Notes on panel damping\n\nA plain text of one paragraph about door panels in cars.",
        "notes.txt",
        "test:notes.txt",
        Explicit(),
    ).id
    edited = hub.ingestor.ingest_bytes(
        b"<html><body><main><h2>Setup</h2><ul><li>Rig</li><li>Shaker</li></ul><p>Words.</p></main></body></html>",
        "rig.html",
        "test:rig.html",
        Explicit(title="Rig"),
    ).id
    expected = hub.catalog.get(doc_id).structure
    body_before = hub.catalog.get(doc_id).body
    with sqlite3.connect(hub.catalog.path) as conn:  # as a catalog from before structure was kept
        conn.execute("UPDATE documents SET structure = NULL")
        conn.execute("UPDATE documents SET body = 'Setup Rig Shaker Other words.' WHERE id = ?", (edited,))

    result = skh("restructure", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"structured": 1, "paragraphs": 0, "differs": 1, "failed": 0}
    assert hub.catalog.get(doc_id).structure == expected and hub.catalog.get(doc_id).body == body_before
    assert hub.catalog.get(plain).structure == "" and hub.catalog.get(edited).structure == ""
    page = create_app(hub, TESTING=True).test_client().get(f"/doc/{doc_id}").get_data(as_text=True)
    assert BeautifulSoup(page, "html.parser").select_one("div.text h2").get_text() == "Introduction"

    again = skh("restructure")
    assert again.exit_code == 0 and "structured 0" in again.output  # done once; the changed one stays as it is
