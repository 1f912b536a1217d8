"""What crawlers and browsers ask every site for: the sitemap (and its index past one file), robots.txt and
the favicon. Which documents the sitemap lists per visitor is in tests/test_exports_access.py."""

from __future__ import annotations

import pytest
from lxml import etree

from web.settings import Settings

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
URLSET, INDEX = (f"{{{NS['s']}}}{name}" for name in ("urlset", "sitemapindex"))


def locations(client, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.mimetype == "application/xml"
    root = etree.fromstring(response.get_data())
    assert root.tag == URLSET
    return root.xpath("//s:url/s:loc/text()", namespaces=NS)


def test_the_sitemap_lists_the_main_pages_and_every_public_document(client, mini_hub):
    found = locations(client, "/sitemap.xml")
    docs = sorted(doc.id for doc in mini_hub.catalog.all())
    assert found[0] == "http://localhost/"
    assert "http://localhost/areas/hearing-health" in found
    assert sorted(u.rsplit("/", 1)[1] for u in found if "/doc/" in u) == docs
    root = etree.fromstring(client.get("/sitemap.xml").get_data())
    assert all(len(m) == 10 for m in root.xpath("//s:lastmod/text()", namespaces=NS))  # W3C dates


def test_past_one_file_the_sitemap_is_an_index_of_numbered_files(client, mini_hub, monkeypatch):
    from web import sitemap

    monkeypatch.setattr(sitemap, "URLS_PER_FILE", 3)
    root = etree.fromstring(client.get("/sitemap.xml").get_data())
    assert root.tag == INDEX
    files = root.xpath("//s:sitemap/s:loc/text()", namespaces=NS)
    assert files == [f"http://localhost/sitemaps/{n}.xml" for n in (1, 2, 3)]  # 8 documents, 3 a file
    found = [u for f in files for u in locations(client, f.removeprefix("http://localhost"))]
    docs = [u.rsplit("/", 1)[1] for u in found if "/doc/" in u]
    assert sorted(docs) == sorted(doc.id for doc in mini_hub.catalog.all())
    assert "http://localhost/" in locations(client, "/sitemaps/1.xml")
    assert client.get("/sitemaps/4.xml").status_code == 404
    assert client.get("/sitemaps/0.xml").status_code == 404


def test_robots_keeps_crawlers_off_staff_pages_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/upload", "/admin/", "/doc/*/edit", "/doc/*/delete", "/doc/*/history", "/trash", "/login"):
        assert f"Disallow: {path}" in lines
    assert "Sitemap: http://localhost/sitemap.xml" in lines
    assert not any(line == "Disallow: /" or line.startswith("Disallow: /doc/*/original") for line in lines)


def test_the_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert etree.fromstring(response.get_data()).tag == "{http://www.w3.org/2000/svg}svg"
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    assert client.get("/static/favicon.svg").status_code == 200


def test_sitemap_and_robots_use_the_public_url(mini_hub):
    from web.app import create_app

    client = create_app(mini_hub, TESTING=True, SKH_PUBLIC_URL="https://hub.example.dk").test_client()
    assert "Sitemap: https://hub.example.dk/sitemap.xml" in client.get("/robots.txt").get_data(as_text=True)
    assert all(u.startswith("https://hub.example.dk/") for u in locations(client, "/sitemap.xml"))


@pytest.mark.parametrize("value", ["hub.example.dk", "ftp://hub.example.dk", "https://hub.example.dk/?x=1"])
def test_a_public_url_that_is_not_an_http_address_stops_the_start(value):
    with pytest.raises(ValueError, match="SKH_PUBLIC_URL"):
        Settings.from_env({"SKH_PUBLIC_URL": value})
    assert Settings.from_env({"SKH_PUBLIC_URL": "https://hub.example.dk/"}).web.public_url == "https://hub.example.dk"


def test_a_work_is_listed_once_by_the_page_its_other_members_name_canonical(hub, tmp_path):
    """Two formats of one report (grouped by ingest) and an older public edition under a newer members-only
    one: the sitemap lists the HTML (the preferred format), not its Markdown, and the public old edition,
    which is the work's page for the public."""
    from pathlib import Path

    from ingest import works
    from tests.works_support import html, markdown, report_text, revised
    from web.app import create_app

    folder = tmp_path / "in"
    folder.mkdir()
    body = report_text(31)
    (folder / "r.md").write_bytes(markdown("Port noise in small cabinets", body))
    (folder / "r.html").write_bytes(html("Port noise in small cabinets", body))
    ids = {Path(o.path).suffix: o.id for o in hub.ingestor.ingest_paths([folder]).outcomes}
    (tmp_path / "old.md").write_bytes(markdown("Reverberation in classrooms", report_text(32), year=2020))
    (tmp_path / "new.md").write_bytes(markdown("Reverberation in classrooms (2nd ed.)", revised(body, 0.1, 3)))
    (old,) = hub.ingestor.ingest_paths([tmp_path / "old.md"]).outcomes
    (new,) = hub.ingestor.ingest_paths([tmp_path / "new.md"]).outcomes
    with hub.catalog.transaction() as conn:
        works.link(conn, new.id, old.id, "version", "staff@cluster.example")
        conn.execute("UPDATE documents SET visibility = 'members' WHERE id = ?", (new.id,))

    client = create_app(hub, TESTING=True).test_client()
    listed = {u.rsplit("/", 1)[1] for u in locations(client, "/sitemap.xml") if "/doc/" in u}
    assert listed == {ids[".html"], old.id}
    page = client.get(f"/doc/{ids['.md']}").get_data(as_text=True)
    assert f'rel="canonical" href="http://localhost/doc/{ids[".html"]}"' in page
    assert 'rel="canonical"' not in client.get(f"/doc/{old.id}").get_data(as_text=True)
