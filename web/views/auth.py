"""Logging in and out: server-side sessions (web.sessions), failed attempts backed off (web.login_throttle);
setting a password with a one-time link (web.invitations). Each of these is written to the audit log."""

from __future__ import annotations

import math
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user

from web.account_forms import SetPasswordForm, password_rule
from web.accounts import MIN_PASSWORD, AccountError
from web.client_address import of_request
from web.forms import LoginForm, PostForm
from web.hub import get_hub
from web.invitations import LinkError

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
            hub.accounts.record(form.email.data.strip().lower(), "login_failed", "", address=address, throttled=True)
            # Backed off: the password is not even checked, so this answer tells nothing about it.
            seconds = math.ceil(wait)
            form.password.errors.append(
                _("Too many failed log-ins. Wait %(time)s and try again.", time=_how_long(seconds))
            )
            return render_template("login.html", form=form), 429, {"Retry-After": str(seconds)}
        user = hub.accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            hub.login_throttle.succeeded(form.email.data, address)
            login_user(hub.accounts.login(user, address))
            return redirect(safe_next(request.args.get("next")))
        # The typed e-mail and the address, never the password.
        hub.accounts.record(form.email.data.strip().lower(), "login_failed", "", address=address)
        form.password.errors.append(_("Wrong e-mail or password."))
        return render_template("login.html", form=form), 401
    return render_template("login.html", form=form)


@bp.post("/logout")
def logout():
    if PostForm().validate_on_submit():
        if current_user.is_authenticated:
            accounts = get_hub().accounts
            accounts.sessions.end(current_user.get_id())  # every copy of the cookie stops working
            accounts.record(current_user.email, "logout", "", address=of_request())
        logout_user()
        flash(_("You are logged out."))
    return redirect(url_for("pages.home"))


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    """The page an invitation or reset link opens: choose a password (the CLI's rules), once."""
    invitations = get_hub().invitations
    link = invitations.peek(token)
    if link is None:
        message = _("This link does not work: it was used already, has expired, or was replaced by a newer one.")
        return render_template("error.html", code=404, message=message), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            invitations.use(token, form.password.data, of_request())
        except LinkError:
            abort(404)
        except AccountError:
            form.password.errors.append(password_rule())
        else:
            if current_user.is_authenticated:  # whoever was logged in in this browser is not who set the password
                get_hub().accounts.sessions.end(current_user.get_id())
                logout_user()
            flash(_("Your password is set. Log in with it."))
            return redirect(url_for("auth.login"))
    headers = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    status = 400 if form.errors else 200
    return render_template("set_password.html", form=form, link=link, min_password=MIN_PASSWORD), status, headers
