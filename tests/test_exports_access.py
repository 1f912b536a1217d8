"""Feeds, the sitemap and citation exports never reveal a document to someone who may not see it.

Feeds and the sitemap are public files: they list public documents only, even when a member's or staff
session cookie comes with the request. Citation exports are downloaded in the visitor's own browser and hold
what that visitor may see. The hidden documents carry unique words, so a leak shows as a word or an id.
"""

from __future__ import annotations

import feedparser
import pytest

from ingest.pipeline import Explicit
from tests.accounts_support import login, make_users
from web.app import create_app

STAFF_WORD = "quixotrombone"
MEMBER_WORD = "zephyrlattice"
ORG = "Hørecenter Syd"  # also the organisation of two public documents of the mini corpus
LEVELS = {"anonymous": {"public"}, "member": {"public", "members"}, "staff": {"public", "members", "staff"}}


@pytest.fixture
def world(mini_hub, tmp_path):
    """The mini corpus (public) plus one members-only and one staff-only document of a public organisation,
    in a public area, newer than every public document."""
    ids = {}
    for level, word in (("staff", STAFF_WORD), ("members", MEMBER_WORD)):
        path = tmp_path / f"{level}.txt"
        path.write_text(
            f"Briefing on the {word} hearing aid programme\n\nThe {word} programme fits hearing aids remotely "
            "and reviews the revenue of the loudspeaker factory.",
            encoding="utf-8",
        )
        explicit = Explicit(visibility=level, areas=["hearing-health"], org=ORG, year=2030, authors=[f"{word} Holm"])
        outcome = mini_hub.ingestor.ingest_paths([path], explicit).outcomes[0]
        assert outcome.id, outcome.reason
        ids[level] = outcome.id
    return mini_hub, ids, make_users(mini_hub)


def client_as(hub, emails, role):
    client = create_app(hub, TESTING=True).test_client()
    if role != "anonymous":
        assert login(client, emails[role]).status_code == 302
    return client


ROLES = ["anonymous", "member", "staff"]
FEEDS = [
    "/feeds/search.atom",
    f"/feeds/search.atom?q={STAFF_WORD}",
    f"/feeds/search.atom?q={MEMBER_WORD}",
    "/feeds/search.atom?q=hearing+aid&area=hearing-health",
    "/feeds/areas/hearing-health.atom",
    f"/feeds/org.atom?org={ORG}",
]


@pytest.mark.parametrize("role", ROLES)
def test_feeds_list_public_documents_whatever_the_session(world, role):
    hub, ids, emails = world
    client = client_as(hub, emails, role)
    if role != "anonymous":  # the session is real: the same client sees the hidden documents on the API
        assert client.get(f"/api/search?q={MEMBER_WORD}").get_json()["total"] == 1
    for path in FEEDS:
        body = client.get(path).get_data()
        feed = feedparser.parse(body)
        assert not feed.bozo, path
        entries = repr(feed.entries)  # the feed's own title and address may repeat the query's words
        assert STAFF_WORD not in entries and MEMBER_WORD not in entries, (role, path)
        for doc_id in ids.values():
            assert doc_id.encode() not in body, (role, path)
        if STAFF_WORD in path or MEMBER_WORD in path:
            assert feed.entries == [], (role, path)
        if "org.atom" in path or "areas/" in path:
            assert len(feed.entries) == (2 if "org.atom" in path else 3)  # the public ones are all there


@pytest.mark.parametrize("role", ROLES)
def test_the_sitemap_lists_public_documents_whatever_the_session(world, role):
    hub, ids, emails = world
    body = client_as(hub, emails, role).get("/sitemap.xml").get_data(as_text=True)
    for doc_id in ids.values():
        assert doc_id not in body
    public = client_as(hub, emails, "anonymous").get("/api/search?per_page=100").get_json()
    assert body.count("/doc/") == public["total"] == 8


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("ext", ["bib", "ris", "json"])
def test_citation_exports_hold_what_the_visitor_may_see(world, role, ext):
    hub, ids, emails = world
    client = client_as(hub, emails, role)
    levels = LEVELS[role]
    for level, doc_id in ids.items():
        response = client.get(f"/doc/{doc_id}/cite.{ext}")
        assert response.status_code == (200 if level in levels else 404), (role, level)
    for scope in ("", "&scope=all"):
        body = client.get(f"/search/cite.{ext}?q=hearing+aid{scope}").get_data(as_text=True)
        assert (STAFF_WORD in body) == ("staff" in levels), (role, scope)
        assert (MEMBER_WORD in body) == ("members" in levels), (role, scope)
    everything = client.get(f"/search/cite.{ext}?scope=all")
    assert everything.headers["X-Result-Total"] == str(8 + len(levels) - 1)
    for level, doc_id in ids.items():
        assert (doc_id in everything.get_data(as_text=True)) == (level in levels), (role, level)
