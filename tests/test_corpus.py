"""The bundled corpus: complete, realistic, and ingested with the right areas and metadata."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.manifest import read_manifest
from web.cli import main
from web.hub import Hub

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
MANIFEST = read_manifest(CORPUS / "manifest.csv")
AREAS = ("hearing-health", "audio-tech", "acoustics-noise", "signal-processing", "sound-experience")


def test_manifest_and_files_agree_and_the_corpus_is_realistic():
    files = {p.resolve() for p in (CORPUS / "docs").rglob("*") if p.is_file()}
    assert files == set(MANIFEST)
    assert len(MANIFEST) >= 80
    per_area = Counter(a for meta in MANIFEST.values() for a in meta["areas"])
    assert all(per_area[a] >= 10 for a in AREAS), per_area
    two_areas = sum(1 for meta in MANIFEST.values() if len(meta["areas"]) == 2)
    assert 0.12 <= two_areas / len(MANIFEST) <= 0.35
    assert sum(1 for meta in MANIFEST.values() if meta["lang"] == "da") >= len(MANIFEST) / 4
    assert {p.suffix for p in files} == {".html", ".md", ".txt", ".pdf", ".docx"}
    assert {meta["visibility"] for meta in MANIFEST.values()} == {"public", "members", "staff"}
    for path, meta in MANIFEST.items():  # visibility is the folder the file sits in
        assert path.parent.name == meta["visibility"]
    years = [meta["year"] for meta in MANIFEST.values()]
    assert min(years) >= 2009 and max(years) <= 2026


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    """Every corpus file ingested without --area: areas are assigned automatically."""
    data = tmp_path_factory.mktemp("corpus") / "data"
    result = CliRunner().invoke(main, ["ingest", str(CORPUS / "docs"), "--json"], env={"SKH_DATA_DIR": str(data)})
    hub = Hub.open(data)
    return result, json.loads(result.output), {Path(d.source): d for d in hub.catalog.all()}


def test_every_corpus_file_ingests(ingested):
    result, report, docs = ingested
    assert result.exit_code == 0, [f for f in report["files"] if f["status"] == "failed"]
    assert report["summary"]["added"] == len(MANIFEST) == len(docs)


def test_automatic_areas_match_the_manifest(ingested):
    _, _, docs = ingested
    assert all(d.areas_auto and d.area_evidence for d in docs.values())
    f1s = {}
    for area in AREAS:
        tp = fp = fn = 0
        for path, meta in MANIFEST.items():
            got, truth = area in docs[path].areas, area in meta["areas"]
            tp, fp, fn = tp + (got and truth), fp + (got and not truth), fn + (truth and not got)
        p, r = (tp / (tp + fp) if tp + fp else 0), (tp / (tp + fn) if tp + fn else 0)
        f1s[area] = 2 * p * r / (p + r) if p + r else 0
    # A floor well below the aim (0.90, see bench/classify_eval.py): it catches regressions, not noise.
    assert sum(f1s.values()) / len(f1s) >= 0.75, f1s


@pytest.mark.parametrize("field", ["title", "year", "org", "type", "lang"])
def test_extracted_metadata_matches_the_manifest(ingested, field):
    _, _, docs = ingested
    wrong = {
        str(path.name): (getattr(docs[path], field), meta.get(field))
        for path, meta in MANIFEST.items()
        if getattr(docs[path], field) != meta.get(field)
    }
    # Raw notes without header lines may miss org/type; everything else must be right.
    assert len(wrong) <= len(MANIFEST) * 0.05, wrong
