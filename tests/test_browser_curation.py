"""Staff curation in a real Chromium against a real server (issue #19): every field edited through the form
(the date widget too) is saved, searchable and in the history; delete asks first, and the trash restores.
The staff pages' accessibility is checked in tests/test_browser_pages.py."""

from __future__ import annotations

import pytest

from ingest.catalog import Catalog
from ingest.pipeline import Explicit
from tests.accounts_support import make_users
from tests.browser_support import log_in, open_page, require_chromium, served
from tests.conftest import ROOT, write_mini_corpus
from web.hub import Hub

pytestmark = pytest.mark.browser

require_chromium()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser-curation")
    hub = Hub.open(root / "data", taxonomy=str(ROOT / "corpus" / "areas.toml"))
    hub.ingestor.ingest_paths([write_mini_corpus(root / "mini")], Explicit(visibility="public"))
    make_users(hub)
    with served(hub.datadir.root) as base:
        yield base, hub.datadir.catalog


@pytest.fixture
def page(browser, site):
    base, _ = site
    with open_page(browser, locale="en-GB") as found:
        log_in(found, base, "staff@cluster.example")
        yield found


def open_document(page, base: str, query: str) -> str:
    page.goto(f"{base}/search?q={query}")
    page.locator("li.hit h3 a").first.click()
    page.wait_for_load_state()
    return page.url.rsplit("/", 1)[-1]


def test_every_field_edited_through_the_form_is_saved_searchable_and_in_the_history(page, site):
    base, catalog_path = site
    doc_id = open_document(page, base, "woofer")
    page.click("text=Edit metadata")
    page.fill('input[name="title"]', "Subwoofer excursion limits")
    page.fill('input[name="authors"]', "Maja Krog; Peter Dahl")
    page.fill('input[name="org"]', "Nordlyd Acoustics A/S; Kattegat University")
    page.fill('input[name="date"]', "2019-11-04")  # the browser's date widget
    page.fill('input[name="year"]', "2019")
    page.fill('input[name="type"]', "thesis")
    page.select_option('select[name="lang"]', "da")
    page.fill('textarea[name="abstract"]', "Grænser for membranens udsving i subwoofere.")
    page.fill('input[name="doi"]', "doi:10.5555/sub.2019")
    page.fill('input[name="url"]', "https://nordlyd.example/sub")
    page.check('input[name="areas"][value="signal-processing"]')
    page.uncheck('input[name="areas"][value="audio-tech"]')
    page.select_option('select[name="visibility"]', "members")
    page.click('form.stacked button[type="submit"]')
    page.wait_for_url(f"{base}/doc/{doc_id}")
    assert page.locator(".flash").inner_text() == "Saved."
    assert page.locator("h1").inner_text() == "Subwoofer excursion limits"
    assert page.locator("a.weburl").get_attribute("href") == "https://nordlyd.example/sub"

    doc = Catalog(catalog_path).get(doc_id)
    assert (doc.title, doc.authors, doc.org) == (
        "Subwoofer excursion limits",
        ["Maja Krog", "Peter Dahl"],
        "Nordlyd Acoustics A/S; Kattegat University",
    )
    assert (doc.date, doc.year, doc.type, doc.lang) == ("2019-11-04", 2019, "thesis", "da")
    assert (doc.abstract, doc.doi, doc.url) == (
        "Grænser for membranens udsving i subwoofere.",
        "10.5555/sub.2019",
        "https://nordlyd.example/sub",
    )
    assert (doc.areas, doc.visibility) == (["signal-processing"], "members")

    page.goto(f"{base}/search?q=subwoofer+excursion+limits")
    assert page.locator("li.hit h3 a").first.inner_text() == "Subwoofer excursion limits"
    page.goto(f"{base}/doc/{doc_id}")
    page.click("text=Change history")
    changes = page.locator("ol.history ul.changes li").all_inner_texts()
    assert "Title: Woofer distortion at high excursion → Subwoofer excursion limits" in changes
    assert "DOI: – → 10.5555/sub.2019" in changes
    assert len(changes) == 12  # every field


def test_delete_asks_first_and_the_trash_restores(page, site):
    base, catalog_path = site
    doc_id = open_document(page, base, "reverberation")
    title = page.locator("h1").inner_text()
    page.click("text=Delete…")
    assert page.locator("h1").inner_text() == "Delete this document?"
    page.click("text=Cancel")  # changing one's mind leaves it alone
    page.wait_for_url(f"{base}/doc/{doc_id}/edit")
    page.goto(f"{base}/doc/{doc_id}/delete")
    page.click('button:has-text("Move to trash")')
    page.wait_for_url(f"{base}/trash")
    assert page.locator(".flash").inner_text() == f"Moved “{title}” to the trash."
    assert page.locator("ul.trash h2").all_inner_texts() == [title]
    assert Catalog(catalog_path).get(doc_id) is None
    assert page.goto(f"{base}/doc/{doc_id}").status == 404
    page.goto(f"{base}/search?q=reverberation")
    assert page.locator("li.hit").count() == 0

    page.goto(f"{base}/trash")
    page.click('button:has-text("Restore")')
    page.wait_for_url(f"{base}/doc/{doc_id}")
    assert page.locator("h1").inner_text() == title
    page.goto(f"{base}/search?q=reverberation")
    assert page.locator("li.hit h3 a").first.inner_text() == title
    page.goto(f"{base}/trash")
    assert page.locator("ul.trash").count() == 0 and "The trash is empty." in page.content()
