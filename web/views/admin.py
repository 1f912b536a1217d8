"""Admins in the browser: accounts (list, invite, role, deactivate, reset) and the audit log's CSV export.

Every change goes through :mod:`web.accounts` / :mod:`web.invitations` with the admin as ``by``, so it is in
the audit log, ends the account's sessions where it should, and cannot leave the hub without an active admin
(``keep_admin``). A set-password link is shown once, on the answer to the POST that made it, and never again:
only its hash is kept.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from web import audit_page
from web.access import admin_required
from web.account_forms import InviteForm, RoleForm
from web.accounts import ROLES, AccountError
from web.audit_csv import csv_lines
from web.forms import PostForm
from web.hub import get_hub
from web.i18n import role_name
from web.public_url import external

bp = Blueprint("admin", __name__, url_prefix="/admin")

NO_STORE = {"Cache-Control": "no-store"}


USERS_PER_PAGE = 50
"""Accounts a page of ``/admin/users`` lists (each row carries its forms)."""


def _users_page(status: int = 200, invite: InviteForm | None = None):
    hub = get_hub()
    text = request.args.get("q", "").strip()[:100]
    page = request.args.get("page", "1")
    wanted = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    total = hub.accounts.count_matching(text)
    last = max(1, -(-total // USERS_PER_PAGE))
    number = min(wanted, last)  # past the end: the last page
    found = hub.accounts.find(text, (number - 1) * USERS_PER_PAGE, USERS_PER_PAGE)

    def to(n: int) -> str:
        return url_for("admin.users", **({"q": text} if text else {}), **({"page": n} if n > 1 else {}))

    return (
        render_template(
            "users.html",
            accounts=found,
            text=text,
            shown=(min(total, (number - 1) * USERS_PER_PAGE + 1), min(total, number * USERS_PER_PAGE), total),
            prev_url=to(number - 1) if number > 1 else None,
            next_url=to(number + 1) if number < last else None,
            post=PostForm(),
            roles=ROLES,
            invite=invite or InviteForm(formdata=None),
        ),
        status,
    )


@bp.get("/users")
@admin_required
def users():
    return _users_page()


def _link_page(email: str, token: str, purpose: str):
    days = get_hub().invitations.lifetime / 86400
    link = external("auth.set_password", token=token)
    page = render_template("password_link.html", email=email, link=link, purpose=purpose, days=days)
    return page, 200, NO_STORE


@bp.route("/users/invite", methods=["GET", "POST"])
@admin_required
def invite():
    form = InviteForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("invite.html", form=form), status
    try:
        token = get_hub().invitations.invite(form.email.data, form.role.data, by=current_user.email)
    except AccountError as exc:
        form.email.errors.append(_account_message(exc))
        return render_template("invite.html", form=form), 400
    return _link_page(form.email.data.strip().lower(), token, "invite")


def _account_message(exc: AccountError) -> str:
    """What an account change that could not be done says, in the interface language."""
    messages = {
        "last_admin": _("That would leave no active administrator. Make another account an administrator first."),
        "exists": _("That e-mail address already has an account."),
        "not_email": _("That is not an e-mail address."),
        "deactivated": _("That account is deactivated. Reactivate it first."),
    }
    return messages.get(exc.code, _("There is no such account."))


def _change(email: str, do) -> Response:
    """Run one change on the users page: CSRF checked, one's own account refused, the outcome flashed."""
    if not PostForm().validate_on_submit():
        abort(400)
    if email.strip().lower() == current_user.email:
        flash(_("You cannot change your own role or deactivate yourself here; ask another administrator."))
        return redirect(url_for("admin.users"))
    try:
        message = do()
    except AccountError as exc:
        flash(_account_message(exc))
    else:
        flash(message)
    return redirect(url_for("admin.users"))


@bp.post("/users/<path:email>/role")
@admin_required
def change_role(email: str):
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)

    def do():
        get_hub().accounts.set_role(email, form.role.data, by=current_user.email, keep_admin=True)
        return _("%(email)s is now %(role)s; their sessions were ended.", email=email, role=role_name(form.role.data))

    return _change(email, do)


@bp.post("/users/<path:email>/deactivate")
@admin_required
def deactivate(email: str):
    def do():
        get_hub().accounts.set_active(email, False, by=current_user.email, keep_admin=True)
        return _("%(email)s is deactivated and logged out everywhere.", email=email)

    return _change(email, do)


@bp.post("/users/<path:email>/reactivate")
@admin_required
def reactivate(email: str):
    def do():
        get_hub().accounts.set_active(email, True, by=current_user.email)
        return _("%(email)s can log in again.", email=email)

    return _change(email, do)


@bp.post("/users/<path:email>/reset")
@admin_required
def reset(email: str):
    if not PostForm().validate_on_submit():
        abort(400)
    try:
        token = get_hub().invitations.reset(email, by=current_user.email)
    except AccountError as exc:
        flash(_account_message(exc))
        return redirect(url_for("admin.users"))
    return _link_page(email.strip().lower(), token, "reset")


@bp.get("/audit.csv")
@admin_required
def audit_export():
    """The filtered log (the page's filters) as CSV: the newest ``EXPORT_MAX_ROWS`` rows at most."""
    hub = get_hub()
    _form, query, _page = audit_page.read_filters(request.args)
    entries = hub.accounts.audit_log(limit=audit_page.EXPORT_MAX_ROWS, query=query)
    rows = audit_page.rows(entries, hub.catalog)
    name = f"audit-{datetime.now(UTC):%Y%m%d-%H%M%S}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', **NO_STORE}
    return Response(csv_lines(rows), mimetype="text/csv", headers=headers)
