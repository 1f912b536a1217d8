"""Citation exports read back by the parsers reference managers' authors keep (bibtexparser, rispy), field by
field against the catalog: Danish letters, braces and LaTeX specials in titles, names with particles, DOIs,
types. Visibility of exports is in tests/test_exports_access.py."""

from __future__ import annotations

import json

import bibtexparser
import pytest
import rispy
from bibtexparser import middlewares

from ingest.pipeline import Explicit
from web.app import create_app

TRICKY_TITLE = r"Støj {og} vibrationer på Ærø: 50% & mere_ #1 ~ $5 \ A/S"
TRICKY = {
    "title": TRICKY_TITLE,
    "authors": ["Søren Ærøskøbing", "Jan van der Berg", "Holm, Åse"],
    "org": "Hørecenter Syd & Co",
    "date": "2023-06-15",
    "type": "thesis",
    "lang": "da",
    "doi": "https://doi.org/10.5555/skh.2023.042",
    "abstract": "Vi målte støj {dB(A)} ved 50% belastning & fandt nye resultater.",
    "areas": ["acoustics-noise"],
}
STRAY = {"title": "A stray { brace in a white paper", "type": "white-paper", "date": "2022", "authors": ["Lars Holm"]}


@pytest.fixture
def cited(mini_hub, tmp_path):
    """The mini corpus plus a thesis whose metadata has every character a citation must escape, and a white
    paper with an unpaired brace; returns (client, hub, {name: document})."""
    folder = tmp_path / "cited"
    folder.mkdir()
    docs = {}
    for name, meta, text in (
        ("tricky", TRICKY, "Vibrationer og støj fra vejtrafik målt i boliger på Ærø gennem et helt år."),
        ("stray", STRAY, "White paper text about loudspeaker enclosures and their damping material."),
    ):
        path = folder / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        (folder / f"{name}.txt.meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        outcome = mini_hub.ingestor.ingest_paths([path], Explicit(visibility="public")).outcomes[0]
        assert outcome.id, outcome.reason
        docs[name] = mini_hub.catalog.get(outcome.id)
    assert docs["tricky"].title == TRICKY_TITLE  # the catalog kept what the test compares against
    return create_app(mini_hub, TESTING=True).test_client(), mini_hub, docs


def parse_bibtex(text: str):
    library = bibtexparser.parse_string(text, append_middleware=[middlewares.LatexDecodingMiddleware()])
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return library


def test_bibtex_reads_back_with_danish_letters_braces_and_specials(cited):
    client, _hub, docs = cited
    doc = docs["tricky"]
    response = client.get(f"/doc/{doc.id}/cite.bib")
    assert response.status_code == 200
    assert response.mimetype == "application/x-bibtex"
    raw = response.get_data(as_text=True)
    assert "Ærø" in raw and "Søren Ærøskøbing" not in raw  # UTF-8 kept; names written "Family, Given"
    entry = parse_bibtex(raw).entries[0]
    fields = {k: f.value for k, f in entry.fields_dict.items()}
    assert entry.entry_type == "thesis"
    assert fields["title"] == doc.title
    assert fields["abstract"] == doc.abstract
    assert fields["institution"] == "Hørecenter Syd & Co"
    assert fields["author"] == "Ærøskøbing, Søren and van der Berg, Jan and Holm, Åse"
    assert (fields["year"], fields["month"], fields["date"]) == ("2023", "jun", "2023-06-15")
    assert fields["doi"] == "10.5555/skh.2023.042"
    assert fields["url"] == f"http://localhost/doc/{doc.id}"
    assert fields["langid"] == "danish"
    assert entry.key == f"aeroeskoebing2023stoej-{doc.id[:6]}"
    names = bibtexparser.parse_string(
        raw, append_middleware=[middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()]
    ).entries[0]["author"]
    assert [(n.first, n.von, n.last) for n in names] == [
        (["Søren"], [], ["Ærøskøbing"]),
        (["Jan"], ["van", "der"], ["Berg"]),
        (["Åse"], [], ["Holm"]),
    ]


def test_an_unpaired_brace_cannot_end_the_entry_early(cited):
    client, _hub, docs = cited
    raw = client.get("/search/cite.bib?scope=all").get_data(as_text=True)
    library = parse_bibtex(raw)
    by_key = {e.key: e for e in library.entries}
    assert len(by_key) == 10  # every document, none swallowed by the one before it
    # Classic BibTeX counts every brace, escaped or not, to find where a value ends: each raw value pairs up.
    for entry in bibtexparser.parse_string(raw).entries:
        for field in entry.fields:
            depth = 0
            for ch in field.value:
                depth += {"{": 1, "}": -1}.get(ch, 0)
                assert depth >= 0, (entry.key, field.key, field.value)
            assert depth == 0, (entry.key, field.key, field.value)
    stray = next(e for e in library.entries if e.key.endswith(docs["stray"].id[:6]))
    assert stray.entry_type == "techreport" and stray["type"] == "White paper"
    assert stray["title"].startswith("A stray") and stray["title"].endswith("brace in a white paper")


def test_ris_reads_back(cited):
    client, _hub, docs = cited
    doc = docs["tricky"]
    response = client.get(f"/doc/{doc.id}/cite.ris")
    assert response.mimetype == "application/x-research-info-systems"
    (record,) = rispy.loads(response.get_data(as_text=True))
    assert record["type_of_reference"] == "THES"
    assert record["title"] == doc.title
    assert record["authors"] == ["Ærøskøbing, Søren", "van der Berg, Jan", "Holm, Åse"]
    assert (record["year"], record["date"]) == ("2023", "2023/06/15/")
    assert record["publisher"] == doc.org
    assert record["doi"] == "10.5555/skh.2023.042"
    assert record["abstract"] == doc.abstract
    assert record["language"] == "da"
    assert record["urls"] == [f"http://localhost/doc/{doc.id}"]
    assert record["keywords"] == ["Acoustics & Noise"]


def test_csl_json_has_the_required_fields_and_types(cited):
    client, _hub, docs = cited
    response = client.get("/search/cite.json?scope=all")
    assert response.mimetype == "application/vnd.citationstyles.csl+json"
    items = {item["URL"].rsplit("/", 1)[1]: item for item in response.get_json()}
    assert len(items) == 10
    for item in items.values():
        assert item["id"] and item["type"] and item["title"]  # CSL-JSON requires id and type
    tricky = items[docs["tricky"].id]
    assert tricky["type"] == "thesis"
    assert tricky["title"] == TRICKY_TITLE
    assert tricky["author"][1] == {"family": "van der Berg", "given": "Jan"}
    assert tricky["issued"] == {"date-parts": [[2023, 6, 15]]}
    assert tricky["DOI"] == "10.5555/skh.2023.042"
    types = {item["title"]: item["type"] for item in items.values()}
    assert types["Beamforming in hearing aids"] == "article-journal"  # publication
    assert types["Remote fitting of hearing aids"] == "report"
    assert types["Immersive concert sound"] == "report"  # event report
    assert types[STRAY["title"]] == "report"


def test_keys_are_stable_and_unique(cited):
    client, _hub, docs = cited
    first = [e.key for e in parse_bibtex(client.get("/search/cite.bib?scope=all").get_data(as_text=True)).entries]
    again = [e.key for e in parse_bibtex(client.get("/search/cite.bib?scope=all&sort=oldest").get_data(True)).entries]
    assert sorted(first) == sorted(again) and len(set(first)) == len(first) == 10
    alone = parse_bibtex(client.get(f"/doc/{docs['stray'].id}/cite.bib").get_data(as_text=True)).entries[0].key
    assert alone in first


def test_a_result_list_exports_the_page_or_all_in_the_page_order(cited):
    client, _hub, _docs = cited
    page_two = client.get("/search/cite.ris?sort=oldest&page=2")
    assert page_two.headers["X-Result-Total"] == "10"
    shown = client.get("/api/search?sort=oldest&page=2").get_json()["hits"]
    records = rispy.loads(page_two.get_data(as_text=True))
    assert [r["urls"][0].rsplit("/", 1)[1] for r in records] == [h["id"] for h in shown]
    everything = rispy.loads(client.get("/search/cite.ris?q=hearing&scope=all").get_data(as_text=True))
    assert {r["title"] for r in everything} == {
        h["title"] for h in client.get("/api/search?q=hearing").get_json()["hits"]
    }


def test_exports_are_bounded(cited, monkeypatch):
    from web.views import citations

    monkeypatch.setattr(citations, "EXPORT_LIMIT", 3)
    client, _hub, _docs = cited
    response = client.get("/search/cite.json?scope=all")
    assert len(response.get_json()) == 3
    assert (response.headers["X-Result-Count"], response.headers["X-Result-Total"]) == ("3", "10")


def test_document_page_has_highwire_tags_doi_link_and_export_links(cited):
    client, _hub, docs = cited
    doc = docs["tricky"]
    page = client.get(f"/doc/{doc.id}").get_data(as_text=True)
    for tag in (
        '<meta name="citation_title" content="Støj {og} vibrationer på Ærø: 50% &amp; mere_ #1 ~ $5 \\ A/S">',
        '<meta name="citation_author" content="Søren Ærøskøbing">',
        '<meta name="citation_author" content="Jan van der Berg">',
        '<meta name="citation_publication_date" content="2023/06/15">',
        '<meta name="citation_doi" content="10.5555/skh.2023.042">',
        '<meta name="citation_language" content="da">',
        '<meta name="citation_dissertation_institution" content="Hørecenter Syd &amp; Co">',
    ):
        assert tag in page
    assert "citation_pdf_url" not in page  # the original is text, not a PDF
    assert 'href="https://doi.org/10.5555/skh.2023.042"' in page
    for ext in ("bib", "ris", "json"):
        assert f'href="/doc/{doc.id}/cite.{ext}"' in page
    results = client.get("/search?q=hearing").get_data(as_text=True)
    assert 'href="/search/cite.bib?q=hearing"' in results
    danish = client.get("/search?q=hearing", headers={"Accept-Language": "da"}).get_data(as_text=True)
    assert "Citér denne side:" in danish and "Atom-feed for denne søgning" in danish


def test_a_pdf_original_is_announced_to_reference_managers(mini_hub, tmp_path):
    from tests.filemakers import pdf_bytes

    path = tmp_path / "measured.pdf"
    lines = ["Measured loudspeaker directivity", "The directivity of twelve loudspeakers was measured in a chamber."]
    path.write_bytes(pdf_bytes(lines, title="Measured loudspeaker directivity"))
    doc_id = mini_hub.ingestor.ingest_paths([path], Explicit(visibility="public")).outcomes[0].id
    page = create_app(mini_hub, TESTING=True).test_client().get(f"/doc/{doc_id}").get_data(as_text=True)
    assert f'<meta name="citation_pdf_url" content="http://localhost/doc/{doc_id}/original">' in page


def test_unknown_formats_and_documents_are_404(cited):
    client, _hub, docs = cited
    assert client.get(f"/doc/{docs['tricky'].id}/cite.xml").status_code == 404
    assert client.get("/doc/0123456789ab/cite.bib").status_code == 404
    assert client.get("/search/cite.exe").status_code == 404
