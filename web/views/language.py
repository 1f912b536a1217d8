"""The header's language switch: ``/language/da?next=/search?q=støj`` remembers Danish in a cookie and
goes back to the page it was clicked on (only ever a path on this site)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, request

from web.i18n import COOKIE, COOKIE_MAX_AGE, offered
from web.views.auth import safe_next

bp = Blueprint("language", __name__)


@bp.get("/language/<code>")
def switch(code: str):
    if code not in offered():
        abort(404)
    response = redirect(safe_next(request.args.get("next")))
    # A preference, not a credential: readable by nobody's script but ours is still the safer default.
    response.set_cookie(
        COOKIE,
        code,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
    return response
