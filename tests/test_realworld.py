"""Real files written by others (``shared/fixtures/realworld``): each is ingested with text and a
sensible title, or reported with a specific reason. No traceback, no hang.

``SKH_REALWORLD`` points at the folder; the default is ``<repo>/../shared/fixtures/realworld``.
"""

from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from web.cli import main
from web.hub import Hub

ROOT = Path(__file__).resolve().parent.parent
REALWORLD = Path(os.environ.get("SKH_REALWORLD") or ROOT.parent / "shared" / "fixtures" / "realworld")

pytestmark = pytest.mark.skipif(
    not (REALWORLD / "MANIFEST.tsv").is_file(),
    reason=f"real-world fixtures not found at {REALWORLD} (set SKH_REALWORLD to their folder)",
)

# The reasons a real file may be refused for: each names what is wrong with the file itself.
SPECIFIC_REASONS = re.compile(
    r"^(the PDF is encrypted with a password"
    r"|the PDF has no text layer: \d+ of \d+ page\(s\) are images only"
    r"|the PDF contains no text"
    r"|the PDF is damaged \(.+\)"
    r"|the Word document contains no text"
    r"|the Word file is damaged \(.+\)"
    r"|too little text to index: \d+ characters in the \w+ file \(at least \d+ needed\))"
)


def _manifest() -> dict[str, dict[str, str]]:
    with open(REALWORLD / "MANIFEST.tsv", newline="", encoding="utf-8") as handle:
        return {row["path"]: row for row in csv.DictReader(handle, delimiter="\t")}


def _sensible_title(title: str) -> bool:
    letters = sum(c.isalpha() for c in title)
    digits = sum(c.isdigit() for c in title)
    return (
        0 < len(title) <= 300
        and letters >= 3
        and digits <= letters
        and not re.search(r"[\x00-\x1f]", title)
        and title.lower() not in ("untitled", "untitled document")
    )


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    manifest = _manifest()
    data = tmp_path_factory.mktemp("realworld") / "data"
    files = [str(REALWORLD / name) for name in manifest]
    result = CliRunner().invoke(main, ["ingest", *files, "--json"], env={"SKH_DATA_DIR": str(data)})
    return manifest, result, Hub.open(data)


def test_the_run_finishes_with_a_report_and_no_traceback(ingested):
    manifest, result, _ = ingested
    assert result.exit_code in (0, 1) and "Traceback" not in result.output, result.output[-2000:]
    report = json.loads(result.output)
    assert sorted(Path(f["path"]).relative_to(REALWORLD).as_posix() for f in report["files"]) == sorted(manifest)
    assert report["summary"]["added"] >= len(manifest) // 2


def test_every_file_is_ingested_with_text_and_a_title_or_refused_for_a_specific_reason(ingested):
    _, result, hub = ingested
    for entry in json.loads(result.output)["files"]:
        name = Path(entry["path"]).name
        if entry["status"] == "failed":
            assert SPECIFIC_REASONS.match(entry["reason"]), (name, entry["reason"])
            continue
        doc = hub.catalog.get(entry["id"])
        assert doc is not None and doc.body.strip(), name
        assert _sensible_title(doc.title), (name, doc.title)


def test_what_the_manifest_says_cannot_be_read_is_refused_for_that_reason(ingested):
    manifest, result, _ = ingested
    reasons = {
        Path(f["path"]).relative_to(REALWORLD).as_posix(): f["reason"] for f in json.loads(result.output)["files"]
    }
    for name, row in manifest.items():
        smoke = row["smoke"]
        if "FileNotDecryptedError" in smoke:
            assert reasons[name] == "the PDF is encrypted with a password", name
        elif "PdfReadError" in smoke:
            assert reasons[name].startswith("the PDF is damaged"), name
        elif row["format"] == "pdf" and smoke.endswith("chars(first40)=0"):
            assert reasons[name].startswith("the PDF has no text layer"), name


def test_real_metadata_and_text_are_found(ingested):
    _, result, hub = ingested
    files = json.loads(result.output)["files"]
    docs = {Path(f["path"]).name: hub.catalog.get(f["id"]) for f in files if f["id"]}
    reasons = {Path(f["path"]).name: f["reason"] for f in files}
    geotopo = docs["009-pdflatex-geotopo__GeoTopo-komprimiert.pdf"]
    assert geotopo.title == "Geometrie und Topologie" and geotopo.authors == ["Martin Thoma"] and geotopo.lang == "de"
    assert "Topologische Grundbegriffe" in geotopo.body  # ligatures resolved
    assert docs["mosqito.sq_metrics.loudness.loudness_zwst.loudness_zwst.html"].title.startswith("loudness_zwst")
    # Too short to index, but read: Strict Open XML ("Test") and a text box ("Datum plane") yield their words.
    assert reasons["strict-format.docx"].startswith("too little text to index: 4 characters")
    assert reasons["text-box.docx"].startswith("too little text to index: 11 characters")
    assert "A tachyon walks into a bar." in docs["endnotes.docx"].body  # endnotes are text too


def test_real_documents_are_searchable(ingested):
    _, _, hub = ingested
    from search.searching import SearchRequest, search

    result = search(hub.pool.get(), SearchRequest(q="loudness", visibility=("public",), per_page=50))
    titles = [hub.catalog.get(h.id).title for h in result.hits]
    assert any("loudness_zwst" in t for t in titles), titles
