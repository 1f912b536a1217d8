"""The parsers give the text's structure (headings with levels, paragraphs, lists) beside the indexed body, and
the blocks hold exactly the body's words: search reads the body as before."""

from __future__ import annotations

import io
import os
from pathlib import Path

import docx
import pytest
from fpdf import FPDF

from ingest.parsers.docx import parse_docx
from ingest.parsers.html import parse_html
from ingest.parsers.markdown import parse_markdown
from ingest.parsers.pdf import parse_pdf
from ingest.parsers.pdf_headings import pdf_blocks, section_level
from ingest.parsers.text import parse_text
from ingest.structure import (
    Block,
    Structure,
    bounded,
    drop_words,
    from_json,
    heading,
    list_block,
    paragraph,
    plain_text,
    stored_structure,
    to_json,
)
from tests.conftest import ROOT
from tests.filemakers import pdf_bytes

REALWORLD = Path(os.environ.get("SKH_REALWORLD") or ROOT.parent / "shared" / "fixtures" / "realworld")


def shape(blocks: list[Block]) -> list[tuple]:
    return [
        (b.kind, b.level, b.text)
        if b.kind == "heading"
        else (b.kind, b.text)
        if b.kind == "paragraph"
        else (("ol" if b.ordered else "ul"), b.items)
        for b in blocks
    ]


def test_html_headings_lists_and_paragraphs():
    parsed = parse_html(
        b"<html><body><nav><ul><li>Home</li></ul></nav><main><h1>Noise report</h1><p>First words.</p>"
        b"<h2>Method</h2><ol><li>Measure</li><li><p>Compare</p></li></ol><h3>Set-up</h3>"
        b"<ul><li>Microphone</li><li>Analyser<ul><li>Nested</li></ul></li></ul>"
        b"<table><tr><td>cell</td></tr></table><blockquote>Quoted</blockquote></main></body></html>"
    )
    assert shape(parsed.blocks) == [
        ("heading", 1, "Noise report"),
        ("paragraph", "First words."),
        ("heading", 2, "Method"),
        ("ol", ("Measure", "Compare")),
        ("heading", 3, "Set-up"),
        ("ul", ("Microphone",)),
        ("ul", ("Nested",)),  # the nested list is a list of its own; its parent item's own words were never read
        ("paragraph", "cell"),
        ("paragraph", "Quoted"),
    ]
    assert plain_text(parsed.blocks) == parsed.body


def test_markdown_headings_lists_and_paragraphs():
    parsed = parse_markdown(
        "---\ntitle: Støj\n---\n# Støj i byen\n\nIndledende tekst.\n\n## Metode\n\n- mikrofon\n- analysator\n\n"
        "1. måle\n2. sammenligne\n\n### Resultater\n\nTo *vigtige* fund.\n".encode()
    )
    assert shape(parsed.blocks) == [
        ("heading", 1, "Støj i byen"),
        ("paragraph", "Indledende tekst."),
        ("heading", 2, "Metode"),
        ("ul", ("mikrofon", "analysator")),
        ("ol", ("måle", "sammenligne")),
        ("heading", 3, "Resultater"),
        ("paragraph", "To vigtige fund."),
    ]
    assert plain_text(parsed.blocks) == parsed.body


def test_docx_heading_levels_and_bulleted_and_numbered_lists():
    document = docx.Document()
    document.add_heading("Hearing aid non-use", level=0)  # the Title style
    document.add_paragraph("Many older users leave their hearing aids in a drawer.")
    document.add_heading("Method", level=1)
    document.add_paragraph("Interview", style="List Bullet")
    document.add_paragraph("Questionnaire", style="List Bullet")
    document.add_heading("Analysis", level=2)
    document.add_paragraph("Transcribe", style="List Number")
    document.add_paragraph("Code", style="List Number")
    document.add_paragraph("The codes were compared.")
    out = io.BytesIO()
    document.save(out)
    parsed = parse_docx(out.getvalue())
    assert shape(parsed.blocks) == [
        ("heading", 1, "Hearing aid non-use"),
        ("paragraph", "Many older users leave their hearing aids in a drawer."),
        ("heading", 1, "Method"),
        ("ul", ("Interview", "Questionnaire")),
        ("heading", 2, "Analysis"),
        ("ol", ("Transcribe", "Code")),
        ("paragraph", "The codes were compared."),
    ]
    assert plain_text(parsed.blocks) == parsed.body


def test_pdf_numbered_and_named_section_headings():
    parsed = parse_pdf(
        pdf_bytes(
            [
                "Introduction",
                "Road traffic noise was mapped along the ring road in twelve places over two years and compared.",
                "2. Methods",
                "Sound level meters of class 1 were placed four metres above the ground near the facades here.",
                "2.1 Measurement set-up",
                "Each meter logged one-second values of the A-weighted level for the whole measuring campaign.",
            ]
        )
    )
    assert [(b.level, b.text) for b in parsed.blocks if b.kind == "heading"] == [
        (1, "Introduction"),
        (1, "2. Methods"),
        (2, "2.1 Measurement set-up"),
    ]
    assert plain_text(parsed.blocks) == parsed.body


def test_pdf_lines_set_larger_are_headings_ranked_by_size():
    pdf = FPDF()
    pdf.add_page()
    for size, text in [
        (18, "Noise at the ring road"),
        (11, "Road traffic noise was mapped along the ring road in twelve places over two years and compared."),
        (14, "Where we measured"),
        (11, "Sound level meters of class 1 were placed four metres above the ground near the facades."),
        (13, "Facades facing north"),
        (11, "The northern facades were quieter by four decibels on average over the measuring period."),
        (14, "What residents said"),
        (11, "Residents who slept on the quiet side reported less annoyance than those facing the road."),
    ]:
        pdf.set_font("Helvetica", size=size)
        pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    parsed = parse_pdf(bytes(pdf.output()))
    assert [(b.level, b.text) for b in parsed.blocks if b.kind == "heading"] == [
        (1, "Noise at the ring road"),
        (2, "Where we measured"),
        (3, "Facades facing north"),
        (2, "What residents said"),
    ]
    assert plain_text(parsed.blocks) == parsed.body


@pytest.mark.parametrize(
    "text",
    ["1. Measure the noise.", "1 Introduction 3", "2019 Annual report", "0. Auflage, 31. Dezember 2016", "The results"],
)
def test_pdf_sentences_contents_lines_and_years_are_not_headings(text):
    assert section_level(text) is None


def test_pdf_numbered_lines_in_a_row_are_a_list_not_sections():
    blocks = pdf_blocks(["1 Microphones", "2 Analysers", "3 Calibrators", "The equipment was calibrated."])
    assert all(b.kind == "paragraph" for b in blocks)


def test_plain_text_is_paragraphs_and_stores_no_structure():
    parsed = parse_text(b"Title\n\nAuthor: A. Jensen\n\nFirst paragraph.\n\nSecond paragraph.")
    assert parsed.blocks == []
    assert stored_structure(parsed.blocks, parsed.body, parsed.body) == ""


def test_front_matter_taken_off_the_body_is_taken_off_the_blocks():
    blocks = [heading("Noise report", 1), paragraph("By A. Jensen"), heading("Method", 2), list_block(["a b", "c"])]
    body = plain_text(blocks)
    kept = body.split("\n\n", 2)[2]  # the title and byline went (ingest/front_matter.py)
    structure = from_json(stored_structure(blocks, body, kept))
    assert structure is not None and structure.blocks == [heading("Method", 2), list_block(["a b", "c"])]
    assert shape(drop_words(blocks, 7)) == [("ul", ("b", "c"))]  # a partly taken item keeps its other words


def test_blocks_that_do_not_match_the_text_are_not_stored():
    blocks = [heading("Method", 2), paragraph("Other words entirely")]
    assert stored_structure(blocks, "Method\n\nThe real text", "Method\n\nThe real text") == ""


def test_bounded_cuts_at_the_limits_and_says_so():
    blocks = [heading("A", 1), list_block(["x" * 40, "y" * 40, "z" * 40]), paragraph("w " * 100)]
    cut = bounded(blocks, max_chars=90, max_blocks=100)
    assert cut.cut and shape(cut.blocks) == [("heading", 1, "A"), ("ul", ("x" * 40, "y" * 40))]
    assert bounded(blocks, max_chars=10_000, max_blocks=3).blocks == [heading("A", 1), list_block(["x" * 40, "y" * 40])]
    one = bounded([paragraph("word " * 1000)], max_chars=52)
    assert one.cut and one.blocks == [paragraph(" ".join(["word"] * 10))]  # a huge first paragraph: its start
    assert bounded(blocks).cut is False


def test_json_round_trip_and_damaged_values():
    structure = Structure([heading("Støj <i>", 2), paragraph("p"), list_block(["a"], ordered=True)], cut=True)
    assert from_json(to_json(structure)) == structure
    for damaged in ("", "{", "[]", '{"v": 99, "b": []}', '{"v": 1, "b": "x"}'):
        assert from_json(damaged) is None
    odd = from_json('{"v": 1, "b": [["h", "2", "x"], ["p"], 5, ["ul", []], ["zz", "q"], ["p", "kept"]]}')
    assert odd is not None and odd.blocks == [paragraph("kept")]


real = pytest.mark.skipif(not (REALWORLD / "MANIFEST.tsv").is_file(), reason=f"no real-world fixtures at {REALWORLD}")


@real
def test_real_word_lists_bulleted_and_numbered():
    simple = parse_docx((REALWORLD / "docx/fixtures/mammoth/simple-list.docx").read_bytes())
    assert shape(simple.blocks) == [("ul", ("Apple", "Banana"))]
    numbered = parse_docx((REALWORLD / "docx/fixtures/python-docx/num-having-numbering-part.docx").read_bytes())
    assert [b.kind for b in numbered.blocks] == ["list"] and numbered.blocks[0].ordered


@real
def test_real_sphinx_page_has_its_heading_parameter_lists_and_the_body_unchanged():
    page = REALWORLD / "html/audio/mosqito/mosqito.sq_metrics.loudness.loudness_zwst.loudness_zwst.html"
    parsed = parse_html(page.read_bytes())
    kinds = [b.kind for b in parsed.blocks]
    assert kinds[0] == "heading" and kinds.count("list") >= 2
    assert plain_text(parsed.blocks) == parsed.body


@real
def test_real_latex_book_chapters_and_sections_by_their_size():
    book = REALWORLD / "pdf/fixtures/pypdf-sample-files/009-pdflatex-geotopo__GeoTopo-komprimiert.pdf"
    parsed = parse_pdf(book.read_bytes())
    found = [(b.level, b.text) for b in parsed.blocks if b.kind == "heading"]
    assert (1, "1 Topologische Grundbegriffe") in found and (2, "1.1 Topologische Räume") in found
    assert (1, "Vorwort") in found  # a chapter without a number: found by its size alone
    assert 20 < len(found) < 200 and all(level <= 3 for level, _ in found)
    assert plain_text(parsed.blocks) == parsed.body
