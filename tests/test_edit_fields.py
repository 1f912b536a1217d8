"""Editing every field through the real app: each change persists, is re-indexed, and shows in the
document's change history (and the audit log); bad input is refused next to the field and changes nothing
(issue #19)."""

from __future__ import annotations

import html
import re

import pytest

from tests.accounts_support import csrf_token, login, make_users
from web.app import create_app

TITLE = "Reverberation in classrooms"


@pytest.fixture
def staff(mini_hub):
    emails = make_users(mini_hub)
    app = create_app(mini_hub, TESTING=True)
    client = app.test_client()
    assert login(client, emails["staff"]).status_code == 302
    anonymous = app.test_client()
    doc_id = client.get("/api/search?q=reverberation").get_json()["hits"][0]["id"]
    return mini_hub, client, anonymous, doc_id


def form_as_shown(client, doc_id: str) -> dict[str, object]:
    """The edit form as the page prefills it (what a browser would send back untouched)."""
    page = client.get(f"/doc/{doc_id}/edit").get_data(as_text=True)
    form: dict[str, object] = {"csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)}
    for name in ("title", "authors", "org", "date", "year", "type", "doi", "url"):
        match = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
        value = re.search(r'value="([^"]*)"', match.group(0))
        form[name] = value.group(1).replace("&amp;", "&") if value else ""
    form["abstract"] = re.search(r'<textarea[^>]*name="abstract"[^>]*>\s*([^<]*)</textarea>', page).group(1)
    for name in ("lang", "visibility"):
        select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
        form[name] = re.search(r'<option selected value="([^"]+)"|<option value="([^"]+)" selected', select).group(1)
    form["areas"] = re.findall(r'<input checked[^>]*name="areas"[^>]*value="([^"]+)"', page)
    return form


def save(client, doc_id: str, **changes):
    form = form_as_shown(client, doc_id)
    form.update(changes)
    return client.post(f"/doc/{doc_id}/edit", data=form)


SHOWN = {  # (old, new) as the history shows them: names in the interface language, not codes
    "areas": ("Acoustics & Noise", "Acoustics & Noise, Hearing & Health"),
    "type": ("Case study", "Thesis"),
    "lang": ("English", "Danish"),
    "visibility": ("Public", "Staff"),
}


def test_the_form_comes_back_untouched_as_no_change(staff):
    hub, client, _, doc_id = staff
    before = hub.catalog.get(doc_id)
    assert save(client, doc_id).status_code == 302
    assert hub.catalog.get(doc_id) == before
    assert "No change recorded yet." in client.get(f"/doc/{doc_id}/history").get_data(as_text=True)


LONG_ABSTRACT = "Pupils understood their teachers far better once the ceilings were treated. " * 4


@pytest.mark.parametrize(
    "field, value, stored, found_by",
    [
        ("title", "Echoes in Fjordby schools", "Echoes in Fjordby schools", "/api/search?q=%22echoes+in+fjordby%22"),
        ("authors", "Maja Krog; Peter Dahl", ["Maja Krog", "Peter Dahl"], "/api/search?q=maja+krog"),
        ("org", "Akustikhuset;Fjordby Skoler", "Akustikhuset; Fjordby Skoler", "/api/search?org=Akustikhuset"),
        ("date", "2019-11-04", "2019-11-04", "/api/search?q=reverberation&year_from=2019&year_to=2019"),
        ("year", "2016", 2016, "/api/search?q=reverberation&year_from=2016&year_to=2016"),
        ("type", "thesis", "thesis", "/api/search?q=reverberation&type=thesis"),
        ("lang", "da", "da", "/api/search?q=reverberation&lang=da"),
        ("abstract", LONG_ABSTRACT.strip(), LONG_ABSTRACT.strip(), "/api/search?q=pupils+understood"),
        ("doi", "https://doi.org/10.1234/room.2015", "10.1234/room.2015", None),
        ("url", "https://example.dk/rooms?id=5", "https://example.dk/rooms?id=5", None),
        ("areas", ["acoustics-noise", "hearing-health"], ["acoustics-noise", "hearing-health"],
         "/api/search?q=reverberation&area=hearing-health"),
        ("visibility", "staff", "staff", None),
    ],
)  # fmt: skip
def test_each_field_persists_is_reindexed_and_is_in_the_history(staff, field, value, stored, found_by):
    hub, client, anonymous, doc_id = staff
    before = getattr(hub.catalog.get(doc_id), field)
    if found_by:
        assert client.get(found_by).get_json()["total"] == 0  # not found before the edit
    changes = {field: value}
    if field == "date":
        changes["year"] = "2019"  # the year is the date's
    if field == "year":
        changes["date"] = ""  # a full date would have to change with it
    saved = save(client, doc_id, **changes)
    assert saved.status_code == 302, saved.get_data(as_text=True)

    doc = hub.catalog.get(doc_id)
    assert getattr(doc, field) == stored
    if field == "date":
        assert doc.year == 2019
    if found_by:
        assert [h["id"] for h in client.get(found_by).get_json()["hits"]] == [doc_id]
    if field == "doi":
        assert client.get(f"/api/documents/{doc_id}").get_json()["doi"] == stored
        assert 'href="https://doi.org/10.1234/room.2015"' in client.get(f"/doc/{doc_id}").get_data(as_text=True)
    if field == "url":
        assert f'href="{stored}"' in client.get(f"/doc/{doc_id}").get_data(as_text=True)
    if field == "visibility":
        assert anonymous.get("/api/search?q=reverberation").get_json()["total"] == 0
        assert client.get("/api/search?q=reverberation").get_json()["total"] == 1

    page = html.unescape(client.get(f"/doc/{doc_id}/history").get_data(as_text=True))
    assert "staff@cluster.example" in page and "edited" in page
    shown_old, shown_new = SHOWN.get(field) or (
        "; ".join(v) if isinstance(v, list) else str(v or "") for v in (before, stored)
    )
    if field == "abstract":
        assert shown_new[:100] in page and shown_new not in page  # abbreviated
    else:
        assert f"<ins>{shown_new}</ins>" in page
    if shown_old:
        assert f"<del>{shown_old}</del>" in page
    entry = hub.accounts.audit_log()[0]
    assert entry.action == "edit" and field in entry.detail["changes"]


def test_a_cleared_field_is_cleared_and_a_field_left_out_is_kept(staff):
    hub, client, _, doc_id = staff
    save(client, doc_id, abstract="A short abstract.", doi="10.1234/x", url="https://example.dk/")
    assert save(client, doc_id, abstract="", doi="", url="", org="").status_code == 302
    doc = hub.catalog.get(doc_id)
    assert (doc.abstract, doc.doi, doc.url, doc.org) == ("", "", "", "")
    form = form_as_shown(client, doc_id)
    form["title"] = "Classroom acoustics"
    for name in ("lang", "authors", "date", "year"):
        del form[name]
    assert client.post(f"/doc/{doc_id}/edit", data=form).status_code == 302
    after = hub.catalog.get(doc_id)
    assert after.title == "Classroom acoustics"
    assert (after.lang, after.authors, after.year, after.date) == (doc.lang, doc.authors, doc.year, doc.date)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"doi": "not-a-doi"}, "Not a DOI"),
        ({"doi": "10.12/short"}, "Not a DOI"),
        ({"url": "ftp://example.dk/file"}, "Not a web address"),
        ({"url": "javascript:alert(1)"}, "Not a web address"),
        ({"url": "https://exa mple.dk"}, "Not a web address"),
        ({"areas": []}, "Choose at least one strength area."),
        ({"date": "2019-11-04", "year": "2015"}, "The year must be the date's year (2019)."),
        ({"date": "04/11/2019"}, "Not a valid date value."),
        ({"date": "1066-10-14", "year": ""}, "The date must be between 1900 and 2100."),
        ({"lang": "xx"}, "Not a valid choice."),
        ({"title": ""}, "This field is required."),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_changes_nothing(staff, changes, message):
    hub, client, _, doc_id = staff
    before = hub.catalog.get(doc_id)
    response = save(client, doc_id, **{"title": "Kept in the form", **changes})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400 and message in page and "Nothing was saved" in page
    if "title" not in changes:
        assert 'value="Kept in the form"' in page  # what was typed is still there
    assert hub.catalog.get(doc_id) == before
    assert client.get("/api/search?q=%22kept+in+the+form%22").get_json()["total"] == 0
    assert "No change recorded yet." in client.get(f"/doc/{doc_id}/history").get_data(as_text=True)


def test_the_history_is_for_staff_only(mini_hub):
    emails = make_users(mini_hub)
    app = create_app(mini_hub, TESTING=True)
    doc_id = next(mini_hub.catalog.all()).id
    anonymous, member, staff = app.test_client(), app.test_client(), app.test_client()
    login(member, emails["member"])
    login(staff, emails["staff"])
    assert anonymous.get(f"/doc/{doc_id}/history").status_code == 302
    assert member.get(f"/doc/{doc_id}/history").status_code == 403
    assert "Change history" not in member.get(f"/doc/{doc_id}").get_data(as_text=True)
    assert f"/doc/{doc_id}/history" in staff.get(f"/doc/{doc_id}").get_data(as_text=True)
    assert staff.get("/doc/0123456789ab/history").status_code == 404
    token = csrf_token(staff, f"/doc/{doc_id}/edit")
    assert staff.post(f"/doc/{doc_id}/edit", data={"csrf_token": token, "title": "X"}).status_code == 400


def test_a_doi_and_address_stored_before_the_checks_do_not_block_an_edit(staff):
    """Ingest keeps what a file's metadata says; an edit of another field must not fail on it, and a link
    that is not http(s) is shown as text, never as a link."""
    from ingest.curation import update_metadata

    hub, client, _, doc_id = staff
    update_metadata(hub.datadir, hub.catalog, doc_id, {"doi": "see the report", "url": "javascript:alert(1)"})
    assert 'href="javascript' not in client.get(f"/doc/{doc_id}").get_data(as_text=True)
    assert save(client, doc_id, title="Classroom reverberation").status_code == 302
    doc = hub.catalog.get(doc_id)
    assert (doc.title, doc.doi, doc.url) == ("Classroom reverberation", "see the report", "javascript:alert(1)")
    assert save(client, doc_id, url="javascript:alert(2)").status_code == 400  # a new value is checked
