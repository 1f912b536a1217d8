"""Parsing and metadata extraction for HTML, Markdown and plain text."""

from __future__ import annotations

import pytest

from ingest.detect import UnsupportedType, detect_format
from ingest.metadata import merge, normalise, normalise_date
from ingest.parsers.html import parse_html
from ingest.parsers.markdown import parse_markdown
from ingest.parsers.text import parse_text

PAGE = b"""<!doctype html><html lang="en"><head>
<title>Site title | Lab</title>
<meta name="citation_title" content="Citation title wins">
<meta name="DC.title" content="Dublin Core title">
<meta property="og:title" content="OpenGraph title">
<meta name="citation_author" content="Anna Jensen"><meta name="citation_author" content="Lars Holm">
<meta name="citation_publication_date" content="2019/04/12">
<meta name="DC.publisher" content="Kattegat University, Acoustics Lab">
<meta name="DC.type" content="Report">
</head><body><nav>Home | About | Contact</nav>
<main><h1>Heading</h1><p>Reverberation &amp; absorption in classrooms.</p><h2>Method</h2><p>We measured.</p></main>
<footer>Copyright footer text</footer><script>var x = "not text";</script></body></html>"""


def test_html_takes_the_most_specific_metadata_and_the_main_text():
    parsed = parse_html(PAGE)
    meta = normalise(parsed.metadata)
    assert meta["title"] == "Citation title wins"
    assert meta["authors"] == ["Anna Jensen", "Lars Holm"]
    assert meta["date"] == "2019-04-12" and meta["year"] == 2019
    assert meta["org"] == "Kattegat University, Acoustics Lab"
    assert meta["type"] == "report"
    assert "Reverberation & absorption" in parsed.body
    assert "Copyright footer" not in parsed.body and "Home | About" not in parsed.body
    assert "not text" not in parsed.body


def test_html_falls_back_to_opengraph_then_title_tag():
    og = (
        b'<html><head><meta property="og:title" content="OG only"><title>T</title></head>'
        b"<body><p>x y z</p></body></html>"
    )
    assert parse_html(og).metadata["title"] == "OG only"
    bare = b"<html><head><title>Just a title</title></head><body><p>Some words here.</p></body></html>"
    assert parse_html(bare).metadata["title"] == "Just a title"


def test_markdown_front_matter_and_text():
    data = (
        "---\ntitle: Støjkortlægning\nauthors: [A. Berg, B. Dahl]\ndate: 2021-05-06\nlanguage: da\n---\n"
        "# H\n\nTekst om *vejstøj*.\n"
    )
    parsed = parse_markdown(data.encode())
    meta = normalise(parsed.metadata)
    assert meta["title"] == "Støjkortlægning"
    assert meta["authors"] == ["A. Berg", "B. Dahl"]
    assert meta["lang"] == "da" and meta["year"] == 2021
    assert "Tekst om vejstøj." in parsed.body and "*" not in parsed.body


def test_plain_text_header_lines_in_danish():
    data = (
        "Rapport om efterklang\n\nOrganisation: Center for Bygningsakustik\n"
        "Forfattere: Ida Lund; Ole Berg\nDato: 2014-02-03\n\nSelve teksten.\n"
    )
    parsed = parse_text(data.encode("utf-8"))
    assert parsed.metadata["title"] == "Rapport om efterklang"
    assert parsed.metadata["authors"] == ["Ida Lund", "Ole Berg"]
    assert parsed.body == "Selve teksten."


def test_plain_text_in_latin1_is_decoded():
    parsed = parse_text("Høreapparater og støj i klasseværelser, målt på skoler i hele landet.".encode("latin-1"))
    assert "Høreapparater" in parsed.body


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"%PDF-1.7\n...", "pdf"),
        (b"<!DOCTYPE html><html><body>x</body></html>", "html"),
        (b"---\ntitle: x\n---\nbody", "markdown"),
        (b"# Heading\n\nText", "markdown"),
        (b"Just some words in a file.", "text"),
    ],
)
def test_format_is_decided_from_bytes(data, expected):
    assert detect_format(data) == expected


@pytest.mark.parametrize("data", [b"", b"   \n", b"\x7fELF\x02\x01\x01", b"\x89PNG\r\n\x1a\n", b"PK\x03\x04broken"])
def test_unsupported_bytes_are_refused_with_a_reason(data):
    with pytest.raises(UnsupportedType) as info:
        detect_format(data)
    assert str(info.value)


def test_metadata_precedence_explicit_over_embedded_over_heuristics():
    explicit = normalise({"org": "Explicit Org", "year": 2001})
    embedded = normalise({"org": "Embedded Org", "title": "Embedded title", "date": "2019-01-01"})
    heuristics = {"title": "Heuristic title"}
    merged = merge(explicit, embedded, heuristics)
    assert merged["org"] == "Explicit Org"
    assert merged["title"] == "Embedded title"
    assert merged["year"] == 2001 and "date" not in merged


@pytest.mark.parametrize(
    "raw, date, year",
    [
        ("D:20190412120000+01'00'", "2019-04-12", 2019),
        ("2019/4/2", "2019-04-02", 2019),
        ("March 2015", "2015", 2015),
        ("2020-13-01", "2020", 2020),
        ("no date", "", None),
    ],
)
def test_dates_in_many_spellings(raw, date, year):
    assert normalise_date(raw) == (date, year)
