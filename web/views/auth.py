"""Logging in and out (Flask-Login sessions; attempts rate-limited)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_user, logout_user

from web.app import get_hub
from web.forms import LoginForm, PostForm

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: a login link must not redirect to another site."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("pages.home")


LOGIN_LIMIT = "10 per 5 minutes"
"""Failed login attempts allowed per client address (successful ones are not counted)."""


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = get_hub().accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append("Wrong e-mail or password.")
        return render_template("login.html", form=form), 401
    return render_template("login.html", form=form)


@bp.post("/logout")
def logout():
    if PostForm().validate_on_submit():
        logout_user()
        flash("You are logged out.")
    return redirect(url_for("pages.home"))
