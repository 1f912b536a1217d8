"""The organisation, author and experts pages in a real Chromium against a real server (issue #17): they
render, their links lead where they say, the charts are images with names, and axe finds nothing on them."""

from __future__ import annotations

import re

import pytest

from tests.browser_support import axe_violations, open_page, require_chromium, served
from tests.conftest import ROOT
from tests.people_support import ingest_people_corpus
from web.hub import Hub

pytestmark = pytest.mark.browser

require_chromium()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser-people")
    hub = Hub.open(root / "data", taxonomy=str(ROOT / "corpus" / "areas.toml"))
    ingest_people_corpus(hub, root / "corpus")
    with served(hub.datadir.root) as base:
        yield base


@pytest.fixture
def page(browser):
    with open_page(browser, locale="en-GB") as found:
        yield found


def chart_names(page) -> list[str]:
    """The accessible name of each chart: the text of the element its aria-labelledby names."""
    names = []
    for svg in page.locator('svg[role="img"]').all():
        label = svg.get_attribute("aria-labelledby")
        names.append(page.locator(f"#{label}").text_content())
    return names


def test_from_a_search_to_the_organisation_its_author_and_back(page, server):
    page.goto(server + "/search?q=beamforming+hearing")
    page.locator("li.hit").first.locator('.org a:text-is("Kattegat University")').click()
    page.wait_for_url(re.compile(r"/orgs/kattegat-university$"))
    assert page.locator("h1").inner_text() == "Kattegat University"
    assert page.locator("#entity-count").inner_text() == "1"
    assert chart_names(page) == ["Documents per strength area", "Documents per year"]
    assert page.locator("#chart-areas rect").count() == 5  # one bar per strength area
    counts = page.locator("#chart-areas table td").all_inner_texts()
    assert len(counts) == 5 and counts[3] == "1"  # signal processing (the classifier may add hearing & health)

    page.locator('#copublishers a:text-is("Aurora Hearing A/S")').click()
    page.wait_for_url(re.compile(r"/orgs/aurora-hearing-a-s$"))
    assert page.locator("#entity-count").inner_text() == "2"
    page.locator('#authors a:text-is("Anne Jensen")').click()
    page.wait_for_url(re.compile(r"/authors/anne-jensen$"))
    assert page.locator("#entity-count").inner_text() == "3"
    assert "A. Jensen" in page.locator("#spellings").inner_text()
    page.locator('#orgs a:text-is("Støjfri Rådgivning A/S")').click()
    page.wait_for_url(re.compile(r"/orgs/stojfri-radgivning-a-s$"))
    page.locator('.hit h3 a:text-is("Reverberation time in classrooms")').click()
    page.wait_for_url(re.compile(r"/doc/[0-9a-f]+$"))
    page.locator('.docmeta .authors a:text-is("A. Jensen")').click()  # the spelling leads to the merged person
    page.wait_for_url(re.compile(r"/authors/anne-jensen$"))


def test_who_works_on_this_leads_from_a_search_to_the_experts(page, server):
    page.goto(server + "/search?q=beamforming")
    page.click("#who-works")
    page.wait_for_url(re.compile(r"/experts\?q=beamforming$"))
    assert page.locator("#experts-orgs > li .expert").first.inner_text() == "Aurora Hearing A/S"
    assert page.locator("#experts-authors > li .expert").first.inner_text() == "Anne Jensen"
    assert page.locator("#experts-orgs > li").first.locator(".evidence a").count() == 2
    page.locator("#experts-orgs > li").first.locator(".evidence a").first.click()
    page.wait_for_url(re.compile(r"/doc/[0-9a-f]+$"))
    page.go_back()
    page.fill('main input[name="q"]', "reverberation classrooms")
    page.press('main input[name="q"]', "Enter")
    page.wait_for_url(re.compile(r"/experts\?q=reverberation\+classrooms"))
    page.locator("#experts-authors .expert").first.click()
    page.wait_for_url(re.compile(r"/authors/anne-jensen$"))


@pytest.mark.parametrize("locale", ["en-GB", "da-DK"])
def test_axe_finds_nothing_on_the_people_pages(browser, server, locale):
    context = browser.new_context(locale=locale)
    page = context.new_page()
    found = {}
    try:
        for path in ("/orgs", "/orgs/aurora-hearing-a-s", "/authors/anne-jensen", "/experts?q=beamforming"):
            page.goto(server + path)
            assert page.locator("main h1").count() == 1
            found[path] = axe_violations(page)
        page.goto(server + "/orgs/aurora-hearing-a-s")
        expected = ["Documents per strength area", "Documents per year"]
        if locale == "da-DK":
            expected = ["Dokumenter pr. styrkeområde", "Dokumenter pr. år"]
        assert chart_names(page) == expected
    finally:
        context.close()
    assert found == {path: [] for path in found}
