"""Visibility holds on every path, for anonymous visitors, members and staff.

The corpus has documents of all three levels; one staff-only and one
members-only document carry unique words, so any leak shows up as a word, a
count, or a link where it must not be.
"""

from __future__ import annotations

import re

import pytest

from ingest.pipeline import Explicit
from tests.accounts_support import login, make_users
from web.app import create_app

STAFF_WORD = "quixotrombone"
MEMBER_WORD = "zephyrlattice"
LEVELS = {"anonymous": {"public"}, "member": {"public", "members"}, "staff": {"public", "members", "staff"}}


@pytest.fixture
def world(mini_hub, tmp_path):
    """The mini corpus (public) plus one members-only and one staff-only document."""
    staff_doc = tmp_path / "board.txt"
    staff_doc.write_text(
        f"Board minutes on the {STAFF_WORD} acquisition\n\nThe board discussed the {STAFF_WORD} acquisition "
        "and its loudspeaker factory. Hearing aid revenue was also reviewed."
    )
    member_doc = tmp_path / "members.txt"
    member_doc.write_text(
        f"Member briefing on {MEMBER_WORD} panels\n\nThe {MEMBER_WORD} absorber panels cut reverberation "
        "in classrooms and offices. Hearing aid users benefit."
    )
    ids = {}
    for path, level in ((staff_doc, "staff"), (member_doc, "members")):
        outcome = mini_hub.ingestor.ingest_paths([path], Explicit(visibility=level, areas=["hearing-health"]))
        ids[level] = outcome.outcomes[0].id
    emails = make_users(mini_hub)
    return mini_hub, ids, emails


def client_as(hub, emails, role):
    client = create_app(hub, TESTING=True).test_client()
    if role != "anonymous":
        assert login(client, emails[role]).status_code == 302
    return client


@pytest.mark.parametrize("role", ["anonymous", "member", "staff"])
def test_every_path_respects_visibility(world, role):
    hub, ids, emails = world
    client = client_as(hub, emails, role)
    levels = LEVELS[role]
    sees_staff, sees_members = "staff" in levels, "members" in levels

    # Results and totals.
    data = client.get(f"/api/search?q={STAFF_WORD}").get_json()
    assert data["total"] == int(sees_staff)
    data = client.get(f"/api/search?q={MEMBER_WORD}").get_json()
    assert data["total"] == int(sees_members)
    browse = client.get("/api/search").get_json()
    assert browse["total"] == 8 + sees_staff + sees_members

    # Facet counts (hearing-health has 3 public documents).
    area = {v["value"]: v["count"] for v in browse["facets"]["area"]}
    assert area["hearing-health"] == 3 + sees_staff + sees_members

    # Snippets of a shared word never quote a hidden document.
    hits = client.get("/api/search?q=hearing+aid").get_json()["hits"]
    text = " ".join(h["snippet"] + h["title"] for h in hits)
    if not sees_staff:
        assert STAFF_WORD not in text.lower()

    # Search page, home page counts and area page counts.
    page = client.get("/search?q=acquisition").get_data(as_text=True)
    assert (STAFF_WORD in page.lower()) == sees_staff
    home = client.get("/").get_data(as_text=True)
    tile = re.search(r'data-area="hearing-health">.*?<strong>(\d+)</strong>', home, re.S)
    assert int(tile.group(1)) == 3 + sees_staff + sees_members
    area_page = client.get("/areas/hearing-health").get_data(as_text=True)
    assert f'id="area-count">{3 + sees_staff + sees_members}<' in area_page

    # Document page, original, API document: hidden is exactly like missing.
    for level, doc_id in ids.items():
        visible = level in levels
        for path in (f"/doc/{doc_id}", f"/doc/{doc_id}/original", f"/api/documents/{doc_id}"):
            assert client.get(path).status_code == (200 if visible else 404), (role, path)


def test_hidden_and_missing_documents_answer_the_same(world):
    hub, ids, emails = world
    client = client_as(hub, emails, "anonymous")
    hidden = client.get(f"/doc/{ids['staff']}")
    missing = client.get("/doc/0123456789ab")
    assert hidden.status_code == missing.status_code == 404
    # The same page but for the address the login link returns to (the one the visitor asked for, #18).
    hidden_page = hidden.get_data(as_text=True)
    assert hidden_page.count(ids["staff"]) == 1 and f"next=/doc/{ids['staff']}" in hidden_page
    assert hidden_page.replace(ids["staff"], "0123456789ab") == missing.get_data(as_text=True)
