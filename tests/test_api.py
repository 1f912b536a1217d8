"""The JSON API as a client meets it: one error body for every status, checked parameters, page sizes, hits
that carry what a client needs, and links that stay in the API (issue #17).

The description (/api/openapi.json) is checked in test_api_spec.py and fuzzed in test_api_fuzz.py.
"""

from __future__ import annotations

import re
import sqlite3
from html import unescape

import pytest

from ingest.pipeline import Explicit
from tests.accounts_support import login, make_users
from web.app import create_app

DA = {"Accept-Language": "da-DK,da;q=0.9"}


def error_of(response, status: int) -> dict:
    """The error body of ``response``, checked to be the one shape every API error has."""
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.is_json, response.content_type
    error = response.get_json()["error"]
    assert error["status"] == status and error["code"] and error["message"]
    return error


# -- errors ------------------------------------------------------------------


def test_unknown_paths_and_documents_are_json_404s_and_a_hidden_document_answers_as_a_missing_one(
    client, mini_hub, tmp_path
):
    secret = tmp_path / "secret.txt"
    secret.write_text("Board minutes on the loudspeaker budget, with enough words to be a document of its own.")
    hidden = mini_hub.ingestor.ingest_paths([secret], Explicit(visibility="staff")).outcomes[0].id
    assert error_of(client.get("/api/nope"), 404)["code"] == "not_found"
    assert error_of(client.get("/api/search/extra"), 404)["code"] == "not_found"
    assert error_of(client.get("/api"), 404)["code"] == "not_found"
    missing = client.get("/api/documents/000000000000")
    assert error_of(missing, 404)["code"] == "not_found"
    assert client.get(f"/api/documents/{hidden}").data == missing.data
    assert client.get("/api/documents/ZZZ").data == missing.data
    # The pages keep their HTML error pages.
    page = client.get("/nope")
    assert page.status_code == 404 and "text/html" in page.content_type


def test_a_wrong_method_is_a_json_405_naming_the_allowed_ones(client):
    refused = client.post("/api/search")
    assert error_of(refused, 405)["code"] == "method_not_allowed"
    assert "GET" in refused.headers["Allow"]
    assert client.delete("/api/documents/000000000000").status_code == 405
    page = client.post("/search")
    assert page.status_code == 405 and not page.is_json


def test_the_rate_limit_answers_the_json_error_body(mini_hub):
    client = create_app(mini_hub, TESTING=True, SKH_RATE_LIMIT="2/minute").test_client()
    assert [client.get("/api/suggest?q=he").status_code for _ in range(2)] == [200, 200]
    error = error_of(client.get("/api/nope"), 429)  # counted before routing: an unknown path is refused too
    assert error["code"] == "too_many_requests" and error["retry_after"] >= 1


def test_our_own_failure_is_a_json_500_that_says_nothing_of_the_cause(mini_hub):
    app = create_app(mini_hub, TESTING=True, PROPAGATE_EXCEPTIONS=False)
    client = app.test_client()
    doc_id = client.get("/api/search?q=woofer").get_json()["hits"][0]["id"]
    # A catalog that lost its table: a real failure of a real part, as a damaged data dir would give.
    with sqlite3.connect(mini_hub.datadir.catalog) as db:
        db.execute("ALTER TABLE documents RENAME TO documents_gone")
    error = error_of(client.get(f"/api/documents/{doc_id}"), 500)
    assert error["code"] == "server_error" and "documents" not in error["message"]
    page = client.get(f"/doc/{doc_id}")
    assert page.status_code == 500 and "text/html" in page.content_type


# -- parameters --------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "param", "said"),
    [
        ("area=bogus", "area", "'bogus'"),
        ("area=hearing-health&area=Hearing", "area", "'Hearing'"),
        ("type=poster", "type", "'poster'"),
        ("lang=xx", "lang", "'xx'"),
        ("lang=de", "lang", "searched as en"),
        ("area=", "area", "empty"),
        ("org=" + "&org=".join(["A"] * 21), "org", "At most 20"),
        ("year_from=2020&year_to=2010", "year_from", "after year_to"),
        ("year_from=abc", "year_from", "'abc'"),
        ("year_to=20.5", "year_to", "'20.5'"),
        ("year_to=99999", "year_to", "from 1000 to 9999"),
        ("page=0", "page", "'0'"),
        ("page=-1", "page", "'-1'"),
        ("per_page=0", "per_page", "from 1 to 100"),
        ("per_page=101", "per_page", "'101'"),
        ("per_page=ten", "per_page", "'ten'"),
        ("sort=bogus", "sort", "relevance, newest, oldest"),
        ("crosslang=2", "crosslang", "0 or 1"),
    ],
)
def test_a_parameter_the_api_cannot_use_is_a_400_naming_it(client, query, param, said):
    error = error_of(client.get(f"/api/search?{query}"), 400)
    assert error["code"] == "bad_parameter" and error["param"] == param
    assert said in error["message"], error["message"]


def test_good_values_search_and_an_organisation_without_documents_finds_nothing(client):
    ok = client.get("/api/search?area=hearing-health&type=report&lang=da&year_from=2019&year_to=2020&sort=oldest")
    assert ok.status_code == 200 and [h["title"] for h in ok.get_json()["hits"]] == ["Høreapparater og ældre brugere"]
    # Organisation names are open (free text growing with uploads): an unknown one is a search finding nothing.
    nobody = client.get("/api/search?org=Nobody+A/S")
    assert nobody.status_code == 200 and nobody.get_json()["total"] == 0
    assert client.get("/api/search?year_from=2021&year_to=2021").get_json()["total"] == 2


def test_a_type_only_hidden_documents_carry_is_unknown_to_those_who_cannot_see_them(mini_hub, tmp_path):
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "data.md").write_text("---\ntitle: Noise measurements\ntype: dataset\n---\nNoise measured in a city.\n")
    (folder / "minutes.md").write_text("---\ntitle: Board minutes\ntype: minutes\n---\nThe board discussed budgets.\n")
    mini_hub.ingestor.ingest_paths([folder / "data.md"], Explicit(visibility="public"))
    mini_hub.ingestor.ingest_paths([folder / "minutes.md"], Explicit(visibility="staff"))
    app = create_app(mini_hub, TESTING=True)
    anonymous = app.test_client()
    # A type ingest had no name for is listed by the facet, and its toggle link works.
    facet = {v["value"]: v for v in anonymous.get("/api/search").get_json()["facets"]["type"]}
    toggled = anonymous.get(facet["dataset"]["toggle_url"])
    assert toggled.get_json()["total"] == 1, toggled.get_json()
    # The staff-only document's type answers an anonymous visitor as a type nobody has.
    hidden, unknown = anonymous.get("/api/search?type=minutes"), anonymous.get("/api/search?type=mintues")
    assert error_of(hidden, 400)["message"] == error_of(unknown, 400)["message"].replace("mintues", "minutes")
    staff = app.test_client()
    assert login(staff, make_users(mini_hub)["staff"]).status_code == 302
    assert staff.get("/api/search?type=minutes").get_json()["total"] == 1


def test_suggest_checks_crosslang_too(client):
    assert error_of(client.get("/api/suggest?q=hear&crosslang=yes"), 400)["param"] == "crosslang"
    assert client.get("/api/suggest?q=hear&crosslang=0").status_code == 200


# -- what an answer carries -----------------------------------------------------


def test_per_page_sizes_the_page_and_links_keep_it(client):
    data = client.get("/api/search?per_page=3&page=2").get_json()
    assert (data["total"], data["page"], data["pages"], data["per_page"], len(data["hits"])) == (8, 2, 3, 3, 3)
    assert len(client.get("/api/search?per_page=100").get_json()["hits"]) == 8
    assert len(client.get("/api/search").get_json()["hits"]) == 8  # default 10
    toggle = data["facets"]["lang"][0]["toggle_url"]
    assert "per_page=3" in toggle and "page=" not in toggle.replace("per_page", "")


def test_hits_carry_authors_date_doi_language_score_and_links(client, mini_hub, tmp_path):
    paper = tmp_path / "paper.md"
    paper.write_text(
        '---\ntitle: "Loudspeaker cone breakup"\nauthors: ["Ida Berg", "Ole Lund"]\ndate: 2023-05-17\n'
        "doi: 10.1234/skh.2023.17\nlanguage: en\ntype: publication\n---\n"
        "Loudspeaker cones break up at high frequencies; a stiffer cone moves the breakup above the band.\n"
    )
    mini_hub.ingestor.ingest_paths([paper], Explicit(visibility="public"))
    hits = client.get("/api/search?q=loudspeaker").get_json()["hits"]
    hit = next(h for h in hits if h["title"] == "Loudspeaker cone breakup")
    assert hit["authors"] == ["Ida Berg", "Ole Lund"] and hit["date"] == "2023-05-17" and hit["year"] == 2023
    assert hit["doi"] == "10.1234/skh.2023.17" and hit["lang"] == "en" and hit["type"] == "publication"
    assert hit["url"] == f"/doc/{hit['id']}" and hit["api_url"] == f"/api/documents/{hit['id']}"
    assert client.get(hit["api_url"]).get_json()["doi"] == "10.1234/skh.2023.17"
    scores = [h["score"] for h in hits]
    assert len(hits) == 2 and all(s > 0 for s in scores) and scores == sorted(scores, reverse=True)
    # Ordered by date, a hit has no relevance score to give.
    assert {h["score"] for h in client.get("/api/search?q=loudspeaker&sort=newest").get_json()["hits"]} == {None}
    assert {h["score"] for h in client.get("/api/search").get_json()["hits"]} == {None}


def test_api_links_lead_to_the_api_and_page_links_to_the_page(client):
    data = client.get("/api/search?q=reverberaton&lang=en").get_json()
    links = [v["toggle_url"] for values in data["facets"].values() for v in values]
    assert links and all(url.startswith("/api/search?") for url in links)
    assert data["suggestion"]["url"].startswith("/api/search?q=reverberation")
    followed = client.get(data["suggestion"]["url"]).get_json()
    assert followed["total"] == 1
    page = client.get("/search?q=reverberation").get_data(as_text=True)
    # The page's filters are a form of checkboxes that asks the page, as its sort links do.
    assert '<form class="facetform" id="filters-form" action="/search" method="get">' in page
    assert re.findall(r'<input type="checkbox" name="lang" value="en"', page)
    sorts = re.findall(r'<a href="([^"]+)">Newest</a>', page)
    assert sorts and all(unescape(url).startswith("/search?") for url in sorts)


# -- the search page ------------------------------------------------------------


def test_the_page_sets_an_unknown_area_aside_with_a_notice(client):
    page = client.get("/search?area=bogus&area=audio-tech").get_data(as_text=True)
    assert "Unknown strength area “bogus” was ignored." in page
    links = [url for url in re.findall(r'href="([^"]+)"', page) if not url.startswith("/language/")]
    assert 'value="bogus"' not in page and links and not any("bogus" in url for url in links)
    assert re.search(r'id="total"><strong>2</strong>', page)  # audio-tech's two documents
    danish = client.get("/search?type=poster", headers=DA).get_data(as_text=True)
    assert "Den ukendte dokumenttype “poster” blev ignoreret." in danish
    hostile = client.get("/search?lang=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)" not in hostile and "Unknown language “&lt;script&gt;" in hostile


def test_the_page_offers_page_sizes_and_keeps_the_choice(client):
    page = client.get("/search?per_page=2&sort=oldest").get_data(as_text=True)
    assert len(re.findall(r'<li class="hit"', page)) == 2
    choice = page.split('class="pagesize"')[1].split("</p>")[0]
    sizes = {n: unescape(u) for u, n in re.findall(r'<a href="([^"]+)">(\d+)</a>', choice)}
    assert sizes == {
        "10": "/search?sort=oldest",
        "20": "/search?sort=oldest&per_page=20",
        "50": "/search?sort=oldest&per_page=50",
        "100": "/search?sort=oldest&per_page=100",
    }
    following = re.search(r'<a rel="next" href="([^"]+)"', page).group(1)
    assert unescape(following) == "/search?sort=oldest&per_page=2&page=2"
    assert 'name="per_page" value="2"' in page  # a new query keeps the size
    clamped = client.get("/search?per_page=5000").get_data(as_text=True)
    assert len(re.findall(r'<li class="hit"', clamped)) == 8
