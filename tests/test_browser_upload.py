"""Issue #19 in a real Chromium against a real server: the review after an upload (a title from the document,
the area a reviewer must choose, Cancel), and bulk upload of a mixed folder and of a ZIP with each file's
progress and outcome, a batch page that survives a reload, and Publish all making the documents searchable."""

from __future__ import annotations

import json
import urllib.request

import pytest

from ingest.pipeline import Explicit
from tests.accounts_support import PASSWORD, make_users
from tests.browser_support import log_in, open_page, require_chromium, served
from tests.conftest import ROOT, write_mini_corpus
from tests.upload_support import hostile_archive, mixed_files
from web.hub import Hub

pytestmark = pytest.mark.browser

require_chromium()

JOB_WAIT_MS = 180_000
"""How long a test waits for the background job to reach every file (a bound, never a measured time)."""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser-upload")
    hub = Hub.open(root / "data", taxonomy=str(ROOT / "corpus" / "areas.toml"))
    hub.ingestor.ingest_paths([write_mini_corpus(root / "mini")], Explicit(visibility="public"))
    make_users(hub)
    with served(hub.datadir.root) as base:
        yield base


@pytest.fixture
def page(browser, server):
    with open_page(browser, locale="en-GB") as found:
        log_in(found, server, "staff@cluster.example")
        yield found


def as_upload(name: str, data: bytes) -> dict:
    return {"name": name, "mimeType": "application/octet-stream", "buffer": data}


def total(server: str, query: str) -> int:
    with urllib.request.urlopen(f"{server}/api/search?q={query}") as response:
        return json.load(response)["total"]


def test_review_shows_the_document_s_title_requires_an_area_and_cancels(page, server):
    pdf_name, pdf = mixed_files()[0]
    page.goto(server + "/upload")
    page.set_input_files("#files", [as_upload(pdf_name, pdf)])
    page.click("text=Upload and review")
    page.wait_for_selector("h1:has-text('Check before publishing')")
    assert page.locator('input[name$="-title"]').input_value() == "Absorbers in Open-Plan Offices"
    assert "4 pages" in page.locator("legend").inner_text()
    assert "insertion loss" in page.locator(".preview-text").inner_text()
    for box in page.locator('input[name$="-areas"]:checked').all():
        box.uncheck()
    page.click("button:has-text('Publish')")
    assert page.locator(".field-error", has_text="Choose at least one strength area.").is_visible()
    page.click("button:has-text('Cancel this upload')")
    page.wait_for_url(server + "/upload")
    assert page.locator(".flash", has_text=f"Discarded “{pdf_name}”").is_visible()
    assert total(server, "perforated") == 0


def wait_for_outcomes(page, count: int) -> dict[str, str]:
    page.wait_for_selector(".bulk-link[data-done=yes]", timeout=JOB_WAIT_MS)
    rows = page.locator("ol.progress li")
    assert rows.count() == count
    return {r.locator(".filename").inner_text(): r.locator(".outcome").inner_text() for r in rows.all()}


def test_bulk_upload_of_a_mixed_folder_shows_each_outcome_and_publishes_all(page, server):
    page.goto(server + "/upload")
    files = mixed_files()[1:]  # docx, md, html, a broken PDF
    page.set_input_files("#bulk-files", [as_upload(n, b) for n, b in files])
    page.click("text=Upload the batch")
    outcomes = wait_for_outcomes(page, len(files))
    assert outcomes["broken.pdf"].startswith("Refused: the PDF is damaged")
    assert all(outcomes[n] == "Extracted: review below" for n, _ in files[:3]), outcomes
    assert all(v == 100 for v in page.eval_on_selector_all("ol.progress progress", "bars => bars.map(b => b.value)"))
    page.click("text=Open the batch to review it")
    page.wait_for_selector("table.batch")
    page.reload()  # the batch is kept on the server, not in the page
    assert page.locator("table.batch tbody tr").count() == len(files)
    assert page.locator('input[name="select"]').count() == 3
    page.click("button:has-text('Publish all')")
    page.wait_for_selector(".flash:has-text('Published 3 documents.')")
    assert page.locator(".outcome-published").count() == 3
    assert total(server, "ferries") == 1 and total(server, "concerts") >= 1


def test_bulk_upload_of_a_zip_refuses_the_bomb_and_the_climber_with_a_reason(page, server):
    page.goto(server + "/upload")
    page.set_input_files("#bulk-files", [as_upload("reports.zip", hostile_archive())])
    page.click("text=Upload the batch")
    outcomes = wait_for_outcomes(page, 5)
    assert "outside the archive" in outcomes["reports.zip/../../etc/evil.md"]
    assert "ZIP bomb" in outcomes["reports.zip/padding.txt"]
    assert "unsafe" in outcomes["reports.zip/bomb.docx"]
    for name in ("reports.zip/reports/hearing.md", "reports.zip/reports/concert.html"):  # published before, or not
        assert outcomes[name] in ("Already in the hub", "Extracted: review below"), outcomes


def test_bulk_upload_works_without_script(browser, server):
    with open_page(browser, locale="en-GB", java_script_enabled=False) as page:
        page.goto(server + "/login")
        page.fill('input[name="email"]', "staff@cluster.example")
        page.fill('input[name="password"]', PASSWORD)
        page.click('form.stacked button[type="submit"]')
        page.goto(server + "/upload")
        page.set_input_files(
            "#bulk-files",
            [
                as_upload(
                    "hearing2.md",
                    b"# Tinnitus in Musicians\n\nTinnitus and hearing protection among orchestra musicians.\n",
                )
            ],
        )
        page.click("text=Upload the batch")
        page.wait_for_selector("h1:has-text('Bulk upload')")
        for _ in range(300):  # the Refresh link, as a person without script follows it
            if page.locator('input[name="select"]').count():
                break
            page.wait_for_timeout(500)
            page.reload()
        assert page.locator("tr[data-status=extracted]").count() == 1


def test_files_dropped_on_the_area_are_sent(page, server):
    page.goto(server + "/upload")
    assert page.locator(".muted.dropzone-hint").is_visible()  # shown only where the script runs
    dropped = page.evaluate_handle(
        """() => { const t = new DataTransfer();
        t.items.add(new File(["# Dropped Report on Tinnitus\\n\\nTinnitus and hearing protection among DJs."],
                             "dropped.md", {type: "text/markdown"}));
        return t; }"""
    )
    page.dispatch_event(".dropzone", "drop", {"dataTransfer": dropped})
    assert page.evaluate("document.querySelector('#bulk-files').files.length") == 1
    page.click("text=Upload the batch")
    assert wait_for_outcomes(page, 1) == {"dropped.md": "Extracted: review below"}


def test_a_chosen_folder_is_sent_with_its_subfolders_under_their_paths(page, server, tmp_path):
    folder = tmp_path / "fieldwork"
    (folder / "2024").mkdir(parents=True)
    (folder / "report.md").write_text("# Fieldwork on Ferry Noise\n\nFerries and harbour noise at night.\n")
    (folder / "2024" / "notes.md").write_text("# Notes on Tinnitus\n\nTinnitus among ferry crews and DJs.\n")
    (folder / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")  # hidden: left out
    page.goto(server + "/upload")
    page.set_input_files("#bulk-folder", str(folder))
    assert page.locator(".dropzone .chosen").inner_text() == "2 files chosen, with their folders."
    page.click("text=Upload the batch")
    outcomes = wait_for_outcomes(page, 2)
    assert set(outcomes) == {"fieldwork/report.md", "fieldwork/2024/notes.md"}, outcomes


DROPPED_FOLDER = """() => {
  // A folder as a drop gives it: directory entries (read in batches) holding file entries.
  const file = (name, text) => ({isFile: true, isDirectory: false, name,
    file: (ok) => ok(new File([text], name, {type: "text/markdown"}))});
  const dir = (name, children) => ({isFile: false, isDirectory: true, name, createReader: () => {
    let given = false;
    return {readEntries: (ok) => { const batch = given ? [] : children; given = true; ok(batch); }};
  }});
  const top = dir("survey", [file("a.md", "# Survey of Concert Halls\\n\\nReverberation in concert halls."),
                             dir("raw", [file("b.md", "# Raw Data on Hearing\\n\\nHearing tests of students.")]),
                             file(".hidden.md", "# Hidden\\n\\nNot sent.")]);
  const drop = new Event("drop", {bubbles: true, cancelable: true});
  Object.defineProperty(drop, "dataTransfer", {value: {files: [], items: [{webkitGetAsEntry: () => top}]}});
  document.querySelector(".dropzone").dispatchEvent(drop);
}"""


def test_a_dropped_folder_is_walked_and_sent_file_by_file(page, server):
    page.goto(server + "/upload")
    page.evaluate(DROPPED_FOLDER)
    page.wait_for_selector(".dropzone .chosen:has-text('2 files chosen')")
    page.click("text=Upload the batch")
    assert set(wait_for_outcomes(page, 2)) == {"survey/a.md", "survey/raw/b.md"}
