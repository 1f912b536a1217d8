"""Sessions live on the server: logout, account changes and lifetimes end them for every copy of the cookie."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ingest.pipeline import Explicit
from tests.accounts_support import PASSWORD, Clock, csrf_token, login
from tests.conftest import ROOT
from web.app import create_app

MEMBER = "member@cluster.example"
OTHER = "other@cluster.example"


@pytest.fixture
def members_doc(hub, tmp_path) -> str:
    """A data dir with one members-only document and two member accounts; returns the document's id."""
    path = tmp_path / "briefing.txt"
    path.write_text("Member briefing on absorber panels\n\nThe absorber panels cut reverberation in classrooms.")
    doc_id = hub.ingestor.ingest_paths([path], Explicit(visibility="members")).outcomes[0].id
    hub.accounts.add(MEMBER, "member", PASSWORD)
    hub.accounts.add(OTHER, "member", PASSWORD)
    return doc_id


def logged_in(app, email: str) -> str:
    """Log in with a fresh browser; returns its session cookie as the browser saved it."""
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client.get_cookie("session").value


def with_cookie(app, cookie: str):
    """Another browser replaying a saved cookie (as a thief, or a tab left open, would)."""
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client


def skh(hub, *args: str, stdin: str = "") -> None:
    env = {**os.environ, "SKH_DATA_DIR": str(hub.datadir.root)}
    done = subprocess.run(
        [sys.executable, "-m", "web.cli", *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_a_cookie_saved_before_logout_no_longer_opens_upload(hub):
    hub.accounts.add("staff@cluster.example", "staff", PASSWORD)
    app = create_app(hub, TESTING=True)
    browser = app.test_client()
    assert login(browser, "staff@cluster.example").status_code == 302
    saved = browser.get_cookie("session").value
    assert with_cookie(app, saved).get("/upload").status_code == 200
    browser.post("/logout", data={"csrf_token": csrf_token(browser, "/")})
    response = with_cookie(app, saved).get("/upload")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "command",
    [
        ("users", "passwd", MEMBER, "--password-stdin"),
        ("users", "role", MEMBER, "member"),  # even a "change" to the same role ends the sessions
        ("users", "remove", MEMBER),
    ],
    ids=["passwd", "role", "remove"],
)
def test_an_account_change_on_the_command_line_ends_the_users_sessions(hub, members_doc, command):
    app = create_app(hub, TESTING=True)
    mine, others = logged_in(app, MEMBER), logged_in(app, OTHER)
    assert with_cookie(app, mine).get(f"/doc/{members_doc}").status_code == 200
    skh(hub, *command, stdin="a brand new password\n")
    assert with_cookie(app, mine).get(f"/doc/{members_doc}").status_code == 404
    assert with_cookie(app, others).get(f"/doc/{members_doc}").status_code == 200  # only that user's


def test_a_role_change_takes_effect_at_once_and_the_new_login_has_the_new_role(hub, members_doc):
    app = create_app(hub, TESTING=True)
    old = logged_in(app, MEMBER)
    skh(hub, "users", "role", MEMBER, "staff")
    assert with_cookie(app, old).get("/upload").status_code == 302  # to the login page
    assert with_cookie(app, logged_in(app, MEMBER)).get("/upload").status_code == 200


def test_sessions_end_when_idle_and_after_the_absolute_lifetime(hub, members_doc):
    clock = Clock()
    hub.accounts.sessions.clock = clock
    idle, absolute = hub.accounts.sessions.lifetimes.idle, hub.accounts.sessions.lifetimes.absolute
    app = create_app(hub, TESTING=True)
    doc = f"/doc/{members_doc}"

    cookie = logged_in(app, MEMBER)
    for _ in range(2):  # idle is counted from the last request, not from the login
        clock.now += idle - 60
        assert with_cookie(app, cookie).get(doc).status_code == 200
    clock.now += idle + 1
    assert with_cookie(app, cookie).get(doc).status_code == 404

    login_at = clock.now
    cookie = logged_in(app, MEMBER)
    while clock.now + idle / 2 <= login_at + absolute:  # busy all day ...
        clock.now += idle / 2
        assert with_cookie(app, cookie).get(doc).status_code == 200
    clock.now = login_at + absolute + 1  # ... until the absolute lifetime ends it
    assert with_cookie(app, cookie).get(doc).status_code == 404


def test_lifetimes_come_from_the_environment(hub, monkeypatch):
    monkeypatch.setenv("SKH_SESSION_IDLE_MINUTES", "5")
    monkeypatch.setenv("SKH_SESSION_MAX_HOURS", "0.5")
    from web.sessions import Lifetimes

    assert Lifetimes.from_env() == Lifetimes(idle=300, absolute=1800)
    monkeypatch.setenv("SKH_SESSION_IDLE_MINUTES", "soon")
    with pytest.raises(ValueError, match="SKH_SESSION_IDLE_MINUTES"):
        Lifetimes.from_env()


def test_the_database_holds_only_hashes_of_session_tokens(hub):
    hub.accounts.add(MEMBER, "member", PASSWORD)
    app = create_app(hub, TESTING=True)
    client = app.test_client()
    login(client, MEMBER)
    with app.test_request_context():
        token = app.session_interface.get_signing_serializer(app).loads(client.get_cookie("session").value)["_user_id"]
    stored = [r[0] for r in hub.accounts._conn().execute("SELECT token_hash FROM sessions")]
    assert len(stored) == 1 and token not in stored and MEMBER not in token
