"""Accounts: the users command, login, logout, sessions and rate limiting."""

from __future__ import annotations

from click.testing import CliRunner

from tests.accounts_support import PASSWORD, csrf_token, login
from web.app import create_app
from web.cli import main
from web.hub import Hub


def run(tmp_path, *args, input=None):
    return CliRunner().invoke(main, list(args), input=input, env={"SKH_DATA_DIR": str(tmp_path / "data")})


def test_users_command_adds_lists_changes_and_removes(tmp_path):
    assert run(tmp_path, "users", "list").output == ""  # no account ships
    added = run(tmp_path, "users", "add", "Ann@Cluster.example", "--role", "admin", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert added.exit_code == 0 and "added ann@cluster.example (admin)" in added.output
    assert "ann@cluster.example\tadmin" in run(tmp_path, "users", "list").output
    short = run(tmp_path, "users", "add", "bo@cluster.example", "--role", "staff", "--password-stdin", input="short\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    twice = run(
        tmp_path, "users", "add", "ann@cluster.example", "--role", "staff", "--password-stdin", input=f"{PASSWORD}\n"
    )
    assert twice.exit_code == 1 and "already has an account" in twice.output
    assert (
        run(
            tmp_path, "users", "passwd", "ann@cluster.example", "--password-stdin", input="another long password\n"
        ).exit_code
        == 0
    )
    hub = Hub.open(tmp_path / "data")
    assert hub.accounts.authenticate("ann@cluster.example", "another long password")
    assert hub.accounts.authenticate("ann@cluster.example", PASSWORD) is None
    assert run(tmp_path, "users", "remove", "ann@cluster.example").exit_code == 0
    assert run(tmp_path, "users", "list").output == ""


def test_passwords_are_hashed(hub):
    hub.accounts.add("x@cluster.example", "member", PASSWORD)
    raw = hub.accounts._conn().execute("SELECT password_hash FROM users").fetchone()[0]
    assert PASSWORD not in raw and raw.startswith(("scrypt:", "pbkdf2:"))


def test_login_session_cookie_and_logout(hub):
    hub.accounts.add("m@cluster.example", "member", PASSWORD)
    client = create_app(hub, TESTING=True).test_client()
    response = login(client, "m@cluster.example")
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie
    assert "m@cluster.example" in client.get("/").get_data(as_text=True)
    # Logging out needs the form's CSRF token: a cross-site POST cannot do it.
    client.post("/logout")
    assert "m@cluster.example" in client.get("/").get_data(as_text=True)
    token = csrf_token(client, "/")
    client.post("/logout", data={"csrf_token": token})
    assert "Log in" in client.get("/").get_data(as_text=True)


def test_wrong_password_is_said_without_saying_which_part(hub):
    hub.accounts.add("m@cluster.example", "member", PASSWORD)
    client = create_app(hub, TESTING=True).test_client()
    for email, password in (("m@cluster.example", "wrong password!"), ("nobody@cluster.example", PASSWORD)):
        response = login(client, email, password)
        assert response.status_code == 401 and "Wrong e-mail or password." in response.get_data(as_text=True)


def test_failed_logins_are_rate_limited(hub):
    hub.accounts.add("m@cluster.example", "member", PASSWORD)
    client = create_app(hub, TESTING=True).test_client()
    statuses = [login(client, "m@cluster.example", "wrong password!").status_code for _ in range(6)]
    assert statuses[:5] == [401] * 5 and statuses[5] == 429  # five free failures per account and address
    assert login(client, "m@cluster.example").status_code == 429  # even the right password waits


def test_login_redirects_only_within_the_site(hub):
    hub.accounts.add("s@cluster.example", "staff", PASSWORD)
    client = create_app(hub, TESTING=True).test_client()
    token = csrf_token(client, "/login")
    response = client.post(
        "/login?next=//evil.example/x", data={"email": "s@cluster.example", "password": PASSWORD, "csrf_token": token}
    )
    assert response.headers["Location"] == "/"


def test_users_invite_and_reset_print_a_one_time_link_that_works(tmp_path):
    """For an operator on the server: the same links the admin pages show, printed whole with SKH_PUBLIC_URL."""
    from tests.test_admin_users import set_password

    env = {"SKH_DATA_DIR": str(tmp_path / "data"), "SKH_PUBLIC_URL": "https://hub.example.dk"}
    invited = CliRunner().invoke(main, ["users", "invite", "Nea@Cluster.example", "--role", "staff"], env=env)
    assert invited.exit_code == 0, invited.output
    link = invited.output.strip().splitlines()[-1]
    assert link.startswith("https://hub.example.dk/set-password/") and "nea@cluster.example" in invited.output
    assert "nea@cluster.example\tstaff\tinvited" in run(tmp_path, "users", "list").output

    hub = Hub.open(tmp_path / "data")
    app = create_app(hub, TESTING=True)
    path = link.removeprefix("https://hub.example.dk")
    assert set_password(app.test_client(), path, PASSWORD).status_code == 302
    assert login(app.test_client(), "nea@cluster.example").status_code == 302
    assert app.test_client().get(path).status_code == 404  # once
    assert any(e.action == "account_invited" and e.actor.startswith("cli:") for e in hub.accounts.audit_log())

    reset = run(tmp_path, "users", "reset", "nea@cluster.example")
    reset_link = reset.stdout.splitlines()[-1]
    assert reset.exit_code == 0 and reset_link.startswith("/set-password/") and "SKH_PUBLIC_URL" in reset.stderr
    assert set_password(app.test_client(), reset_link, "a brand new password").status_code == 302
    assert login(app.test_client(), "nea@cluster.example", "a brand new password").status_code == 302
    missing = run(tmp_path, "users", "reset", "nobody@cluster.example")
    assert missing.exit_code == 1 and "no account for nobody@cluster.example" in missing.output
