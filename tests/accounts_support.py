"""Logging in through the real login form (with its CSRF token) in tests."""

from __future__ import annotations

import re

PASSWORD = "correct horse battery"


def csrf_token(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client, email: str, password: str = PASSWORD):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def make_users(hub) -> dict[str, str]:
    """One account per role; returns role -> e-mail."""
    emails = {}
    for role in ("member", "staff", "admin"):
        email = f"{role}@cluster.example"
        hub.accounts.add(email, role, PASSWORD)
        emails[role] = email
    return emails


class Clock:
    """A wall clock the test moves by hand (sessions, login back-off and rate limits take one)."""

    def __init__(self, start: float = 1_800_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now


def staff_client(hub):
    """A test client of a new app on ``hub``, logged in as the staff account of :func:`make_users` (made here)."""
    from web.app import create_app

    make_users(hub)
    client = create_app(hub, TESTING=True).test_client()
    assert login(client, "staff@cluster.example").status_code == 302
    return client
