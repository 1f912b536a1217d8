"""The page-level part of issue #18 in a real Chromium against a real server: the keyboard reaches the results
at once, the pages have their headings, a misspelling shows the corrected results, visibility is marked for
those who may see it, and axe finds nothing on any page kind at desktop and phone width in both languages.

One server and one browser serve the whole module (the people corpus: public, members-only and staff-only
documents), so the added time stays small.
"""

from __future__ import annotations

import re

import pytest

from tests.accounts_support import PASSWORD, make_users
from tests.browser_support import axe_violations, log_in, open_page, require_chromium, served
from tests.conftest import ROOT
from tests.people_support import ingest_people_corpus
from tests.structure_support import STRUCTURED_ID, ingest_structured
from tests.works_support import GAMELAN, html, markdown, report_text, revised
from web.hub import Hub

pytestmark = pytest.mark.browser

require_chromium()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser-pages")
    hub = Hub.open(root / "data", taxonomy=str(ROOT / "corpus" / "areas.toml"))
    ingest_people_corpus(hub, root / "corpus")
    ingest_structured(hub)
    ingest_gamelan_work(hub, root / "work")
    make_users(hub)
    with served(hub.datadir.root) as base:
        yield base


GAMELAN_TITLE = "Tuning of a village gamelan"
GAMELAN_ORG = "Gamelan Acoustics Lab"


def ingest_gamelan_work(hub: Hub, folder) -> None:
    """One work in two formats (Markdown and HTML of one text), grouped by the bulk ingest (#19)."""
    folder.mkdir(parents=True)
    body = report_text(11, vocabulary=GAMELAN)
    (folder / "gamelan.md").write_bytes(markdown(GAMELAN_TITLE, body, org=GAMELAN_ORG, year=2020))
    (folder / "gamelan.html").write_bytes(html(GAMELAN_TITLE, body, org=GAMELAN_ORG))
    report = hub.ingestor.ingest_paths([folder])
    assert report.summary()["added"] == 2 and any(o.notes for o in report.outcomes)


@pytest.fixture
def page(browser):
    with open_page(browser, locale="en-GB") as found:
        yield found


def focused(page) -> dict[str, str]:
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return {tag: e.tagName, text: e.innerText || '', id: e.id || '', cls: e.className || ''}; }"
    )


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize(
    "path", ["/search?q=beamforming", "/search?q=beamforming&org=Aurora+Hearing+A%2FS&year=2021&year=2023"]
)
def test_the_first_result_is_three_tab_presses_away(page, server, path, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(server + path)
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to results"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "results"  # the skip link moved the focus, not just the scroll position
    page.keyboard.press("Tab")
    first_title = page.locator("li.hit h3 a").first.inner_text()
    assert focused(page) == {"tag": "A", "text": first_title, "id": "", "cls": ""}


def test_other_pages_skip_to_their_content_with_a_visible_focus(page, server):
    page.goto(server + "/orgs/aurora-hearing-a-s")
    page.keyboard.press("Tab")
    skip = page.locator(".skiplink")
    assert focused(page)["text"] == "Skip to content" and skip.is_visible()
    assert skip.bounding_box()["y"] >= 0  # shown on screen while focused
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "content"
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Organisations"  # the kicker link, the first in main


def test_results_pages_have_one_h1_and_no_pressed_links(page, server):
    page.goto(server + "/search?q=beamforming&org=Aurora+Hearing+A%2FS")
    assert page.locator("h1").all_inner_texts() == ["Results for beamforming"]
    assert page.locator("[aria-pressed]").count() == 0
    selected = page.locator('[data-facet="org"] input:checked')
    assert selected.count() == 1 and selected.get_attribute("value") == "Aurora Hearing A/S"
    assert page.get_by_role("checkbox", name="Aurora Hearing A/S").is_checked()  # the label names the box
    levels = page.evaluate("() => [...document.querySelectorAll('h1,h2,h3,h4')].map(h => +h.tagName[1])")
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    page.goto(server + "/search")
    assert page.locator("h1").all_inner_texts() == ["Search"]


def test_printing_leaves_out_navigation_search_filters_and_footer(page, server):
    page.goto(server + "/search?q=beamforming&org=Aurora+Hearing+A%2FS")
    parts = ["header.top", ".skiplink", "form.bigsearch", "aside.facets", "footer.foot", ".chips"]
    assert all(page.locator(p).count() == 1 for p in parts)
    page.emulate_media(media="print")
    shown = {p: page.locator(p).evaluate("e => getComputedStyle(e).display") != "none" for p in parts}
    assert shown == {p: False for p in parts}
    assert page.locator("li.hit").first.is_visible() and page.locator("h1").is_visible()


PAGE_KINDS = {
    "home": "/",
    "results": "/search?q=beamforming",
    "results-filtered": "/search?q=beamforming&org=Aurora+Hearing+A%2FS&year_from=2021&year_to=2021",
    "results-years": "/search?q=beamforming&year=2021&year=2023&type=report",
    "results-browse": "/search",  # every year: the year facet's "more"
    "results-filter-panel": "/search?q=beamforming&year=2021#filters",  # on a phone: the panel open
    "results-empty": "/search?q=zanzibarquartz",
    "results-empty-filtered": "/search?q=reverberation&org=Bulk+Acoustics+ApS",
    "results-corrected": "/search?q=loudspeeker",
    "document": None,  # the first hit of "reverberation", found at run time
    "document-structured": f"/doc/{STRUCTURED_ID}",  # its text's own headings (h2, h3) and lists
    "document-work": None,  # the gamelan work's page, listing its two formats
    "area": "/areas/hearing-health",
    "organisation": "/orgs/aurora-hearing-a-s",
    "author": "/authors/anne-jensen",
    "experts": "/experts?q=beamforming",
    "login": "/login",
    "not-found": "/doc/000000000000",
    "error": "/logout",  # a GET of a POST-only address: 405
}
WIDTHS = {"desktop": 1280, "phone": 390}
SCREENSHOTS = ROOT / "test-results" / "screenshots"


@pytest.mark.parametrize("locale", ["en-GB", "da-DK"])
def test_axe_finds_nothing_on_any_page_kind_at_desktop_and_phone_width(browser, server, locale):
    """Every violation of any impact counts. Each page is also written to test-results/screenshots/ for a
    person to look at after `make test`."""
    context = browser.new_context(locale=locale)
    page = context.new_page()
    found = {}
    try:
        page.goto(server + "/search?q=reverberation")
        paths = {**PAGE_KINDS, "document": page.locator("li.hit h3 a").first.get_attribute("href")}
        page.goto(server + "/search?q=gamelan")
        paths["document-work"] = page.locator("li.hit h3 a").first.get_attribute("href")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for width_name, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            for kind, path in paths.items():
                page.goto(server + path)
                assert page.locator("h1").count() == 1, kind
                page.screenshot(path=str(SCREENSHOTS / f"{kind}-{width_name}-{locale[:2]}.png"), full_page=True)
                found[(kind, width_name)] = axe_violations(page)
    finally:
        context.close()
    assert {k: v for k, v in found.items() if v} == {}


ADMIN_PAGE_KINDS = {
    "users": "/admin/users",
    "invite": "/admin/users/invite",
    "audit": "/admin/audit",
    "audit-filtered": "/admin/audit?who=admin&action=login&since=2020-01-01&until=2099-12-31",
    "audit-bad-date": "/admin/audit?since=not-a-date",
}


@pytest.mark.parametrize("locale", ["en-GB", "da-DK"])
def test_axe_finds_nothing_on_the_admin_pages_at_desktop_and_phone_width(browser, server, locale):
    """The users, invitation, link, set-password and audit pages (issue #19), as an admin sees them; the
    set-password page as the invited person does."""
    context = browser.new_context(locale=locale)
    page = context.new_page()
    found = {}
    try:
        log_in(page, server, "admin@cluster.example")
        # One invitation per language: its link page is the answer to the form, its link the set-password page.
        page.goto(server + "/admin/users/invite")
        page.fill('input[name="email"]', f"axe.{locale}@cluster.example")
        page.click('form.stacked button[type="submit"]')
        link = page.input_value("#password-link")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for width_name, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            found[("password-link", width_name)] = axe_violations(page)
            page.screenshot(path=str(SCREENSHOTS / f"password-link-{width_name}-{locale[:2]}.png"), full_page=True)
            for kind, path in {**ADMIN_PAGE_KINDS, "set-password": link}.items():
                page.goto(path if path.startswith("http") else server + path)
                assert page.locator("h1").count() == 1, kind
                page.screenshot(path=str(SCREENSHOTS / f"{kind}-{width_name}-{locale[:2]}.png"), full_page=True)
                found[(kind, width_name)] = axe_violations(page)
            page.goto(server + "/admin/users/invite")  # back to a link page for the other width
            page.fill('input[name="email"]', f"axe.{locale}.{width_name}@cluster.example")
            page.click('form.stacked button[type="submit"]')
    finally:
        context.close()
    assert {k: v for k, v in found.items() if v} == {}


@pytest.mark.parametrize("locale", ["en-GB", "da-DK"])
def test_axe_finds_nothing_on_the_staff_curation_pages(browser, server, locale):
    """Issue #19's pages as staff see them: the edit form (as shown and with a refused value), the delete
    confirmation, the change history, the document page with its staff links, and the trash with one document
    in it (restored afterwards, so the other tests find the corpus as it was)."""
    context = browser.new_context(locale=locale)
    page = context.new_page()
    found = {}
    doc_id = ""
    try:
        log_in(page, server, "staff@cluster.example")
        page.goto(server + "/search?q=endurance")
        doc = page.locator("li.hit h3 a").first.get_attribute("href")
        doc_id = doc.rsplit("/", 1)[-1]
        page.goto(server + doc + "/edit")
        page.fill('textarea[name="abstract"]', "Drivers measured for twelve weeks in an anechoic room.")
        page.click('form.stacked button[type="submit"]')  # a change for the history to list
        page.wait_for_url(server + doc)
        paths = {
            "edit": doc + "/edit",
            "confirm-delete": doc + "/delete",
            "history": doc + "/history",
            "document-staff": doc,
        }
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for width_name, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            for kind, path in paths.items():
                page.goto(server + path)
                assert page.locator("h1").count() == 1, kind
                page.screenshot(path=str(SCREENSHOTS / f"{kind}-{width_name}-{locale[:2]}.png"), full_page=True)
                found[(kind, width_name)] = axe_violations(page)
            page.goto(server + doc + "/edit")
            page.fill('input[name="doi"]', "not a doi")
            page.uncheck('input[name="areas"]:checked')
            page.click('form.stacked button[type="submit"]')
            assert page.locator(".field-error").count() == 3  # the summary, the DOI, the areas
            page.screenshot(path=str(SCREENSHOTS / f"edit-errors-{width_name}-{locale[:2]}.png"), full_page=True)
            found[("edit-errors", width_name)] = axe_violations(page)
        page.goto(server + doc + "/delete")
        page.click("form.danger button")
        page.wait_for_url(server + "/trash")
        for width_name, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(server + "/trash")
            assert page.locator("ul.trash li").count() == 1
            page.screenshot(path=str(SCREENSHOTS / f"trash-{width_name}-{locale[:2]}.png"), full_page=True)
            found[("trash", width_name)] = axe_violations(page)
    finally:
        if doc_id:
            page.goto(server + "/trash")
            restore = page.locator(f'form[action="/trash/{doc_id}/restore"] button')
            if restore.count():
                restore.click()
                page.wait_for_url(server + f"/doc/{doc_id}")
        context.close()
    assert {k: v for k, v in found.items() if v} == {}


def _staff_pages(page, server) -> dict[str, str]:
    """The upload, review and batch pages of issue #19, made once per language by a logged-in staff member."""
    from tests.upload_support import mixed_files

    page.goto(server + "/login")
    page.fill('input[name="email"]', "staff@cluster.example")
    page.fill('input[name="password"]', PASSWORD)
    page.click('form.stacked button[type="submit"]')
    page.wait_for_url(server + "/")
    files = [{"name": n, "mimeType": "application/octet-stream", "buffer": b} for n, b in mixed_files()]
    page.goto(server + "/upload")
    page.set_input_files("#bulk-files", files)
    page.click(".bulk button[type=submit]")
    page.wait_for_selector(".bulk-link[data-done=yes]", timeout=180_000)
    return {"upload": "/upload", "batch": page.locator(".bulk-link a").get_attribute("href")}


@pytest.mark.parametrize("locale", ["en-GB", "da-DK"])
def test_axe_finds_nothing_on_the_upload_review_and_batch_pages(browser, server, locale):
    """Issue #19's pages at desktop and phone width; the review page is made by uploading a file each time."""
    from tests.upload_support import titled_pdf

    context = browser.new_context(locale=locale)
    page = context.new_page()
    found = {}
    try:
        paths = _staff_pages(page, server)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for width_name, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            for kind, path in {**paths, "review": None}.items():
                if path is None:
                    page.goto(server + "/upload")
                    pdf = {"name": "report.pdf", "mimeType": "application/pdf", "buffer": titled_pdf("Room acoustics")}
                    page.set_input_files("#files", [pdf])
                    page.click("form.stacked:not(.bulk) button[type=submit]")
                    page.wait_for_selector("fieldset.pending")
                else:
                    page.goto(server + path)
                assert page.locator("h1").count() == 1, kind
                # The batch table scrolls in its own box; the page itself never scrolls sideways.
                assert page.evaluate("document.documentElement.scrollWidth") <= width, (kind, width_name)
                page.screenshot(path=str(SCREENSHOTS / f"{kind}-{width_name}-{locale[:2]}.png"), full_page=True)
                found[(kind, width_name)] = axe_violations(page)
    finally:
        context.close()
    assert {k: v for k, v in found.items() if v} == {}


@pytest.mark.parametrize("locale", ["en-GB", "da-DK"])
def test_staff_upload_a_revised_version_and_the_work_is_one_hit_with_two_versions(browser, server, locale):
    """#19 in the browser: the review offers "new version of" for a revised upload (axe finds nothing on it
    or on the document page, at both widths), publishing makes the new version the one hit, marked
    "2 versions", and its page lists both. The Danish run only reviews (one publish is enough)."""
    with open_page(browser, locale=locale) as page:
        log_in(page, server, "staff@cluster.example")
        page.goto(server + "/upload")
        body = revised(report_text(11, vocabulary=GAMELAN), 0.07, 12 if locale == "en-GB" else 13)  # two files
        file = markdown(GAMELAN_TITLE + ", revised", body, org=GAMELAN_ORG, year=2024)
        page.set_input_files(
            'input[name="files"]', files=[{"name": "gamelan-2.md", "mimeType": "text/markdown", "buffer": file}]
        )
        page.click('form[enctype="multipart/form-data"] button[type="submit"]')
        choice = page.locator("fieldset.work-choice")
        choice.wait_for()
        assert GAMELAN_TITLE in choice.inner_text()
        assert choice.locator('input[value^="version:"]').first.is_checked()  # Markdown is there: a version
        found = {}
        for width_name, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(SCREENSHOTS / f"review-candidates-{width_name}-{locale[:2]}.png"), full_page=True)
            found[width_name] = axe_violations(page)
        assert {k: v for k, v in found.items() if v} == {}
        if locale != "en-GB":
            return
        page.click('form.review > button[type="submit"]')
        page.wait_for_url(re.compile(r"/doc/[0-9a-f]{12}$"))
        new_url = page.url
        page.goto(server + "/search?q=gamelan")
        hits = page.locator("li.hit")
        assert hits.count() == 1 and "2 versions" in hits.first.inner_text()
        assert server + hits.first.locator("h3 a").get_attribute("href") == new_url
        page.goto(new_url)
        versions = page.locator("section.work li strong")
        assert versions.all_inner_texts() == ["Version 2", "Version 1"]
        assert "older version" in page.locator("section.work").inner_text()
        assert page.locator("section.work a.download").count() == 3  # the new Markdown, the old HTML and Markdown
        page.click("details.work-links summary")  # staff's link and new-version forms, checked open
        assert page.locator('details.work-links input[type="file"]').is_visible()
        for width_name, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(SCREENSHOTS / f"document-versions-staff-{width_name}.png"), full_page=True)
            found[width_name] = axe_violations(page)
        assert {k: v for k, v in found.items() if v} == {}
