"""The search page's filters (issue #18) through the real app, index and catalog: several years are OR-ed as
any facet's values are, a year range adds to them, the page counts its active filters, and no count, bar or
checkbox ever includes a document the visitor may not see.

The people corpus (tests/people_support.py): "beamforming" is in nine public reports (one a year 2018–2024, and
a second one in 2021 and in 2023) and in a members-only report of 2024; the staff-only report is of 2025.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.accounts_support import login, make_users
from tests.conftest import ROOT
from tests.people_support import ingest_people_corpus
from web.app import create_app
from web.hub import Hub


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """One index for the module: the tests only read it."""
    root = tmp_path_factory.mktemp("facets")
    hub = Hub.open(root / "data", taxonomy=str(ROOT / "corpus" / "areas.toml"))
    ingest_people_corpus(hub, root / "people")
    make_users(hub)
    return create_app(hub, TESTING=True)


def total(page: str) -> int:
    return int(re.search(r'id="total"><strong>(\d+)</strong>', page).group(1))


def year_boxes(page: str) -> dict[str, tuple[int, bool]]:
    """Each year checkbox: its count and whether it is checked."""
    found = re.findall(
        r'<input type="checkbox" name="year" value="(\d{4})"( checked)?> <span class="label">\d{4}</span> '
        r'<span class="count">(\d+)</span>',
        page,
    )
    return {year: (int(count), bool(checked)) for year, checked, count in found}


def chart_title(page: str) -> str:
    return re.search(r'<title id="yearchart-title">([^<]*)</title>', page).group(1)


def filters_label(page: str) -> str:
    return re.search(r'<h2 id="filters-title" tabindex="-1"><span class="filterslabel">([^<]*)</span>', page).group(1)


def test_a_second_year_adds_to_the_first_and_counts_stay_within_what_the_visitor_may_see(app):
    anonymous = app.test_client()
    page = anonymous.get("/search?q=beamforming&year=2021&year=2024").get_data(as_text=True)
    assert total(page) == 3  # aurora-1 and bulk-4 of 2021, bulk-7 of 2024; not the members' 2024 report
    boxes = year_boxes(page)
    assert boxes["2021"] == (2, True) and boxes["2024"] == (1, True) and boxes["2023"] == (2, False)
    assert "2025" not in boxes  # the staff-only report's year is no value, no bar
    assert chart_title(page) == "Documents per year: 2018: 1, 2019: 1, 2020: 1, 2021: 2, 2022: 1, 2023: 2, 2024: 1"
    assert filters_label(page) == "Filters (2)"
    chips = dict(re.findall(r'<a class="chip" href="([^"]+)" aria-label="Remove ([^"]+)">', page))
    assert {unescape(url): label for url, label in chips.items()} == {
        "/search?q=beamforming&year=2024": "Year: 2021",
        "/search?q=beamforming&year=2021": "Year: 2024",
    }

    member = app.test_client()
    login(member, "member@cluster.example")
    page = member.get("/search?q=beamforming&year=2021&year=2024").get_data(as_text=True)
    assert total(page) == 4 and year_boxes(page)["2024"] == (2, True) and "2025" not in year_boxes(page)
    assert chart_title(page).endswith("2023: 2, 2024: 2")


def test_a_year_range_narrows_and_a_chosen_year_outside_it_is_added(app):
    client = app.test_client()
    page = client.get("/search?year_from=2022&year_to=2023").get_data(as_text=True)
    assert total(page) == 3  # bulk-5, bulk-6 and aurora-2
    assert 'id="year_from" name="year_from" min="1000" max="9999" inputmode="numeric" value="2022"' in page
    assert filters_label(page) == "Filters (1)"
    # The year counts ignore the year selection, so each says truly what choosing it would add.
    assert year_boxes(page)["2015"] == (1, False)
    page = client.get("/search?year_from=2022&year_to=2023&year=2015").get_data(as_text=True)
    assert total(page) == 4 and year_boxes(page)["2015"] == (1, True)
    assert filters_label(page) == "Filters (2)"
    assert "Year: 2015" in page and "Year: 2022–2023" in page


def test_the_active_filter_count_counts_each_value_and_a_bad_year_is_ignored(app):
    client = app.test_client()
    page = client.get(
        "/search?q=beamforming&org=Aurora+Hearing+A%2FS&year=2021&year=2024&year=nineteen&year=99999"
    ).get_data(as_text=True)
    assert filters_label(page) == "Filters (3)" and total(page) == 1  # aurora-1; the members' one is hidden
    # The filter form keeps the words, and only they, beside its checkboxes and year boxes.
    form = page.split('<form class="facetform"', 1)[1].split("</form>", 1)[0]
    assert re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form) == [("q", "beamforming")]
    assert '<input type="checkbox" name="org" value="Aurora Hearing A/S" checked>' in form
    assert filters_label(client.get("/search?q=beamforming").get_data(as_text=True)) == "Filters"


def test_a_long_facet_lists_its_top_values_then_more_and_a_box_to_narrow_it(app):
    page = app.test_client().get("/search").get_data(as_text=True)
    years = page.split('data-facet="year"', 1)[1].split("</fieldset>", 1)[0]
    top, more = years.split('<details class="more">', 1)
    assert re.findall(r'value="(\d{4})"', top) == ["2024", "2023", "2022", "2021", "2020"]
    assert re.findall(r'value="(\d{4})"', more) == ["2019", "2018", "2015"]
    assert "<summary>Show 3 more</summary>" in more
    assert 'class="facetfind" hidden' not in years  # eight values: no box
    chosen = app.test_client().get("/search?year=2015").get_data(as_text=True)
    top = chosen.split('data-facet="year"', 1)[1].split('<details class="more">', 1)[0]
    assert '<input type="checkbox" name="year" value="2015" checked>' in top  # a chosen value is never hidden


def test_the_api_takes_several_years_and_refuses_a_bad_one(app):
    client = app.test_client()
    data = client.get("/api/search?q=beamforming&year=2021&year=2024").get_json()
    assert data["total"] == 3
    years = {v["value"]: v for v in data["facets"]["year"]}
    assert years["2021"]["selected"] and years["2024"]["count"] == 1 and "2025" not in years
    assert unescape(years["2024"]["toggle_url"]) == "/api/search?q=beamforming&year=2021"
    assert client.get("/api/search?year=2021&year_from=2023&year_to=2024").get_json()["total"] == 2 + 3
    error = client.get("/api/search?year=20x1")
    assert error.status_code == 400 and error.get_json()["error"]["param"] == "year"
