"""The search page's filters (issue #18) in a real Chromium against a real server: on a phone the results come
first and the filters open from "Filters (n)" (with and without script), a year range narrows the results, a
long facet shows its top values until "more" is used and its box narrows the list, and checkboxes work from
the keyboard with the new count announced.

The people corpus (tests/people_support.py) plus twelve public reports on foghorns, each by an organisation of
its own, so the organisation facet is long.
"""

from __future__ import annotations

import re
import textwrap

import pytest

from ingest.pipeline import Explicit
from tests.accounts_support import make_users
from tests.browser_support import open_page, require_chromium, served
from tests.conftest import ROOT
from tests.people_support import ingest_people_corpus
from web.hub import Hub

pytestmark = pytest.mark.browser

require_chromium()

LIGHTHOUSES = [f"Lighthouse Keepers {n:02d} ApS" for n in range(1, 13)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser-facets")
    hub = Hub.open(root / "data", taxonomy=str(ROOT / "corpus" / "areas.toml"))
    ingest_people_corpus(hub, root / "corpus")
    folder = root / "foghorns"
    folder.mkdir()
    for n, org in enumerate(LIGHTHOUSES, start=1):
        text = f"""\
            ---
            title: "Foghorn range study {n}"
            organisation: "{org}"
            date: 2016-0{1 + n % 9}-01
            type: report
            language: en
            ---
            # Foghorn range study {n}
            A foghorn of {100 + n} Hz was heard {n} km away over calm water.
            """
        (folder / f"foghorn-{n}.md").write_text(textwrap.dedent(text), encoding="utf-8")
    report = hub.ingestor.ingest_paths([folder], Explicit(visibility="public"))
    assert report.summary()["added"] == len(LIGHTHOUSES), report.failed
    make_users(hub)
    with served(hub.datadir.root) as base:
        yield base


def total(page) -> int:
    return int(re.search(r"\d+", page.locator("#total").inner_text()).group())


def focused(page) -> dict[str, str]:
    return page.evaluate(
        "() => { const e = document.activeElement; return {tag: e.tagName, name: e.name || '', value: e.value || '',"
        " id: e.id || '', text: e.innerText || ''}; }"
    )


def test_on_a_phone_results_come_first_and_the_filters_open_from_their_button(browser, server):
    with open_page(browser, viewport=PHONE, locale="en-GB") as page:
        page.goto(server + "/search?q=beamforming")
        first = page.locator("li.hit h3").first.bounding_box()
        button = page.locator("button.filtertoggle")
        assert button.is_visible() and button.inner_text() == "Filters"
        assert button.get_attribute("aria-expanded") == "false"
        assert page.locator(".filterlink").is_hidden()  # the script's button stands in for the link
        assert first["y"] + first["height"] < PHONE["height"]  # the first result's title is on the first screen...
        assert page.locator("#filters-form").is_hidden()  # ...and the filters are not in the way
        assert button.bounding_box()["y"] < first["y"]
        assert total(page) == 9

        button.click()
        assert button.get_attribute("aria-expanded") == "true"
        assert focused(page)["id"] == "filters-title"  # the panel's heading, so a screen reader starts there
        assert page.locator("header.top").evaluate("e => e.inert")  # Tab stays in the panel over the page
        aurora = page.locator('[data-facet="org"] input[value="Aurora Hearing A/S"]')
        assert aurora.is_visible()
        label = page.locator('[data-facet="org"] label', has=page.locator('input[value="Aurora Hearing A/S"]'))
        assert label.bounding_box()["height"] >= 44  # a touch target

        aurora.check()
        expect_text(page, ".filtertoggle", "Filters (1)")
        assert page.url.endswith("/search?q=beamforming&org=Aurora+Hearing+A%2FS")
        assert total(page) == 2
        assert page.locator("#announce").inner_text() == "2 documents for beamforming"
        assert focused(page)["value"] == "Aurora Hearing A/S"  # focus stays where it was
        assert page.locator("#filters").is_visible()  # still open for a second choice

        page.keyboard.press("Escape")
        assert page.locator("#filters-form").is_hidden() and button.get_attribute("aria-expanded") == "false"
        assert focused(page)["text"] == "Filters (1)"
        assert page.locator("li.hit").first.is_visible()
        assert not page.locator(".searchlayout > .results").evaluate("e => e.inert")
        hit = page.locator("li.hit h3 a").first.bounding_box()
        assert hit["height"] >= 44

        button.click()
        page.set_viewport_size({"width": 1280, "height": 900})  # widened with the panel open
        page.wait_for_function("() => document.querySelector('.filtertoggle').ariaExpanded === 'false'")
        assert not page.locator(".searchlayout > .results").evaluate("e => e.inert")
        assert page.locator("#filters-form").is_visible()  # beside the results


def expect_text(page, selector: str, text: str) -> None:
    page.wait_for_function(
        "([s, t]) => document.querySelector(s) && document.querySelector(s).innerText.trim() === t",
        arg=[selector, text],
    )


def test_on_a_phone_without_script_the_filters_link_opens_the_panel_and_apply_submits(browser, server):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="en-GB")
    page = context.new_page()
    try:
        page.goto(server + "/search?q=beamforming")
        assert page.locator("#filters-form").is_hidden() and page.locator("button.filtertoggle").is_hidden()
        page.click("a.filterlink")
        assert page.locator("#filters-form").is_visible()
        page.check('[data-facet="year"] input[value="2023"]')
        apply = page.locator("button.apply")
        assert apply.is_visible() and apply.bounding_box()["height"] >= 44
        apply.click()
        page.wait_for_url(re.compile(r"/search\?q=beamforming&.*year=2023"))  # the empty year boxes come too
        assert total(page) == 2 and page.locator("a.filterlink").inner_text() == "Filters (1)"
        assert page.locator("#filters-form").is_hidden() and page.locator("li.hit").first.is_visible()
        targets = page.locator(".pagination a, li.hit h3 a, .chip, a.filterlink").all()
        assert targets and all(t.bounding_box()["height"] >= 44 for t in targets if t.is_visible())
    finally:
        context.close()


def test_a_year_range_narrows_the_results(browser, server):
    with open_page(browser, locale="en-GB") as page:
        page.goto(server + "/search?q=beamforming")
        assert total(page) == 9 and page.locator("button.apply").is_hidden()
        assert page.locator("svg.histogram rect.bar").count() == 7  # 2018 to 2024
        page.fill("#year_from", "2022")
        page.fill("#year_to", "2023")
        page.press("#year_to", "Enter")
        page.wait_for_url(re.compile(r"year_from=2022&year_to=2023$"))
        expect_text(page, "#total", "3 documents for beamforming")
        years = {int(y) for y in page.locator("li.hit .year").all_inner_texts()}
        assert years == {2022, 2023}
        assert page.locator(".chip").all_inner_texts() == ["Year: 2022–2023 ×"]
        assert page.locator("#year_from").input_value() == "2022"


def test_a_long_facet_shows_its_top_values_until_more_and_its_box_narrows_it(browser, server):
    with open_page(browser, locale="en-GB") as page:
        page.goto(server + "/search?q=foghorn")
        orgs = page.locator('[data-facet="org"] ul.values label')
        assert orgs.count() == 12
        assert [label.is_visible() for label in orgs.all()] == [True] * 5 + [False] * 7
        page.click('[data-facet="org"] summary')
        assert all(label.is_visible() for label in orgs.all())
        page.click('[data-facet="org"] summary')  # closed again

        box = page.get_by_label("Find in Organisation")
        assert box.is_visible()
        box.press_sequentially("keepers 1", delay=20)
        shown = [label.locator(".label").inner_text() for label in orgs.all() if label.is_visible()]
        assert shown == LIGHTHOUSES[9:]  # 10, 11 and 12, two of them from behind "more"
        assert total(page) == 12  # narrowing the list is no search

        # From the keyboard: Tab to a value, Space chooses it, the count is said and the focus stays.
        box.fill("")
        box.press_sequentially("11", delay=20)
        page.keyboard.press("Tab")
        assert focused(page)["text"] == "Show 7 more"  # opened while narrowing
        page.keyboard.press("Tab")
        assert focused(page)["value"] == "Lighthouse Keepers 11 ApS"
        page.keyboard.press("Space")
        expect_text(page, "#announce", "1 document for foghorn")
        assert focused(page)["value"] == "Lighthouse Keepers 11 ApS"
        assert page.get_by_label("Find in Organisation").input_value() == "11"  # the narrowing is kept
        assert page.locator("li.hit h3").all_inner_texts() == ["Foghorn range study 11"]
