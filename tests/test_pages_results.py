"""The results page's ways on (issue #18) through the real app, index and catalog: clearing filters keeps the
words, a misspelling shows the corrected results at once, an empty page says what removing each filter
would bring or offers the strength areas, and members-only and staff-only documents are marked in lists."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.accounts_support import login, make_users
from tests.people_support import MEMBER_WORD, ingest_people_corpus
from web.app import create_app


def links(page: str, cls: str) -> list[str]:
    return [unescape(h) for h in re.findall(rf'<a class="{cls}" href="([^"]*)"', page)]


def test_clear_filters_keeps_the_words_and_new_search_drops_everything(client):
    page = client.get("/search?q=hearing&sort=newest&area=hearing-health&lang=en&year_from=2019&year_to=2021")
    page = page.get_data(as_text=True)
    assert links(page, "clearfilters") == ["/search?q=hearing&sort=newest"]
    assert links(page, "newsearch") == ["/search"]
    cleared = client.get("/search?q=hearing&sort=newest").get_data(as_text=True)
    assert 'class="chip"' not in cleared and 'value="hearing"' in cleared
    assert links(cleared, "clearfilters") == []  # no filters, nothing to clear


def test_a_misspelling_shows_the_corrected_results_and_links_to_the_words_as_typed(client):
    page = client.get("/search?q=loudspeeker&lang=en").get_data(as_text=True)
    assert '<h1 class="resultshead">Results for loudspeaker</h1>' in page
    assert "Showing results for <strong>loudspeaker</strong>." in page
    assert "Woofer distortion at high excursion" in page and "Did you mean" not in page
    original = re.search(r'<a id="search-original" href="([^"]+)">loudspeeker</a>', page)
    assert original and unescape(original.group(1)) == "/search?q=loudspeeker&lang=en&correct=0"
    as_typed = client.get(unescape(original.group(1))).get_data(as_text=True)
    assert "Showing results for" not in as_typed and 'id="didyoumean"' in as_typed  # not corrected again
    assert "Woofer distortion" not in as_typed
    # The filters on the corrected page search the corrected words.
    form = page.split('<form class="facetform"', 1)[1].split("</form>", 1)[0]
    assert '<input type="hidden" name="q" value="loudspeaker">' in form
    assert '<input type="checkbox" name="lang" value="en" checked>' in form


def test_an_empty_page_with_filters_says_what_each_filter_holds_back(client):
    page = client.get("/search?q=hearing&lang=da&type=publication").get_data(as_text=True)
    assert "No documents match <em>hearing</em> with these filters." in page
    offered = re.findall(r'<li><a href="([^"]+)">Remove ([^<]+)</a> <span class="count">(\d+) documents?', page)
    assert [(unescape(u), f, int(n)) for u, f, n in offered] == [
        ("/search?q=hearing&lang=da", "Document type: Publication", 1),  # the glossary adds høreapparat
        ("/search?q=hearing&type=publication", "Language: Danish", 1),
    ]


def test_an_empty_page_without_filters_offers_the_areas_and_browsing(client):
    page = client.get("/search?q=zanzibarquartz").get_data(as_text=True)
    assert 'href="/areas/hearing-health"' in page.split('<div class="empty"', 1)[1]
    assert '<a id="browse-all" href="/search">Browse all documents</a>' in page
    assert "check the spelling" not in page


@pytest.fixture
def people_app(hub, tmp_path):
    ingest_people_corpus(hub, tmp_path / "people")
    make_users(hub)
    return create_app(hub, TESTING=True)


def badges(page: str) -> list[str]:
    return re.findall(r'<span class="visbadge visbadge-(\w+)">(\w+)</span>', page)


def test_members_and_staff_documents_are_marked_in_every_list_for_those_who_see_them(people_app):
    paths = ["/search?q=beamforming", "/", "/orgs/aurora-hearing-a-s", "/authors/anne-jensen"]
    anonymous = people_app.test_client()
    for path in paths:
        assert badges(anonymous.get(path).get_data(as_text=True)) == [], path
    staff = people_app.test_client()
    login(staff, "staff@cluster.example")
    for path in paths:
        found = set(badges(staff.get(path).get_data(as_text=True)))
        expected = (
            {("members", "Members")}
            if path == "/search?q=beamforming"
            else {("members", "Members"), ("staff", "Staff")}
        )
        assert found == expected, path
    member = people_app.test_client()
    login(member, "member@cluster.example")
    assert set(badges(member.get("/").get_data(as_text=True))) == {("members", "Members")}


def doc_ids(client, q: str) -> str:
    return client.get("/api/search", query_string={"q": q}).get_json()["hits"][0]["id"]


def test_not_found_offers_anonymous_visitors_to_log_in_and_reveals_nothing(people_app):
    staff = people_app.test_client()
    login(staff, "staff@cluster.example")
    hidden = doc_ids(staff, MEMBER_WORD)
    missing = "0" * len(hidden)
    anonymous = people_app.test_client()
    pages = {}
    for doc_id in (hidden, missing):
        response = anonymous.get(f"/doc/{doc_id}")
        assert response.status_code == 404
        pages[doc_id] = response.get_data(as_text=True)
    assert f'<a id="login-hint" href="/login?next=/doc/{hidden}">Log in</a>' in pages[hidden]
    assert pages[hidden].replace(hidden, missing) == pages[missing]
    member = people_app.test_client()
    login(member, "member@cluster.example")
    assert 'id="login-hint"' not in member.get(f"/doc/{missing}").get_data(as_text=True)


def test_a_hit_found_only_through_its_organisation_says_so(client):
    """#18: "nordlyd" is only in the woofer report's organisation; the hit says where it matched, in the API too."""
    page = client.get("/search?q=nordlyd").get_data(as_text=True)
    hit = page.split("Woofer distortion at high excursion", 1)[1].split("</li>", 1)[0]
    assert '<p class="matched-in" lang="en">Matched in: organisation</p>' in hit
    danish = client.get("/search?q=nordlyd", headers={"Accept-Language": "da"}).get_data(as_text=True)
    assert "Fundet i: organisationen" in danish
    api = client.get("/api/search?q=nordlyd").get_json()
    # (lyd, the compound's part, also finds "Immersive concert sound" through its title: sound)
    assert {h["title"]: h["matched_in"] for h in api["hits"]}["Woofer distortion at high excursion"] == ["org"]
    assert [h["matched_in"] for h in client.get("/api/search?q=woofer").get_json()["hits"]] == [["title"]]
    in_text = client.get("/search?q=loudspeaker").get_data(as_text=True)
    assert "Woofer distortion" in in_text and "matched-in" not in in_text  # found in the text: nothing to say
    assert {tuple(h["matched_in"]) for h in client.get("/api/search?q=loudspeaker").get_json()["hits"]} == {("text",)}
    browsing = client.get("/api/search?sort=newest").get_json()["hits"]
    assert browsing and all(h["matched_in"] == [] for h in browsing)
