"""Admins manage accounts in the browser: invite with a one-time link, reset, role, deactivate; guarded."""

from __future__ import annotations

import re

import pytest

from tests.accounts_support import PASSWORD, Clock, csrf_token, login, make_users
from tests.admin_support import invite, post_users_form, set_password, shown_link
from web.accounts import LastAdmin
from web.app import create_app

NEW = "new.person@cluster.example"
NEW_PASSWORD = "a long new password"


@pytest.fixture
def admin(hub):
    """An app with one account per role, and a test client logged in as the admin."""
    emails = make_users(hub)
    app = create_app(hub, TESTING=True)
    client = app.test_client()
    assert login(client, emails["admin"]).status_code == 302
    return hub, app, client, emails


def test_an_invitation_link_sets_the_password_once_and_then_is_dead(admin):
    hub, app, client, _ = admin
    response = invite(client, NEW, "staff")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    path = shown_link(response)
    assert path.startswith("/set-password/")
    assert path.rsplit("/", 1)[1] not in hub.accounts._conn().execute("SELECT * FROM password_links").fetchone()
    account = hub.accounts.account(NEW)
    assert account.role == "staff" and not account.has_password
    assert login(app.test_client(), NEW, "").status_code == 200  # no password yet: nothing logs in

    stranger = app.test_client()
    page = stranger.get(path)
    assert page.status_code == 200 and NEW in page.get_data(as_text=True)
    short = set_password(stranger, path, "short")
    assert short.status_code == 400 and "at least 10 characters" in short.get_data(as_text=True)
    differ = set_password(stranger, path, NEW_PASSWORD, "another long password")
    assert differ.status_code == 400 and "not the same" in differ.get_data(as_text=True)
    done = set_password(stranger, path, NEW_PASSWORD)
    assert done.status_code == 302 and done.headers["Location"] == "/login"

    assert login(app.test_client(), NEW, NEW_PASSWORD).status_code == 302
    assert stranger.get(path).status_code == 404
    again = app.test_client()
    page_token = csrf_token(again, "/login")
    reuse = again.post(
        path, data={"csrf_token": page_token, "password": "yet another password", "confirm": "yet another password"}
    )
    assert reuse.status_code == 404
    assert login(app.test_client(), NEW, "yet another password").status_code == 401


def test_an_invitation_expires(admin, monkeypatch):
    hub, app, client, _ = admin
    clock = Clock()
    hub.invitations.clock = clock
    path = shown_link(invite(client, NEW))
    clock.now += hub.invitations.lifetime - 60
    assert app.test_client().get(path).status_code == 200
    clock.now += 120
    assert app.test_client().get(path).status_code == 404
    assert login(app.test_client(), NEW, NEW_PASSWORD).status_code == 401


def test_the_expiry_is_a_setting(tmp_path):
    from web.settings import Settings

    assert Settings.from_env({}).web.invite_days == 7
    assert Settings.from_env({"SKH_INVITE_DAYS": "2"}).web.invite_days == 2
    with pytest.raises(ValueError, match="SKH_INVITE_DAYS"):
        Settings.from_env({"SKH_INVITE_DAYS": "0"})


def test_inviting_an_existing_or_malformed_address_says_why(admin):
    _, _, client, emails = admin
    taken = invite(client, emails["member"].upper())
    assert taken.status_code == 400 and "already has an account" in taken.get_data(as_text=True)
    bad = invite(client, "not an address")
    assert bad.status_code == 400 and "not an e-mail address" in bad.get_data(as_text=True)
    assert client.post("/admin/users/invite", data={"email": NEW, "role": "member"}).status_code == 400  # no CSRF


def test_a_reset_link_replaces_the_password_and_ends_sessions(admin):
    hub, app, client, emails = admin
    member = app.test_client()
    assert login(member, emails["member"]).status_code == 302
    response = post_users_form(client, f"/admin/users/{emails['member']}/reset")
    path = shown_link(response)
    assert (
        login(app.test_client(), emails["member"]).status_code == 302
    )  # the old password works until the link is used
    first = path
    path = shown_link(post_users_form(client, f"/admin/users/{emails['member']}/reset"))
    assert app.test_client().get(first).status_code == 404  # a newer link replaces the older one
    assert set_password(app.test_client(), path, NEW_PASSWORD).status_code == 302
    assert login(app.test_client(), emails["member"]).status_code == 401
    assert login(app.test_client(), emails["member"], NEW_PASSWORD).status_code == 302
    assert emails["member"] not in member.get("/").get_data(as_text=True)  # the old session ended


def test_deactivating_ends_sessions_and_blocks_login_until_reactivated(admin):
    hub, app, client, emails = admin
    staff = app.test_client()
    assert login(staff, emails["staff"]).status_code == 302
    assert staff.get("/upload").status_code == 200
    reset_path = shown_link(post_users_form(client, f"/admin/users/{emails['staff']}/reset"))
    assert post_users_form(client, f"/admin/users/{emails['staff']}/deactivate").status_code == 302
    assert staff.get("/upload").status_code == 302  # to the login page: the session ended at once
    assert login(app.test_client(), emails["staff"]).status_code == 401
    assert app.test_client().get(reset_path).status_code == 404  # no way in through an older link either
    page = client.get("/admin/users").get_data(as_text=True)
    assert "Deactivated" in page and "Reactivate" in page
    assert post_users_form(client, f"/admin/users/{emails['staff']}/reactivate").status_code == 302
    assert login(app.test_client(), emails["staff"]).status_code == 302
    assert app.test_client().get(reset_path).status_code == 404  # reactivating does not revive the old link


def test_a_role_change_takes_effect_at_once(admin):
    hub, app, client, emails = admin
    member = app.test_client()
    assert login(member, emails["member"]).status_code == 302
    assert member.get("/upload").status_code == 403
    response = post_users_form(client, f"/admin/users/{emails['member']}/role", role="staff")
    assert response.status_code == 302
    assert hub.accounts.get(emails["member"]).role == "staff"
    assert member.get("/upload").status_code == 302  # the old session ended with the change
    fresh = app.test_client()
    login(fresh, emails["member"])
    assert fresh.get("/upload").status_code == 200
    assert post_users_form(client, f"/admin/users/{emails['member']}/role", role="owner").status_code == 400
    assert hub.accounts.get(emails["member"]).role == "staff"


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(admin):
    hub, app, client, emails = admin
    # In the browser an admin cannot demote or deactivate themselves at all (no lock-out by a slip).
    for action, data in (("role", {"role": "member"}), ("deactivate", {})):
        post_users_form(client, f"/admin/users/{emails['admin']}/{action}", **data)
        assert hub.accounts.get(emails["admin"]).role == "admin"
    assert "cannot change your own role" in client.get("/admin/users").get_data(as_text=True)
    # With a second admin, one may demote the other; the one left is then the last and is kept.
    hub.accounts.add("second@cluster.example", "admin", PASSWORD)
    assert post_users_form(client, "/admin/users/second@cluster.example/role", role="staff").status_code == 302
    assert hub.accounts.get("second@cluster.example").role == "staff"
    with pytest.raises(LastAdmin):
        hub.accounts.set_role(emails["admin"], "member", by="x@cluster.example", keep_admin=True)
    with pytest.raises(LastAdmin):
        hub.accounts.set_active(emails["admin"], False, by="x@cluster.example", keep_admin=True)
    assert hub.accounts.get(emails["admin"]).role == "admin"
    assert emails["admin"] in client.get("/").get_data(as_text=True)  # refused changes ended no session
    # A deactivated admin does not count: the last active one is kept even with another admin on the list.
    hub.accounts.set_role("second@cluster.example", "admin")
    hub.accounts.set_active("second@cluster.example", False)
    with pytest.raises(LastAdmin):
        hub.accounts.set_role(emails["admin"], "staff", keep_admin=True)
    # The command line is the way back in: it is not held to this.
    hub.accounts.set_role(emails["admin"], "staff")
    assert hub.accounts.get(emails["admin"]).role == "staff"


@pytest.mark.parametrize("role", ["anonymous", "member", "staff"])
def test_non_admins_get_no_admin_page(hub, role):
    emails = make_users(hub)
    client = create_app(hub, TESTING=True).test_client()
    if role != "anonymous":
        login(client, emails[role])
    expected = 302 if role == "anonymous" else 403
    for path in ("/admin/users", "/admin/users/invite", "/admin/audit.csv"):
        assert client.get(path).status_code == expected, path
    token = csrf_token(client, "/login")
    for path in (
        f"/admin/users/{emails['member']}/role",
        f"/admin/users/{emails['member']}/deactivate",
        f"/admin/users/{emails['member']}/reset",
        "/admin/users/invite",
    ):
        response = client.post(path, data={"csrf_token": token, "role": "admin", "email": NEW})
        assert response.status_code == expected, path
    assert hub.accounts.get(emails["member"]).role == "member" and hub.accounts.account(NEW) is None


def test_the_users_page_lists_accounts_and_escapes_them(admin):
    hub, _, client, emails = admin
    hub.accounts.add('"<b>x</b>"@cluster.example', "member", PASSWORD)
    page = client.get("/admin/users").get_data(as_text=True)
    for email in emails.values():
        assert email in page
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert page.count('name="csrf_token"') >= 3 * 3  # every row's every form


def test_the_users_page_finds_by_address_and_lists_a_page_at_a_time(admin):
    hub, _, client, _emails = admin
    for n in range(120):  # invited (no password to hash): 123 accounts in all
        hub.accounts.add(f"member{n:03d}@lab.example", "member", None)
    hub.accounts.add("odd_one%@lab.example", "member", None)

    def listed(path: str) -> list[str]:
        return re.findall(r'<tr data-email="([^"]+)"', client.get(path).get_data(as_text=True))

    first = client.get("/admin/users").get_data(as_text=True)
    assert "Accounts 1–50 of 124" in first and 'rel="next" href="/admin/users?page=2"' in first
    assert listed("/admin/users")[0] == "admin@cluster.example"
    third = client.get("/admin/users?page=3").get_data(as_text=True)
    assert "Accounts 101–124 of 124" in third and 'rel="next"' not in third and 'rel="prev"' in third
    assert listed("/admin/users?q=MEMBER11") == [f"member11{n}@lab.example" for n in range(10)]
    assert listed("/admin/users?q=_one%25") == ["odd_one%@lab.example"]  # LIKE's wildcards are plain letters
    assert listed("/admin/users?q=e_1") == []
    nothing = client.get("/admin/users?q=%3Cscript%3E").get_data(as_text=True)
    assert "No account matches “&lt;script&gt;”." in nothing
    assert listed("/admin/users?page=999") == listed("/admin/users?page=3")  # past the end: the last page
    assert listed("/admin/users?page=x")[0] == "admin@cluster.example"


def test_an_accounts_file_from_before_upgrades_in_place(tmp_path):
    import sqlite3

    from web.accounts import Accounts

    path = tmp_path / "accounts.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE users (email TEXT PRIMARY KEY, role TEXT NOT NULL CHECK (role IN ('member', 'staff', 'admin')),"
        " password_hash TEXT NOT NULL, created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
        "CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL DEFAULT '2024-01-01T00:00:00Z',"
        " actor TEXT NOT NULL, action TEXT NOT NULL, doc_id TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '{}');"
        "INSERT INTO audit (actor, action, doc_id) VALUES ('a@x.dk', 'upload', 'abc');"
    )
    from werkzeug.security import generate_password_hash

    old.execute(
        "INSERT INTO users (email, role, password_hash) VALUES (?, ?, ?)",
        ("a@x.dk", "admin", generate_password_hash(PASSWORD)),
    )
    old.commit()
    old.close()
    accounts = Accounts(path)
    assert accounts.authenticate("a@x.dk", PASSWORD) is not None
    assert accounts.account("a@x.dk").active and accounts.account("a@x.dk").last_login == ""
    assert [e.action for e in accounts.audit_log()] == ["upload"]


def test_the_admin_pages_in_danish_show_no_english(admin):
    from tests.test_i18n_pages import DA, OUTSIDE_THE_CATALOGUE, catalogue_english, readable

    hub, app, client, emails = admin
    english = catalogue_english()
    assert {"Invite someone", "That e-mail address already has an account"} <= english  # the scan knows ours
    invited = invite(client, NEW)
    path = shown_link(invited)
    stranger = app.test_client()
    pages = {
        "users": client.get("/admin/users", headers=DA),
        "invite": client.get("/admin/users/invite", headers=DA),
        "invite, taken": client.post(
            "/admin/users/invite",
            data={"csrf_token": csrf_token(client, "/admin/users/invite"), "email": emails["staff"], "role": "staff"},
            headers=DA,
        ),
        "link": client.post(
            f"/admin/users/{emails['member']}/reset",
            data={"csrf_token": csrf_token(client, "/admin/users")},
            headers=DA,
        ),
        "set-password": stranger.get(path, headers=DA),
        "set-password, errors": stranger.post(
            path,
            data={"csrf_token": csrf_token(stranger, path), "password": "kort", "confirm": "andet"},
            headers=DA,
        ),
        "users, own account refused": client.post(
            f"/admin/users/{emails['admin']}/deactivate",
            data={"csrf_token": csrf_token(client, "/admin/users")},
            headers=DA,
            follow_redirects=True,
        ),
        "audit": client.get("/admin/audit?since=igår", headers=DA),
        "dead link": app.test_client().get("/set-password/" + "x" * 43, headers=DA),
    }
    found = {}
    for name, response in pages.items():
        text = readable(response.get_data(as_text=True))
        leaks = [e for e in english if e in text]
        leaks += [e for e in OUTSIDE_THE_CATALOGUE if re.search(rf"\b{re.escape(e)}\b", text)]
        if leaks:
            found[name] = leaks
    assert not found, found
    assert "Du kan ikke ændre din egen rolle" in readable(pages["users, own account refused"].get_data(as_text=True))
    assert "mindst 10 tegn" in readable(pages["set-password, errors"].get_data(as_text=True))


def test_every_admin_form_needs_its_csrf_token(admin):
    hub, app, client, emails = admin
    member = emails["member"]
    for path, data in (
        (f"/admin/users/{member}/role", {"role": "admin"}),
        (f"/admin/users/{member}/deactivate", {}),
        (f"/admin/users/{member}/reset", {}),
        ("/admin/users/invite", {"email": NEW, "role": "admin"}),
    ):
        assert client.post(path, data=data).status_code == 400, path
    assert hub.accounts.get(member).role == "member" and hub.accounts.account(NEW) is None
    assert hub.invitations._conn().execute("SELECT COUNT(*) FROM password_links").fetchone()[0] == 0
    path = shown_link(invite(client, NEW))
    refused = app.test_client().post(path, data={"password": "a long new password", "confirm": "a long new password"})
    assert refused.status_code == 400 and not hub.accounts.account(NEW).has_password


def test_a_link_of_a_removed_account_never_opens_a_later_one_of_that_address(admin):
    hub, app, client, _ = admin
    path = shown_link(invite(client, NEW))
    hub.accounts.remove(NEW)
    assert app.test_client().get(path).status_code == 404
    hub.accounts.add(NEW, "admin", PASSWORD)  # made again on the command line, with its own password
    assert app.test_client().get(path).status_code == 404
    taken = app.test_client()
    assert (
        taken.post(
            path, data={"csrf_token": csrf_token(taken, "/login"), "password": "x" * 12, "confirm": "x" * 12}
        ).status_code
        == 404
    )
    assert (
        login(app.test_client(), NEW).status_code == 302 and login(app.test_client(), NEW, "x" * 12).status_code == 401
    )
