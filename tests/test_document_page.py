"""The document page shows the text with its structure: its headings from h2 without skipped levels, its lists,
escaped, bounded, without the title, byline and abstract again; and catalogs from before keep working."""

from __future__ import annotations

import sqlite3

from bs4 import BeautifulSoup

from ingest.catalog import Catalog
from ingest.pipeline import Explicit
from ingest.structure import MAX_CHARS
from tests.conftest import ROOT
from tests.structure_support import ABSTRACT, TITLE, ingest_structured
from web.app import create_app
from web.hub import Hub


def text_of(page: str) -> BeautifulSoup:
    return BeautifulSoup(page, "html.parser").select_one("section.preview div.text")


def test_page_has_h2_headings_and_lists_and_no_repeated_front_matter(client, mini_hub):
    doc_id = ingest_structured(mini_hub)
    page = client.get(f"/doc/{doc_id}").get_data(as_text=True)
    soup = BeautifulSoup(page, "html.parser")
    assert [h.get_text() for h in soup.find_all("h1")] == [TITLE]
    text = text_of(page)
    assert text["lang"] == "en"
    headings = [(h.name, h.get_text()) for h in text.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
    # The source's h2-h3-h2-h5-h2: levels kept relative, the h5 brought up to one below the h2 before it.
    assert headings == [
        ("h2", "Introduction"),
        ("h3", "Earlier work"),
        ("h2", "Method"),
        ("h3", "Treatments compared"),
        ("h2", "Results"),
    ]
    assert [li.get_text() for li in text.select("ol > li")][0] == "Mount the panel on the test rig."
    assert [li.get_text() for li in text.select("ul > li")] == [
        "Bitumen pads",
        "Constrained-layer foil",
        "Viscoelastic foam",
    ]
    words = text.get_text(" ")
    assert TITLE not in words and "Mette Kjærgaard" not in words and ABSTRACT[:40] not in words
    assert "Abstract" not in [h for _, h in headings]
    levels = [int(h.name[1]) for h in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    assert soup.select_one("p.cut") is None


def test_markup_in_the_text_is_shown_escaped(client, mini_hub):
    html = (
        b"<html><body><main><h2>&lt;script&gt;alert(1)&lt;/script&gt; Heading</h2>"
        b"<p>Loudspeaker cones and &lt;img src=x onerror=alert(2)&gt; magnets in the text.</p>"
        b"<ul><li>&lt;b&gt;bold&lt;/b&gt; item</li><li>Second item</li></ul></main></body></html>"
    )
    outcome = mini_hub.ingestor.ingest_bytes(html, "evil.html", "test:evil.html", Explicit(title="Evil page"))
    assert mini_hub.catalog.get(outcome.id).structure  # it has structure, so the blocks are what is shown
    page = client.get(f"/doc/{outcome.id}").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>bold" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Heading" in page
    assert "&lt;b&gt;bold&lt;/b&gt; item" in page


def test_a_huge_text_is_cut_on_the_page_and_says_so(client, mini_hub):
    sections = "".join(f"<h2>Section {n}</h2><p>{'Panel resonance measured again. ' * 60}</p>" for n in range(200))
    html = f"<html><body><main>{sections}</main></body></html>".encode()
    outcome = mini_hub.ingestor.ingest_bytes(html, "long.html", "test:long.html", Explicit(title="Long report"))
    doc = mini_hub.catalog.get(outcome.id)
    assert len(doc.body) > 2 * MAX_CHARS  # the index has all of it
    assert len(doc.structure) < 1.2 * MAX_CHARS
    page = client.get(f"/doc/{outcome.id}").get_data(as_text=True)
    assert len(text_of(page).get_text()) <= MAX_CHARS
    assert "The text is cut short here" in page
    danish = client.get(f"/doc/{outcome.id}", headers={"Accept-Language": "da"}).get_data(as_text=True)
    assert "Teksten er afkortet her" in danish


def test_a_text_of_paragraphs_shows_its_paragraphs_bounded(client, mini_hub):
    body = "\n\n".join(f"Paragraph {n} about panel resonance in cars." for n in range(6000))
    outcome = mini_hub.ingestor.ingest_bytes(body.encode(), "long.txt", "test:long.txt", Explicit(title="Notes"))
    assert mini_hub.catalog.get(outcome.id).structure == ""  # paragraphs alone: nothing stored twice
    text = text_of(client.get(f"/doc/{outcome.id}").get_data(as_text=True))
    shown = [p.get_text() for p in text.find_all("p")]
    assert shown[:2] == ["Paragraph 0 about panel resonance in cars.", "Paragraph 1 about panel resonance in cars."]
    assert 100 < len(shown) < 6000


def test_a_catalog_from_before_structure_upgrades_in_place(tmp_path):
    hub = Hub.open(tmp_path / "data", taxonomy=str(ROOT / "corpus" / "areas.toml"))
    doc_id = ingest_structured(hub)
    path = hub.catalog.path
    with sqlite3.connect(path) as conn:  # the catalog as an older version wrote it
        conn.execute("ALTER TABLE documents DROP COLUMN structure")
    columns = [r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(documents)")]
    assert "structure" not in columns

    old = Hub.open(tmp_path / "data", taxonomy=str(ROOT / "corpus" / "areas.toml"))
    doc = old.catalog.get(doc_id)
    assert doc is not None and doc.structure == "" and doc.title == TITLE
    page = create_app(old, TESTING=True).test_client().get(f"/doc/{doc_id}").get_data(as_text=True)
    text = text_of(page)
    assert text.find("h2") is None  # no structure: the body's paragraphs, as before
    assert [p.get_text() for p in text.find_all("p")][:2] == [
        "Introduction",
        "Without an engine's masking noise, panel resonances between 80 and 200 Hz become audible in the cabin.",
    ]
    # The upgraded catalog stores structure from now on.
    outcome = old.ingestor.ingest_bytes(
        b"<html><body><main><h2>Later</h2><ul><li>One item</li><li>Two items</li></ul></main></body></html>",
        "later.html",
        "test:later.html",
        Explicit(title="A later report"),
    )
    assert outcome.status == "added" and old.catalog.get(outcome.id).structure
    assert "structure" in [r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(documents)")]
    assert Catalog(path).get(doc_id).structure == ""  # opened again: the upgrade is not repeated or lost


def test_the_api_gives_the_text_s_outline(client, mini_hub):
    doc_id = ingest_structured(mini_hub)
    outline = client.get(f"/api/documents/{doc_id}").get_json()["outline"]
    assert outline == [
        {"level": 2, "text": "Introduction"},
        {"level": 3, "text": "Earlier work"},
        {"level": 2, "text": "Method"},
        {"level": 5, "text": "Treatments compared"},
        {"level": 2, "text": "Results"},
    ]
    plain = next(d for d in mini_hub.catalog.all() if not d.structure)
    assert client.get(f"/api/documents/{plain.id}").get_json()["outline"] == []
