"""Logging in and out: server-side sessions (web.sessions), failed attempts backed off (web.login_throttle)."""

from __future__ import annotations

import math
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user

from web.client_address import of_request
from web.forms import LoginForm, PostForm
from web.hub import get_hub

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only same-site paths: a login link or the language switch must not redirect to another site.

    Browsers read ``/\\host`` as ``//host``, so a backslash (or a control character) anywhere disqualifies.
    """
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and not urlsplit(target).netloc
        and "\\" not in target
        and target.isprintable()
    ):
        return target
    return url_for("pages.home")


def _how_long(seconds: int) -> str:
    if seconds < 90:
        return ngettext("%(num)d second", "%(num)d seconds", seconds)
    minutes = math.ceil(seconds / 60)
    return ngettext("%(num)d minute", "%(num)d minutes", minutes)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        hub = get_hub()
        address = of_request()
        wait = hub.login_throttle.admit(form.email.data, address)
        if wait:
            # Backed off: the password is not even checked, so this answer tells nothing about it.
            seconds = math.ceil(wait)
            form.password.errors.append(
                _("Too many failed log-ins. Wait %(time)s and try again.", time=_how_long(seconds))
            )
            return render_template("login.html", form=form), 429, {"Retry-After": str(seconds)}
        user = hub.accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            hub.login_throttle.succeeded(form.email.data, address)
            login_user(hub.accounts.login(user))
            return redirect(safe_next(request.args.get("next")))
        form.password.errors.append(_("Wrong e-mail or password."))
        return render_template("login.html", form=form), 401
    return render_template("login.html", form=form)


@bp.post("/logout")
def logout():
    if PostForm().validate_on_submit():
        if current_user.is_authenticated:
            get_hub().accounts.sessions.end(current_user.get_id())  # every copy of the cookie stops working
        logout_user()
        flash(_("You are logged out."))
    return redirect(url_for("pages.home"))
