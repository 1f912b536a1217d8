"""The audit log: every security event from the web and the command line, shown with titles and names,
filtered by who, what and when, and exported as CSV that a spreadsheet cannot run."""

from __future__ import annotations

import csv
import io

import pytest

from tests.accounts_support import PASSWORD, csrf_token, login, make_users
from tests.admin_support import invite, post_users_form, set_password, shown_link
from tests.test_accounts import run
from web.app import create_app
from web.audit_page import PAGE_SIZE
from web.hub import Hub

NEW = "new.person@cluster.example"


@pytest.fixture
def admin(mini_hub):
    emails = make_users(mini_hub)
    app = create_app(mini_hub, TESTING=True)
    client = app.test_client()
    assert login(client, emails["admin"]).status_code == 302
    return mini_hub, app, client, emails


def events(hub) -> list[tuple[str, str, dict]]:
    return [(e.actor, e.action, e.detail) for e in reversed(hub.accounts.audit_log(limit=1000))]


def test_every_security_event_in_the_browser_is_recorded(admin):
    hub, app, client, emails = admin
    visitor = app.test_client()
    assert login(visitor, emails["member"], "wrong password!").status_code == 401
    assert login(visitor, emails["member"]).status_code == 302
    visitor.post("/logout", data={"csrf_token": csrf_token(visitor, "/")})
    path = shown_link(invite(client, NEW, "staff"))
    assert set_password(app.test_client(), path, "a long new password").status_code == 302
    shown_link(post_users_form(client, f"/admin/users/{emails['member']}/reset"))
    post_users_form(client, f"/admin/users/{emails['member']}/role", role="staff")
    post_users_form(client, f"/admin/users/{emails['member']}/deactivate")
    post_users_form(client, f"/admin/users/{emails['member']}/reactivate")
    found = events(hub)
    actions = [(actor, action) for actor, action, _ in found]
    admin_email, member = emails["admin"], emails["member"]
    assert actions == [
        (admin_email, "login"),
        (member, "login_failed"),
        (member, "login"),
        (member, "logout"),
        (admin_email, "account_invited"),
        (NEW, "password_set"),
        (admin_email, "password_reset"),
        (admin_email, "role_changed"),
        (admin_email, "account_deactivated"),
        (admin_email, "account_reactivated"),
    ]
    failed = found[1][2]
    assert failed["address"] == "127.0.0.1" and "wrong password!" not in str(found)
    assert found[7][2] == {"account": member, "changes": {"role": ["member", "staff"]}}
    assert all(detail.get("account") in (member, NEW) for _, action, detail in found if action.startswith("account"))


def test_every_account_change_on_the_command_line_is_recorded_as_the_cli(tmp_path):
    run(tmp_path, "users", "add", "ann@cluster.example", "--role", "admin", "--password-stdin", input=f"{PASSWORD}\n")
    run(tmp_path, "users", "passwd", "ann@cluster.example", "--password-stdin", input="another long password\n")
    run(tmp_path, "users", "role", "ann@cluster.example", "staff")
    hub = Hub.open(tmp_path / "data")
    hub.invitations.invite("bo@cluster.example", "member", by="ann@cluster.example")
    hub.accounts.add("cy@cluster.example", "member", PASSWORD)
    hub.accounts.set_active("cy@cluster.example", False)
    listed = run(tmp_path, "users", "list").output.splitlines()
    assert listed == [
        "ann@cluster.example\tstaff",
        "bo@cluster.example\tmember\tinvited",
        "cy@cluster.example\tmember\tdeactivated",
    ]
    assert run(tmp_path, "users", "deactivate", "ann@cluster.example").exit_code == 0
    assert hub.accounts.authenticate("ann@cluster.example", "another long password") is None
    assert run(tmp_path, "users", "reactivate", "ann@cluster.example").exit_code == 0
    assert hub.accounts.authenticate("ann@cluster.example", "another long password") is not None
    missing = run(tmp_path, "users", "deactivate", "nobody@cluster.example")
    assert missing.exit_code == 1 and "no account for nobody@cluster.example" in missing.output
    run(tmp_path, "users", "remove", "ann@cluster.example")
    found = [event for event in events(hub) if event[2]["account"] == "ann@cluster.example"]
    assert [action for _, action, _ in found] == [
        "account_created",
        "password_changed",
        "role_changed",
        "account_deactivated",
        "account_reactivated",
        "account_removed",
    ]
    assert all(actor.startswith("cli:") and len(actor) > 4 for actor, _, _ in found)
    assert all(detail["account"] == "ann@cluster.example" for _, _, detail in found)
    assert PASSWORD not in str(found) and "another long password" not in str(found)


def test_the_page_shows_titles_names_and_any_action(admin):
    hub, app, client, emails = admin
    docs = list(hub.catalog.all())
    kept, gone = docs[0], docs[1]
    hub.accounts.record(emails["staff"], "upload", kept.id, title=kept.title, filename="a.pdf")
    token = csrf_token(client, f"/doc/{gone.id}/edit")
    assert client.post(f"/doc/{gone.id}/delete", data={"csrf_token": token}).status_code == 302
    hub.accounts.record("cli:operator", "version_link", kept.id)
    hub.accounts.record(emails["staff"], "frobnicate", "", note="<script>x</script>")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert f'<a href="/doc/{kept.id}">{kept.title}</a>' in page
    assert f'{gone.id} <span class="muted">(deleted)</span>' in page
    assert "command line (operator)" in page and "Versions linked" in page
    assert "frobnicate" in page and "<script>x</script>" not in page and "&lt;script&gt;" in page
    danish = client.get("/admin/audit", headers={"Accept-Language": "da"}).get_data(as_text=True)
    assert "(slettet)" in danish and "kommandolinjen (operator)" in danish and "Versioner forbundet" in danish


def _dated(hub, rows: list[tuple[str, str, str]]) -> None:
    """Events at given times (the log stamps the present; these set a past one on the rows just written)."""
    for at, actor, action in rows:
        hub.accounts.record(actor, action, "")
        hub.accounts._conn().execute("UPDATE audit SET at = ? WHERE id = (SELECT MAX(id) FROM audit)", (at,))


def test_filters_by_who_what_and_when(admin):
    hub, app, client, emails = admin
    _dated(
        hub,
        [
            ("2025-01-10T08:00:00Z", "ida@cluster.example", "upload"),
            ("2025-02-01T23:59:59Z", "ole@cluster.example", "delete"),
            ("2025-02-02T00:00:00Z", "ida@cluster.example", "delete"),
            ("2025-03-05T12:00:00Z", "ole@cluster.example", "login_failed"),
        ],
    )

    def shown(query: str) -> list[str]:
        page = client.get("/admin/audit?" + query).get_data(as_text=True)
        return [line.split('datetime="')[1][:10] for line in page.split("<tr data-action=")[1:]]

    assert shown("who=IDA") == ["2025-02-02", "2025-01-10"]
    assert shown("action=delete") == ["2025-02-02", "2025-02-01"]
    assert shown("since=2025-02-01&until=2025-02-01") == ["2025-02-01"]
    assert shown("since=2025-02-01&until=2025-03-05&who=ole") == ["2025-03-05", "2025-02-01"]
    assert shown("who=nobody") == []
    assert "Nothing matches these filters." in client.get("/admin/audit?who=nobody").get_data(as_text=True)
    assert shown("who=%25") == []  # a LIKE wildcard is a character here, not "anything"
    bad = client.get("/admin/audit?since=yesterday&action=delete")
    assert bad.status_code == 200 and "Not a valid date value." in bad.get_data(as_text=True)
    assert shown("since=yesterday&action=delete") == ["2025-02-02", "2025-02-01"]  # the good filters still apply
    page = client.get("/admin/audit?action=delete").get_data(as_text=True)
    assert '<option selected value="delete">' in page or '<option value="delete" selected>' in page


def test_pages_are_bounded_and_keep_the_filters(admin):
    hub, app, client, emails = admin
    for number in range(PAGE_SIZE + 5):
        hub.accounts.record(f"p{number}@cluster.example", "edit", "")
    first = client.get("/admin/audit?action=edit").get_data(as_text=True)
    assert first.count("<tr data-action=") == PAGE_SIZE
    assert 'href="/admin/audit?page=2&amp;action=edit"' in first
    second = client.get("/admin/audit?page=2&action=edit").get_data(as_text=True)
    assert second.count("<tr data-action=") == 5 and "page=3" not in second
    assert client.get("/admin/audit?page=999999999").status_code == 200
    assert client.get("/admin/audit?page=-4").status_code == 200


def test_csv_export_holds_the_filtered_rows_and_no_formulas(admin):
    hub, app, client, emails = admin
    doc = next(hub.catalog.all())
    hub.accounts.record(emails["staff"], "upload", doc.id, title='=HYPERLINK("http://evil")', filename="x.pdf")
    visitor = app.test_client()
    for typed in ("=cmd|' /C calc'!A0@x.dk", "+1@x.dk", "-2@x.dk", "@sum@x.dk"):
        login(visitor, typed, "wrong password!")
    response = client.get("/admin/audit.csv?action=login_failed")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="audit-')
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert table[0][:3] == ["when_utc", "actor", "action"]
    assert {row[2] for row in table[1:]} == {"login_failed"} and len(table) == 5
    actors = sorted(row[1] for row in table[1:])
    assert actors == ["'+1@x.dk", "'-2@x.dk", "'=cmd|' /c calc'!a0@x.dk", "'@sum@x.dk"]
    uploads = list(csv.reader(io.StringIO(client.get("/admin/audit.csv?action=upload").get_data(as_text=True))))
    assert uploads[1][4] == doc.id and uploads[1][5] == doc.title and uploads[1][3] == "Uploaded"
    assert uploads[1][7].startswith("{") and "HYPERLINK" in uploads[1][7]  # inside JSON, not at a cell's start
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in uploads for cell in row)
    assert client.get("/admin/audit.csv?since=not-a-date").status_code == 200


def test_the_export_is_bounded(admin, monkeypatch):
    hub, app, client, emails = admin
    monkeypatch.setattr("web.audit_page.EXPORT_MAX_ROWS", 3)
    for number in range(6):
        hub.accounts.record(f"p{number}@cluster.example", "edit", "")
    table = list(csv.reader(io.StringIO(client.get("/admin/audit.csv?action=edit").get_data(as_text=True))))
    assert [row[1] for row in table[1:]] == ["p5@cluster.example", "p4@cluster.example", "p3@cluster.example"]
