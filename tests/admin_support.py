"""Admin page helpers for tests: post a users-page form with its CSRF token, read a shown set-password link."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from tests.accounts_support import csrf_token


def post_users_form(client, path: str, **data):
    """POST one of the users page's forms (role, deactivate, reactivate, reset) as the page would."""
    return client.post(path, data={"csrf_token": csrf_token(client, "/admin/users"), **data})


def invite(client, email: str, role: str = "member"):
    token = csrf_token(client, "/admin/users/invite")
    return client.post("/admin/users/invite", data={"csrf_token": token, "email": email, "role": role})


def shown_link(response) -> str:
    """The path of the set-password link a link page shows (``/set-password/<token>``)."""
    page = response.get_data(as_text=True)
    match = re.search(r'id="password-link"[^>]*value="([^"]+)"', page)
    assert match, page
    return urlsplit(match.group(1)).path


def set_password(client, path: str, password: str, confirm: str | None = None):
    token = csrf_token(client, path)
    data = {"csrf_token": token, "password": password, "confirm": password if confirm is None else confirm}
    return client.post(path, data=data)
