"""Who may see what. Every path that can reveal a document asks this module.

Visibility levels per role: anonymous visitors see public documents, members
public and members-only ones, staff and admins everything. A document the
user may not see is treated exactly like a missing one (404), so its
existence does not leak either.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user

from ingest.model import Document

LEVELS = {
    "anonymous": ("public",),
    "member": ("public", "members"),
    "staff": ("public", "members", "staff"),
    "admin": ("public", "members", "staff"),
}


def current_role() -> str:
    if current_user and current_user.is_authenticated:
        return current_user.role
    return "anonymous"


def visible_levels() -> tuple[str, ...]:
    """Visibility levels the current request may see."""
    return LEVELS.get(current_role(), LEVELS["anonymous"])


def can_see(doc: Document | None) -> bool:
    return doc is not None and doc.visibility in visible_levels()


def _require(roles: tuple[str, ...]) -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            role = current_role()
            if role == "anonymous":
                return redirect(url_for("auth.login", next=request.full_path))
            if role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


staff_required = _require(("staff", "admin"))
admin_required = _require(("admin",))
