"""Each format through the whole ingest, metadata from every source in its precedence, languages, duplicates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.language import detect_language
from ingest.pipeline import Explicit
from search.searching import SearchRequest, search
from tests.filemakers import docx_bytes, pdf_bytes

ALL = ("public", "members", "staff")


def ingest(hub, *paths, explicit: Explicit | None = None):
    report = hub.ingestor.ingest_paths(list(paths), explicit)
    by_name = {Path(o.path).name: o for o in report.outcomes}
    return report, by_name


def doc_of(hub, outcome):
    assert outcome.status in ("added", "updated"), outcome
    return hub.catalog.get(outcome.id)


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """A folder for the files (tmp_path also holds the hub's data directory)."""
    folder = tmp_path / "docs"
    folder.mkdir()
    return folder


def hits(hub, q: str) -> list[str]:
    result = search(hub.pool.get(), SearchRequest(q=q, visibility=ALL, per_page=50))
    return [hub.catalog.get(h.id).filename for h in result.hits]


# -- formats -------------------------------------------------------------------


def test_pdf_text_and_its_embedded_metadata(hub, docs):
    data = pdf_bytes(
        ["Loudspeaker cone break-up measured with a laser vibrometer.", "Definitions of the modal density follow."],
        title="Info title loses to XMP",
        author="Anna Jensen; Lars Holm",
        xmp={
            "title": "Cone break-up in paper woofers",
            "author": "Anna Jensen",
            "org": "Nordlyd A/S",
            "date": "2021-06-01",
        },
    )
    (docs / "cone.pdf").write_bytes(data)
    _, out = ingest(hub, docs / "cone.pdf")
    doc = doc_of(hub, out["cone.pdf"])
    assert doc.format == "pdf" and "laser vibrometer" in doc.body
    assert doc.title == "Cone break-up in paper woofers"
    assert doc.org == "Nordlyd A/S" and doc.year == 2021 and doc.authors == ["Anna Jensen"]
    assert hits(hub, "vibrometer") == ["cone.pdf"]


def test_docx_paragraphs_tables_headings_and_core_properties(hub, docs):
    data = docx_bytes(
        "Støjmåling i klasselokaler",
        ["Efterklangstiden blev målt i tolv klasselokaler før og efter ombygningen af lofterne."],
        table=[["Lokale", "Efterklangstid"], ["3.B", "0,9 s"]],
        author="Ida Lund; Ole Berg",
        category="Rapport",
    )
    (docs / "klasse.docx").write_bytes(data)
    _, out = ingest(hub, docs / "klasse.docx")
    doc = doc_of(hub, out["klasse.docx"])
    assert doc.format == "docx" and doc.title == "Støjmåling i klasselokaler"
    assert "Efterklangstid" in doc.body and "0,9 s" in doc.body  # the table is text too
    assert doc.authors == ["Ida Lund", "Ole Berg"] and doc.type == "report" and doc.lang == "da"


def test_html_json_ld_and_opengraph(hub, docs):
    page = """<!doctype html><html lang="en"><head><title>Site | Page</title>
    <meta property="og:title" content="OpenGraph loses to JSON-LD">
    <script type="application/ld+json">{"@type": "Report", "headline": "Tinnitus counselling outcomes",
      "author": [{"name": "Maja Holm"}], "datePublished": "2023-09-14", "publisher": {"name": "Hørecenter Syd"}}
    </script></head><body><main><h1>Tinnitus</h1>
    <p>Sound therapy combined with counselling reduced tinnitus distress for most patients.</p></main></body></html>"""
    (docs / "tinnitus.html").write_text(page)
    _, out = ingest(hub, docs / "tinnitus.html")
    doc = doc_of(hub, out["tinnitus.html"])
    assert doc.title == "Tinnitus counselling outcomes"
    assert doc.authors == ["Maja Holm"] and doc.org == "Hørecenter Syd" and doc.date == "2023-09-14"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"])
def test_plain_text_in_any_common_encoding(hub, docs, encoding):
    text = "Støj fra vejen\n\nMålinger ved Ærø viste, at støjen fra vejen overskred grænseværdien om natten."
    (docs / "vej.txt").write_bytes(text.encode(encoding))
    _, out = ingest(hub, docs / "vej.txt")
    doc = doc_of(hub, out["vej.txt"])
    assert doc.title == "Støj fra vejen" and "Målinger ved Ærø" in doc.body


def test_the_type_comes_from_the_bytes_not_the_name(hub, docs):
    (docs / "really-a-pdf.txt").write_bytes(pdf_bytes(["A PDF that was renamed, about room acoustics."]))
    (docs / "really-a-docx.pdf").write_bytes(docx_bytes("Renamed", ["A Word file named like a PDF, on hearing."]))
    (docs / "really-html.md").write_text("<html><body><p>An HTML page saved with the wrong name.</p></body></html>")
    _, out = ingest(hub, docs)
    assert doc_of(hub, out["really-a-pdf.txt"]).format == "pdf"
    assert doc_of(hub, out["really-a-docx.pdf"]).format == "docx"
    assert doc_of(hub, out["really-html.md"]).format == "html"


# -- metadata sources and precedence ---------------------------------------------


def _report_md(folder: Path, name: str = "report.md") -> Path:
    path = folder / name
    path.write_text(
        "---\ntitle: Embedded title\norganisation: Embedded Org\ndate: 2015-02-03\ntype: news\n---\n"
        "# First heading\n\nLow-frequency noise from wind turbines was measured at twelve homes.\n"
    )
    return path


def test_options_beat_sidecar_beat_manifest_beat_embedded(hub, docs):
    folder = docs
    path = _report_md(folder)
    (folder / "manifest.csv").write_text(
        "path,org,type,year,visibility,authors\nreport.md,Manifest Org,thesis,2019,members,Ann Berg;Bo Dahl\n"
    )
    (folder / "report.md.meta.json").write_text(json.dumps({"organisation": "Sidecar Org", "type": "white paper"}))
    _, out = ingest(hub, folder, explicit=Explicit(org="Option Org"))
    doc = doc_of(hub, out["report.md"])
    assert doc.org == "Option Org"  # option
    assert doc.type == "white-paper"  # sidecar
    assert doc.year == 2019 and doc.visibility == "members" and doc.authors == ["Ann Berg", "Bo Dahl"]  # manifest
    assert doc.title == "Embedded title"  # embedded
    assert set(out) == {"report.md"}, "the sidecar and the manifest are not documents"
    assert path.exists()


def test_heuristics_fill_in_what_nobody_gave(hub, docs):
    (docs / "plain.md").write_text("# Measuring hearing protectors\n\nInsertion loss was measured on ten ears.\n")
    (docs / "wind-turbine_noise.txt").write_text("12 34 56 78\n90 12 34 56 78 90 12 34 56 78 dB 90 12 34")
    _, out = ingest(hub, docs)
    assert doc_of(hub, out["plain.md"]).title == "Measuring hearing protectors"  # first heading
    assert doc_of(hub, out["wind-turbine_noise.txt"]).title == "Wind turbine noise"  # numbers: the file name


def test_sidecar_named_after_the_stem_and_a_nearer_manifest_wins(hub, docs):
    top = docs / "top"
    sub = top / "sub"
    sub.mkdir(parents=True)
    _report_md(sub)
    (top / "manifest.csv").write_text("path,org,year\nsub/report.md,Far Org,2001\n")
    (sub / "manifest.csv").write_text("path,org\nreport.md,Near Org\n")
    (sub / "report.meta.json").write_text(json.dumps({"areas": ["acoustics-noise"], "doi": "10.1234/x"}))
    _, out = ingest(hub, top)
    doc = doc_of(hub, out["report.md"])
    assert doc.org == "Near Org" and doc.year == 2001  # the nearer manifest first, the farther fills in
    assert doc.areas == ["acoustics-noise"] and not doc.areas_auto and doc.doi == "10.1234/x"


def test_a_manifest_beside_a_single_file_applies(hub, docs):
    path = _report_md(docs)
    (docs / "manifest.csv").write_text("path,visibility\nreport.md,staff\n")
    _, out = ingest(hub, path)
    assert doc_of(hub, out["report.md"]).visibility == "staff"


# -- languages -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Mange ældre lader deres høreapparat ligge i skuffen, fordi tilpasningen ikke er god nok.", "da"),
        ("Kommunen har kortlagt vejstøjen langs de store veje, og mange boliger er belastet af støj.", "da"),
        ("Many older adults leave their hearing aids in a drawer because the fitting is poor.", "en"),
        ("Loudspeaker drivers show rising distortion when the voice coil leaves the magnetic gap.", "en"),
    ],
)
def test_language_is_detected_from_the_text(text, lang):
    assert detect_language(text)[0] == lang


def test_each_language_is_stemmed_its_own_way_and_one_query_finds_both(hub, docs):
    (docs / "da.md").write_text(
        "---\ntitle: Ældre og høreapparat\n---\nMange ældre lader deres høreapparat ligge i skuffen, "
        "fordi tilpasningen hos audiologen ikke er god nok.\n"
    )
    (docs / "en.md").write_text(
        "---\ntitle: Distortion\n---\nEach loudspeaker in the test showed rising distortion when the voice coil "
        "left the magnetic gap.\n"
    )
    _, out = ingest(hub, docs)
    assert doc_of(hub, out["da.md"]).lang == "da" and doc_of(hub, out["en.md"]).lang == "en"
    assert hits(hub, "høreapparater") == ["da.md"]  # Danish plural finds the Danish singular
    assert hits(hub, "loudspeakers") == ["en.md"]  # English plural finds the English singular


# -- duplicates and updates ------------------------------------------------------


def test_the_same_content_twice_is_one_document(hub, docs):
    body = "Reverberation time in twelve classrooms fell from 1.1 to 0.5 seconds after absorbers were installed."
    (docs / "a.txt").write_text(body)
    (docs / "copy-of-a.txt").write_text(body)  # the same bytes
    (docs / "b.md").write_text(f"{body}\n")  # the same text in other bytes
    report, out = ingest(hub, docs)
    assert report.summary() == {"added": 1, "updated": 0, "unchanged": 2, "failed": 0}
    assert out["copy-of-a.txt"].duplicate_of == out["a.txt"].id == out["b.md"].duplicate_of
    again, _ = ingest(hub, docs)
    assert again.summary() == {"added": 0, "updated": 0, "unchanged": 3, "failed": 0}
    assert hub.catalog.count() == 1


def test_a_changed_file_updates_its_document(hub, docs):
    path = docs / "note.txt"
    path.write_text("Version one speaks of ferrofluid tweeters ageing in humid climates.")
    _, first = ingest(hub, path)
    path.write_text("Version two speaks of neodymium magnets recovered from scrapped loudspeakers.")
    report, second = ingest(hub, path)
    assert report.summary()["updated"] == 1 and second["note.txt"].id == first["note.txt"].id
    assert hub.catalog.count() == 1
    assert hits(hub, "neodymium") == ["note.txt"] and hits(hub, "ferrofluid") == []


def test_pdf_lines_are_reflowed_into_paragraphs_and_headings():
    from ingest.parsers.pdf import reflow

    lines = [
        "Introduction",
        "Loudspeaker drivers were measured in an anechoic cham-",
        "ber at twelve angles; the results agree with the simulations",
        "within one decibel.",
        "Method",
        "Each driver was mounted in a sealed box of fifty litres and",
        "driven at one watt.",
    ]
    assert reflow(lines).split("\n\n") == [
        "Introduction",
        "Loudspeaker drivers were measured in an anechoic chamber at twelve angles; the results agree with the "
        "simulations within one decibel.",
        "Method",
        "Each driver was mounted in a sealed box of fifty litres and driven at one watt.",
    ]
