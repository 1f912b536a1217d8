"""Organisation, author and experts pages (issue #17): what they show, how they link, and that no count,
bar, term, co-publisher or expert reveals a document its visitor may not see."""

from __future__ import annotations

import re

import pytest

from tests.accounts_support import login, make_users
from tests.people_support import MEMBER_WORD, STAFF_WORD, ingest_people_corpus
from web.app import create_app

LEVELS = {"anonymous": {"public"}, "member": {"public", "members"}, "staff": {"public", "members", "staff"}}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from tests.conftest import ROOT
    from web.hub import Hub

    root = tmp_path_factory.mktemp("people")
    hub = Hub.open(root / "data", taxonomy=str(ROOT / "corpus" / "areas.toml"))
    ingest_people_corpus(hub, root / "corpus")
    return hub, make_users(hub)


def client_as(world, role):
    hub, emails = world
    client = create_app(hub, TESTING=True).test_client()
    if role != "anonymous":
        assert login(client, emails[role]).status_code == 302
    return client


def text(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return response.get_data(as_text=True)


def entity_count(page: str) -> int:
    return int(re.search(r'id="entity-count">(\d+)<', page).group(1))


def listed(page: str, list_id: str) -> list[str]:
    block = re.search(rf'<ul class="compact" id="{list_id}">(.*?)</ul>', page, re.S)
    return re.findall(r'<a href="[^"]+">([^<]+)</a>', block.group(1)) if block else []


def test_the_organisation_list_counts_and_filters(world):
    client = client_as(world, "anonymous")
    page = text(client, "/orgs")
    names = re.findall(r'<li><a href="/orgs/([^"]+)">([^<]+)</a> <span class="count">(\d+) document', page)
    assert [(slug, name, int(n)) for slug, name, n in names] == [
        ("aurora-hearing-a-s", "Aurora Hearing A/S", 2),
        ("bulk-acoustics-aps", "Bulk Acoustics ApS", 7),
        ("kattegat-university", "Kattegat University", 1),
        ("stojfri-radgivning-a-s", "Støjfri Rådgivning A/S", 1),
    ]
    # The filter folds case and letters as slugs do: "STØJ" and "stoj" both find Støjfri.
    for typed in ("STØJ", "stoj", "rådgiv"):
        assert re.findall(r'href="/orgs/([^"]+)"', text(client, f"/orgs?name={typed}")) == ["stojfri-radgivning-a-s"]
    assert "No organisation matches" in text(client, "/orgs?name=nosuchname")
    assert "&lt;script&gt;" in text(client, "/orgs?name=<script>")  # echoed, escaped


def test_an_organisation_page_lists_documents_profile_terms_copublishers_and_authors(world):
    client = client_as(world, "anonymous")
    page = text(client, "/orgs/aurora-hearing-a-s")
    assert entity_count(page) == 2
    assert page.index("Beamforming microphone arrays in canteens") < page.index("Beamforming for hearing aids")
    assert listed(page, "copublishers") == ["Kattegat University"]
    assert listed(page, "authors") == ["Anne Jensen", "Peter Holm"]
    assert 'href="/authors/anne-jensen"' in page
    assert re.search(r'<a href="/feeds/org.atom\?org=Aurora[^"]*" type="application/atom\+xml">', page)
    terms = re.findall(r'<li><a href="[^"]+" lang="en">([^<]+)</a>', re.search(r'id="terms">(.*?)</ul>', page, re.S)[1])
    # What sets Aurora apart: microphones and hearing aids first; beamforming too, but lower: each Bulk
    # report mentions it once.
    assert terms[:2] == ["microphone", "hearing aid"], terms
    assert terms.index("beamforming") > terms.index("microphone array"), terms
    assert "loudspeaker" not in terms and "reverberation time" not in terms
    # Both charts: an image with a name, and the numbers as a table.
    for chart in ("chart-areas", "chart-years"):
        assert re.search(rf'<svg class="bars" role="img" aria-labelledby="{chart}-title"', page)
        assert re.search(rf'<title id="{chart}-title">Documents per [a-z ]+</title>', page)
    years = re.search(r'id="chart-years".*?</figure>', page, re.S).group(0)
    assert re.findall(r"<rect ", years).__len__() == 3  # 2021, 2022 (none), 2023
    assert re.findall(r">(\d{4})</a></th><td>(\d+)</td>", years) == [("2021", "1"), ("2023", "1")]


def test_an_author_page_merges_spellings_and_a_slug_of_a_spelling_redirects(world):
    client = client_as(world, "anonymous")
    page = text(client, "/authors/anne-jensen")
    assert entity_count(page) == 3  # "Jensen, Anne", "Anne Jensen" and the only Jensen with initials, "A. Jensen"
    assert "Reverberation time in classrooms" in page
    assert listed(page, "orgs") == ["Aurora Hearing A/S", "Kattegat University", "Støjfri Rådgivning A/S"]
    assert listed(page, "coauthors") == ["Peter Holm"]
    for spelling_slug in ("jensen-anne", "a-jensen"):  # jensen-anne is nobody's slug: 404
        response = client.get(f"/authors/{spelling_slug}")
        assert response.status_code == (302 if spelling_slug == "a-jensen" else 404)
    assert client.get("/authors/a-jensen").headers["Location"].endswith("/authors/anne-jensen")


def test_hits_and_document_pages_link_to_the_organisations_and_authors(world):
    client = client_as(world, "anonymous")
    page = text(client, "/search?q=beamforming+hearing")
    hit = re.search(r'<li class="hit".*?</li>', page, re.S).group(0)
    assert 'href="/orgs/aurora-hearing-a-s">Aurora Hearing A/S</a>; <a href="/orgs/kattegat-university"' in hit
    assert '<a href="/authors/anne-jensen">Jensen, Anne</a>' in hit
    assert 'id="who-works" href="/experts?q=beamforming+hearing"' in page
    doc = re.search(r'href="(/doc/[0-9a-f]+)">Beamforming for hearing aids', page).group(1)
    page = text(client, doc)
    assert '<a href="/orgs/kattegat-university">Kattegat University</a>' in page
    assert '<a href="/authors/peter-holm">Peter Holm</a>' in page


def test_experts_rank_by_evidence_not_by_volume(world):
    """Bulk Acoustics has seven documents that mention beamforming once; Aurora two about it. Ranked by their
    number, or by the plain sum of their scores, Bulk would come first."""
    client = client_as(world, "anonymous")
    data = client.get("/api/experts?q=beamforming").get_json()
    orgs = [o["name"] for o in data["organisations"]]
    assert orgs.index("Aurora Hearing A/S") < orgs.index("Bulk Acoustics ApS")
    bulk = next(o for o in data["organisations"] if o["name"] == "Bulk Acoustics ApS")
    assert bulk["matching"] == 7 and len(bulk["evidence"]) == 3  # the best three make its case
    aurora = data["organisations"][0]
    assert aurora["name"] == "Aurora Hearing A/S" and aurora["url"] == "/orgs/aurora-hearing-a-s"
    assert [e["evidence"] for e in aurora["evidence"]] == sorted(
        (e["evidence"] for e in aurora["evidence"]), reverse=True
    )
    assert data["authors"][0]["name"] == "Anne Jensen"
    assert data["authors"][0]["slug"] == "anne-jensen"
    page = text(client, "/experts?q=beamforming")
    assert page.index('href="/orgs/aurora-hearing-a-s"') < page.index('href="/orgs/bulk-acoustics-aps"')
    assert re.search(r'<ol class="experts" id="experts-orgs">\s*<li>\s*<a class="expert" href="/orgs/aurora', page)


def test_experts_take_the_search_query_language_and_crosslanguage_expansion(world):
    client = client_as(world, "anonymous")
    danish = client.get("/api/experts?q=str%C3%A5leformning").get_json()  # Danish for beamforming
    assert danish["expansion"] and danish["organisations"][0]["name"] == "Aurora Hearing A/S"
    assert client.get("/api/experts?q=str%C3%A5leformning&crosslang=0").get_json()["total"] == 0
    excluded = client.get("/api/experts?q=beamforming+-capsules+-loudspeaker").get_json()
    assert [o["name"] for o in excluded["organisations"]] == ["Aurora Hearing A/S", "Kattegat University"]
    assert client.get("/api/experts?q=").get_json()["organisations"] == []
    assert client.get("/api/experts?q=beamforming&limit=1").get_json()["organisations"].__len__() == 1
    for bad in ("x", "0", "51", "²"):
        refused = client.get(f"/api/experts?q=beamforming&limit={bad}")
        assert refused.status_code == 400 and refused.get_json()["error"]["param"] == "limit"
    assert client.get("/api/experts?q=beamforming&area=nowhere").get_json()["error"]["param"] == "area"
    page = text(client, "/experts?q=%3Cscript%3E")
    assert "<script>" not in page.split("</header>")[1]


@pytest.mark.parametrize("role", ["anonymous", "member", "staff"])
def test_no_page_of_people_reveals_what_the_visitor_may_not_see(world, role):
    client = client_as(world, role)
    levels = LEVELS[role]
    staff, members = "staff" in levels, "members" in levels

    orgs = text(client, "/orgs")
    assert ("Zyxorg" in orgs) == staff
    assert re.search(r'href="/orgs/aurora-hearing-a-s">Aurora Hearing A/S</a> <span class="count">(\d+)', orgs)[
        1
    ] == str(2 + members + staff)
    assert client.get("/orgs/zyxorg").status_code == (200 if staff else 404)
    assert client.get("/authors/zelda-quorum").status_code == (200 if staff else 404)

    aurora = text(client, "/orgs/aurora-hearing-a-s")
    assert entity_count(aurora) == 2 + members + staff
    assert ("Zyxorg" in listed(aurora, "copublishers")) == staff
    assert ("Zelda Quorum" in listed(aurora, "authors")) == staff
    assert ("tinnitus" in aurora) == staff  # its characteristic terms
    assert (">2025</a></th>" in aurora) == staff and (">2024</a></th>" in aurora) == members
    assert (STAFF_WORD in aurora) == staff and (MEMBER_WORD in aurora) == members

    anne = text(client, "/authors/anne-jensen")
    assert entity_count(anne) == 3 + members + staff
    assert ("Zelda Quorum" in listed(anne, "coauthors")) == staff
    assert ("Zyxorg" in listed(anne, "orgs")) == staff

    found = client.get(f"/api/experts?q={STAFF_WORD}").get_json()
    assert found["total"] == int(staff)
    assert [o["name"] for o in found["organisations"]] == (["Aurora Hearing A/S", "Zyxorg"] if staff else [])
    assert ("Zelda Quorum" in {a["name"] for a in found["authors"]}) == staff
    page = text(client, f"/experts?q={STAFF_WORD}")
    assert ("Zyxorg" in page) == staff and ("Zelda" in page) == staff
    shared = client.get("/api/experts?q=beamforming").get_json()
    aurora_expert = next(o for o in shared["organisations"] if o["name"] == "Aurora Hearing A/S")
    assert aurora_expert["matching"] == 2 + members  # the staff report does not mention beamforming
    assert aurora_expert["documents"] == 2 + members + staff
    assert all(MEMBER_WORD not in e["title"] or members for o in shared["organisations"] for e in o["evidence"])


def test_organisations_whose_names_fold_alike_both_have_pages(hub, tmp_path):
    from ingest.pipeline import Explicit
    from search.names import suffixed_slug

    for n, org in enumerate(("Hørecenter Syd", "Horecenter Syd")):
        path = tmp_path / f"doc{n}.txt"
        path.write_text(f"Hearing clinic report {n}\n\nThe clinic fitted hearing aids for {n + 2} hundred patients.")
        assert hub.ingestor.ingest_paths([path], Explicit(org=org)).summary()["added"] == 1
    client = create_app(hub, TESTING=True).test_client()
    orgs = dict(re.findall(r'<a href="/orgs/([^"]+)">([^<]+)</a>', text(client, "/orgs")))
    assert orgs["horecenter-syd"] == "Horecenter Syd"  # first in sorted order keeps the plain slug
    suffixed = next(slug for slug, name in orgs.items() if name == "Hørecenter Syd")
    assert suffixed.startswith("horecenter-syd-")
    assert "<h1>Hørecenter Syd</h1>" in text(client, f"/orgs/{suffixed}")
    assert "<h1>Horecenter Syd</h1>" in text(client, "/orgs/horecenter-syd")
    # Every organisation also answers to its suffixed slug (a link made during a collision keeps working).
    response = client.get(f"/orgs/{suffixed_slug('Horecenter Syd')}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/orgs/horecenter-syd")


def test_an_index_built_before_the_author_column_keeps_taking_saves(hub, tmp_path):
    """Upgrading must not stop uploads until `skh reindex`: the new column is left out meanwhile."""
    from whoosh import index as whoosh_index
    from whoosh.fields import Schema

    from ingest.check import check
    from ingest.pipeline import Explicit
    from search import make_live
    from search.schema import build_schema

    new = build_schema()
    old = Schema(**{name: new[name] for name in new.names() if name != "author_name"})
    folder = hub.datadir.index / "gen-old"
    folder.mkdir(parents=True)
    whoosh_index.create_in(str(folder), old)
    make_live(hub.datadir.index, folder)
    path = tmp_path / "report.txt"
    path.write_text("Beamforming report\n\nAuthors: Anne Jensen\n\nBeamforming arrays were tested in canteens.")
    report = hub.ingestor.ingest_paths([path], Explicit(org="Aurora Hearing A/S"))
    assert report.summary()["added"] == 1, report.failed
    client = create_app(hub, TESTING=True).test_client()
    assert client.get("/api/search?q=beamforming").get_json()["total"] == 1
    assert client.get("/orgs/aurora-hearing-a-s").status_code == 200
    findings = {f.name: f for f in check(hub.datadir, hub.catalog, held=(), grace_s=0).findings}
    assert not findings["schema"].ok  # skh check says: reindex
