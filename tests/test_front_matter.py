"""The text proper (issue #18): a document's title, byline and abstract copy are taken off the top of its text at
ingest, on the sample corpus's own files, and nothing else is."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.extract import extract
from ingest.front_matter import strip_front_matter
from ingest.textnorm import text_hash

DOCS = Path(__file__).resolve().parent.parent / "corpus" / "docs"


def _extract(name: str):
    path = next(DOCS.rglob(name))
    return extract(path.read_bytes(), path.name, str(path), {})


def test_pdf_title_over_two_lines_byline_and_resume_are_taken_off():
    doc = _extract("da-musik-med-hoereapparater-brugerundersoegelse.pdf")
    assert doc.org == "Aurora Hearing A/S"
    assert doc.body.startswith("Baggrund\n\nHøreapparater er først og fremmest udviklet")
    head = doc.body[:2000]
    assert "Aurora Hearing" not in head and "2020-02-19" not in head and "Resumé" not in head
    assert "1.040 høreapparatbrugere\n" not in doc.body  # the title's second line
    assert doc.abstract[:60] not in doc.body  # the abstract's copy
    # duplicate detection still hashes the whole text, as catalogs made before this did
    assert doc.text_sha256 != text_hash(doc.body)


@pytest.mark.parametrize(
    "name, first",
    [
        ("en1-own-voice-detection-in-ear-microphone.html", "Introduction"),
        ("en1-compression-driver-phase-plug-topology.html", "Background"),
        ("da-binaural-beamforming-hoereapparater-kantinestoej.html", "Baggrund"),
    ],
)
def test_html_genre_label_title_byline_doi_and_abstract_are_taken_off(name, first):
    doc = _extract(name)
    assert doc.body.startswith(first + "\n\n"), doc.body[:200]
    assert "DOI" not in doc.body and "10.5555/" not in doc.body
    assert doc.authors[0] not in doc.body[:500]
    assert doc.abstract[:60] not in doc.body


def test_byline_naming_other_organisations_too_is_taken_off():
    doc = _extract("en2-deep-learning-hearing-aid-noise-reduction-latency.html")
    assert "Kattegat University" not in doc.body[:300] and "Signe Dalsgaard" not in doc.body[:300]
    assert doc.body.startswith("Hearing-aid users report that understanding speech in noisy restaurants")


def test_byline_of_names_the_catalog_writes_last_name_first():
    doc = _extract("en2-classroom-reverberation-absorber-retrofit.html")
    assert doc.authors[0] == "Kjærgaard, Mette"
    assert "Mette Kjærgaard" not in doc.body[:500] and "doi:10.5555" not in doc.body


def test_shortened_title_heading_is_taken_off_and_running_text_after_it_kept():
    doc = _extract("en2-light-rail-construction-vibration-thesis.md")
    assert doc.body.startswith("Motivation\n\nConstruction of urban rail lines")


def test_text_without_front_matter_is_kept_whole():
    doc = _extract("en1-student-passive-radiator-speaker-prize.txt")
    assert text_hash(doc.body) == doc.text_sha256  # nothing was taken off


def test_metadata_block_is_kept_when_the_catalog_has_no_names_to_hold_it():
    doc = _extract("en2-itu-t-g168-echo-canceller-summary.txt")
    assert doc.org == "" and doc.body.startswith("Organisation: Jutland Institute of Technology")


RUNNING = (
    "Aurora Hearing A/S measured the battery life of 240 hearing aids over two winters, and found that cold "
    "mornings cost a fifth of a day's charge.\n\nThe second winter confirmed it."
)


def test_running_text_that_starts_with_the_organisations_name_is_kept():
    assert strip_front_matter(RUNNING, "Battery life in winter", ["Jens Riis"], "Aurora Hearing A/S", "") == RUNNING


def test_running_text_after_a_byline_is_kept():
    body = "Battery life in winter\n\nJens Riis - Aurora Hearing A/S - 2020-01-02\n\n" + RUNNING
    assert strip_front_matter(body, "Battery life in winter", ["Jens Riis"], "Aurora Hearing A/S", "") == RUNNING


def test_too_little_left_keeps_the_whole_text():
    body = "Battery life in winter\n\nJens Riis - Aurora Hearing A/S - 2020-01-02\n\nShort note."
    args = ("Battery life in winter", ["Jens Riis"], "Aurora Hearing A/S", "")
    assert strip_front_matter(body, *args, minimum=20) == body
    assert strip_front_matter(body, *args, minimum=5) == "Short note."


def test_a_byline_of_mostly_other_words_is_not_a_byline():
    body = (
        "Battery life in winter\n\nJens Riis visited three clinics in Odense and Vejle to talk with users about "
        "charging habits - 2020\n\n" + RUNNING
    )
    kept = strip_front_matter(body, "Battery life in winter", ["Jens Riis"], "Aurora Hearing A/S", "")
    assert kept.startswith("Jens Riis visited three clinics")


def test_front_matter_is_only_taken_off_the_top():
    body = "Battery life in winter\n\n" + RUNNING + "\n\nSummary\n\nJens Riis - Aurora Hearing A/S - 2020-01-02"
    kept = strip_front_matter(body, "Battery life in winter", ["Jens Riis"], "Aurora Hearing A/S", "")
    assert kept == body.split("\n\n", 1)[1]


def test_an_abstract_the_file_cut_mid_word_is_completed_from_the_texts_copy():
    doc = _extract("en1-older-adults-hearing-aid-non-use.docx")  # its subject property ends "reported litt"
    assert "who reported little or no use." in doc.abstract and not doc.abstract.endswith("litt")
    assert doc.body.startswith("Background") or not doc.body.startswith("Abstract:"), doc.body[:100]
    assert "About one in five" not in doc.body
