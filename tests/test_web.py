"""Every route through the Flask test client, on a real index and catalog."""

from __future__ import annotations

import re
from html import unescape

import pytest

from ingest.pipeline import Explicit


def api(client, query):
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 200
    return response.get_json()


def test_home_shows_every_area_with_its_count(client):
    page = client.get("/").get_data(as_text=True)
    for area, count in [("hearing-health", 3), ("audio-tech", 2), ("sound-experience", 1)]:
        tile = re.search(rf'data-area="{area}">.*?<strong>(\d+)</strong>', page, re.S)
        assert tile and int(tile.group(1)) == count
    assert 'name="q"' in page


def test_search_page_renders_results_facets_and_highlights(client):
    page = client.get("/search?q=loudspeaker").get_data(as_text=True)
    assert "Woofer distortion at high excursion" in page
    assert "<mark>Loudspeaker</mark>" in page
    assert 'data-facet="area"' in page and 'data-facet="org"' in page


def test_facet_links_toggle_and_chips_remove(client):
    data = api(client, "q=&area=hearing-health")
    area = {v["value"]: v for v in data["facets"]["area"]}
    assert area["hearing-health"]["selected"] and area["hearing-health"]["count"] == 3
    assert area["audio-tech"]["count"] == 2 and not area["audio-tech"]["selected"]
    # The API's toggles lead to the API: audio-tech's adds to the selection (OR within the facet).
    assert area["audio-tech"]["toggle_url"] == "/api/search?area=hearing-health&area=audio-tech"
    both = client.get(area["audio-tech"]["toggle_url"]).get_json()
    assert both["total"] == 5
    # The selected value's toggle removes it.
    none = client.get(area["hearing-health"]["toggle_url"]).get_json()
    assert none["total"] == 8
    page = client.get("/search?area=hearing-health&lang=da").get_data(as_text=True)
    assert "Strength area: Hearing &amp; Health" in page and "Clear filters" in page
    chip = re.search(r'<a class="chip" href="([^"]+)"[^>]*>Language: Danish', page)
    assert unescape(chip.group(1)) == "/search?area=hearing-health"


def test_api_hits_carry_the_contract_fields(client):
    data = api(client, "q=reverberation")
    assert data["total"] == 1 and data["page"] == 1 and data["pages"] == 1 and data["suggestion"] is None
    hit = data["hits"][0]
    assert set(hit) >= {"id", "title", "snippet", "areas", "type", "org", "year", "lang", "url"}
    assert hit["url"] == f"/doc/{hit['id']}" and "<mark>" in hit["snippet"]
    assert set(data["facets"]) == {"area", "type", "year", "org", "lang"}


def test_sort_and_pagination_links_keep_the_state(client):
    page = client.get("/search?q=&area=hearing-health&sort=oldest").get_data(as_text=True)
    years = [int(y) for y in re.findall(r'<span class="year">(\d{4})</span>', page)]
    assert years == sorted(years)
    data = api(client, "page=2&sort=newest")
    assert data["page"] == 1 and data["pages"] == 1  # 8 documents fit on one page; page is clamped


@pytest.mark.parametrize(
    "query",
    [
        'q="unbalanced',
        "q=a+AND+OR",
        "q=(((",
        "q=-",
        "page=abc",
        "page=-1",
        "year_from=abc&year_to=99999",
        "sort=bogus",
        "area=no-such-area",
        "q=%00%ff",
        "q=" + "x" * 5000,
    ],
)
def test_bad_input_never_500s(client, query):
    # The page searches what it can read; the API refuses what it cannot use (tests/test_api.py says how).
    assert client.get(f"/search?{query}").status_code == 200
    api = client.get(f"/api/search?{query}")
    assert api.status_code in (200, 400) and api.is_json


def test_document_page_original_and_api(client, mini_hub):
    doc_id = api(client, "q=woofer")["hits"][0]["id"]
    page = client.get(f"/doc/{doc_id}").get_data(as_text=True)
    assert "Woofer distortion at high excursion" in page and "Nordlyd Acoustics A/S" in page
    original = client.get(f"/doc/{doc_id}/original")
    assert original.status_code == 200 and original.headers["Content-Disposition"].startswith("attachment")
    assert original.data == (mini_hub.datadir.root.parent / "mini" / "woofer.md").read_bytes()
    meta = client.get(f"/api/documents/{doc_id}").get_json()
    assert meta["title"] == "Woofer distortion at high excursion" and meta["areas"] == ["audio-tech"]


@pytest.mark.parametrize(
    "path",
    [
        "/doc/000000000000",
        "/doc/../../etc/passwd",
        "/doc/ZZZ",
        "/doc/000000000000/original",
        "/areas/no-such-area",
        "/nope",
    ],
)
def test_unknown_things_are_404_pages(client, path):
    response = client.get(path)
    assert response.status_code == 404 and "Not found" in response.get_data(as_text=True)


def test_unknown_document_in_the_api_is_a_json_404(client):
    response = client.get("/api/documents/000000000000")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_area_page_lists_newest_and_organisations(client):
    page = client.get("/areas/hearing-health").get_data(as_text=True)
    assert re.search(r'id="area-count">3<', page)
    assert "Hørecenter Syd" in page and "Beamforming in hearing aids" in page
    assert "/search?area=hearing-health" in page


def test_hidden_documents_do_not_show_to_anonymous_visitors(client, mini_hub, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("Board minutes about the zanzibarquartz acquisition and the loudspeaker budget for next year.")
    report = mini_hub.ingestor.ingest_paths([secret], Explicit(visibility="staff", areas=["audio-tech"]))
    doc_id = report.outcomes[0].id
    assert api(client, "q=zanzibarquartz")["total"] == 0
    assert api(client, "")["total"] == 8
    assert {v["value"]: v["count"] for v in api(client, "")["facets"]["area"]}["audio-tech"] == 2
    assert client.get(f"/doc/{doc_id}").status_code == 404
    assert client.get(f"/doc/{doc_id}/original").status_code == 404
    assert client.get(f"/api/documents/{doc_id}").status_code == 404


def test_document_html_is_escaped(client, mini_hub, tmp_path):
    evil = tmp_path / "evil.md"
    evil.write_text(
        '---\ntitle: "<script>alert(1)</script> Evil"\norganisation: "<img src=x onerror=alert(2)>"\n---\n'
        "Text about <b>loudspeaker</b> cones and <script>alert(3)</script> magnets and more words.\n"
    )
    doc_id = mini_hub.ingestor.ingest_paths([evil]).outcomes[0].id
    for url in (f"/doc/{doc_id}", "/search?q=magnets", "/"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Evil" in client.get(f"/doc/{doc_id}").get_data(as_text=True)


def test_security_headers_and_health(client):
    response = client.get("/healthz")
    assert response.get_json() == {"status": "ok"}
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    for path in ("/search?q=hearing", "/api/search?q=hearing", "/"):
        answer = client.get(path)
        assert "private" in answer.headers["Cache-Control"] and "Cookie" in answer.headers["Vary"]
