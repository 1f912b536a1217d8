"""Atom feeds parsed by feedparser: well-formed, with Atom's required elements, newest first, bounded, and
announced on the pages they mirror. Visibility of feeds is in tests/test_exports_access.py."""

from __future__ import annotations

import re

import feedparser
import pytest

ATOM = "application/atom+xml"


def read_feed(client, path: str):
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.mimetype == ATOM
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo, (path, feed.get("bozo_exception"))
    assert feed.version == "atom10"
    # Atom's required elements (RFC 4287): the feed's id, title and updated, each entry's id, title, updated and
    # (having no content) an alternate link.
    for name in ("id", "title", "updated"):
        assert feed.feed.get(name), (path, name)
    for entry in feed.entries:
        for name in ("id", "title", "updated", "link"):
            assert entry.get(name), (path, name)
    return feed


def test_the_search_feed_is_the_search_newest_first(client):
    # By relevance this search gives 2021, 2019, 2024: the feed lists the same documents by date.
    feed = read_feed(client, "/feeds/search.atom?q=audio+OR+hearing&year_from=2019&sort=relevance")
    hits = client.get("/api/search?q=audio+OR+hearing&year_from=2019&sort=newest").get_json()["hits"]
    assert [e.link.rsplit("/", 1)[1] for e in feed.entries] == [h["id"] for h in hits]
    assert [h["year"] for h in hits] == [2024, 2021, 2019]
    assert feed.feed.title == "Sound Knowledge Hub: “audio OR hearing”, Year: 2019–…"
    english = read_feed(client, "/feeds/search.atom?q=hearing+aids&lang=en")
    assert english.feed.title == "Sound Knowledge Hub: “hearing aids”, Language: English"
    assert {e.title for e in english.entries} == {"Beamforming in hearing aids", "Remote fitting of hearing aids"}


def test_entries_carry_authors_summary_categories_and_stable_ids(client, mini_hub):
    feed = read_feed(client, "/feeds/areas/hearing-health.atom")
    assert {e.title for e in feed.entries} == {
        "Beamforming in hearing aids",
        "Remote fitting of hearing aids",
        "Høreapparater og ældre brugere",
    }
    entry = next(e for e in feed.entries if e.title == "Høreapparater og ældre brugere")
    doc = mini_hub.catalog.get(entry.link.rsplit("/", 1)[1])
    assert entry.link == f"http://localhost/doc/{doc.id}"
    assert [a.name for a in entry.authors] == doc.authors == ["Anna Jensen", "Lars Holm"]
    assert entry.published.startswith("2020-03-01")
    assert [t.term for t in entry.tags] == ["hearing-health"]
    assert not doc.abstract and "summary" not in entry  # no abstract, no summary (the next test has one)
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", entry.id)
    again = read_feed(client, "/feeds/search.atom?q=høreapparater")
    assert entry.id in {e.id for e in again.entries}  # the same document, the same id in every feed
    assert read_feed(client, "/feeds/areas/hearing-health.atom").feed.id == feed.feed.id


def test_the_summary_is_the_abstract_as_plain_text(mini_hub, tmp_path):
    import json

    from ingest.pipeline import Explicit
    from web.app import create_app

    path = tmp_path / "abstracted.txt"
    path.write_text("Bass traps in small studios were measured before and after treatment.", encoding="utf-8")
    abstract = "Bass traps <b>cut</b> room modes & flutter echo by 6 dB."
    meta = {"title": "Bass traps", "abstract": abstract, "date": "2030-01-02", "areas": ["acoustics-noise"]}
    (tmp_path / "abstracted.txt.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    mini_hub.ingestor.ingest_paths([path], Explicit(visibility="public"))
    client = create_app(mini_hub, TESTING=True).test_client()
    response = client.get("/feeds/areas/acoustics-noise.atom")
    assert b"<summary>Bass traps &lt;b&gt;cut&lt;/b&gt; room modes &amp; flutter" in response.get_data()
    first = read_feed(client, "/feeds/areas/acoustics-noise.atom").entries[0]
    assert first.title == "Bass traps"  # dated 2030: the newest comes first


def test_the_organisation_feed_takes_the_exact_name(client):
    feed = read_feed(client, "/feeds/org.atom?org=Hørecenter+Syd")
    assert {e.title for e in feed.entries} == {"Remote fitting of hearing aids", "Høreapparater og ældre brugere"}
    assert feed.feed.title == "Sound Knowledge Hub: Hørecenter Syd"
    assert read_feed(client, "/feeds/org.atom?org=Hørecenter").entries == []
    assert client.get("/feeds/org.atom").status_code == 404


def test_feeds_are_bounded(client, monkeypatch):
    from web.views import feeds

    monkeypatch.setattr(feeds, "FEED_ENTRIES", 3)
    feed = read_feed(client, "/feeds/search.atom")
    newest = client.get("/api/search?sort=newest").get_json()["hits"][:3]
    assert [e.link.rsplit("/", 1)[1] for e in feed.entries] == [h["id"] for h in newest]


@pytest.mark.parametrize(
    ("page", "feed"),
    [
        ("/search?q=hearing&area=hearing-health", "/feeds/search.atom?q=hearing&amp;area=hearing-health"),
        ("/areas/audio-tech", "/feeds/areas/audio-tech.atom"),
    ],
)
def test_pages_announce_their_feed(client, page, feed):
    html = client.get(page).get_data(as_text=True)
    link = re.search(r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="([^"]+)">', html)
    assert link and link.group(1) == feed
    read_feed(client, feed.replace("&amp;", "&"))


def test_unknown_area_feed_is_404(client):
    assert client.get("/feeds/areas/no-such-area.atom").status_code == 404


def test_feed_addresses_follow_the_public_url(mini_hub):
    from web.app import create_app

    client = create_app(mini_hub, TESTING=True, SKH_PUBLIC_URL="https://hub.example.dk").test_client()
    feed = read_feed(client, "/feeds/areas/audio-tech.atom")
    assert all(e.link.startswith("https://hub.example.dk/doc/") for e in feed.entries)
    assert feed.feed.links[0].href == "https://hub.example.dk/feeds/areas/audio-tech.atom"  # rel="self"
