"""The Flask application factory: the settings are read here (or by the command that starts the app) and
go into ``app.config`` and the hub."""

from __future__ import annotations

import os
import secrets
import tempfile
from urllib.parse import urlencode

from flask import Flask, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from web import api_errors, client_address, i18n, rate_limit
from web.hub import Hub
from web.settings import Settings

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}

# Flask-WTF's reasons for refusing a form (flask_wtf.csrf), so the error page can say them in Danish too.
CSRF_REASONS = {
    "The CSRF token is missing.": _l("The form's security token is missing."),
    "The CSRF session token is missing.": _l("Your session's security token is missing."),
    "The CSRF token has expired.": _l("The form's security token has expired."),
    "The CSRF token is invalid.": _l("The form's security token is invalid."),
    "The CSRF tokens do not match.": _l("The form's security tokens do not match."),
    "The referrer header is missing.": _l("The referrer header is missing."),
    "The referrer does not match the host.": _l("The referrer does not match the host."),
}


def _secret_key(hub: Hub) -> str:
    """``SKH_SECRET_KEY``, else one kept in the data dir so sessions survive restarts."""
    if hub.settings.web.secret_key:
        return hub.settings.web.secret_key
    path = hub.datadir.root / "secret_key"
    if not path.exists():
        # Written aside, then linked into place: of several processes starting at once
        # (``skh serve --workers N`` on a new data dir) one key wins and all read it, never half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return path.read_text().strip()


def prepare_data_dir(hub: Hub) -> None:
    """Create what the web app keeps in the data dir (secret key, account, session, login-failure and
    request-count tables) before workers fork, and check the settings.

    Worker processes starting together on a new data dir would otherwise race to
    create them: two secret keys (sessions made by one worker rejected by the
    other) or two schema set-ups at once (one worker failing with "database is locked").
    A bad ``SKH_...`` value raises ValueError here, once, rather than in every worker.
    """
    _secret_key(hub)
    _ = hub.accounts, hub.invitations, hub.pending, hub.login_throttle, hub.request_counts
    rate_limit.Rate.parse(hub.settings.web.rate_limit)
    client_address.trusted_proxies(hub.settings.web.trusted_proxies)


def create_app(hub: Hub | None = None, **config: object) -> Flask:
    """The app serving ``hub`` (default: the data dir of settings read from the environment now); ``config``
    overrides ``app.config`` entries (tests)."""
    hub = hub or Hub.open(settings=Settings.from_env())
    web = hub.settings.web
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=_secret_key(hub),
        MAX_CONTENT_LENGTH=web.max_upload_mb * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # Browsers accept Secure cookies from http://127.0.0.1 and localhost; set
        # SKH_INSECURE_COOKIES=1 only for plain-HTTP access under another name.
        SESSION_COOKIE_SECURE=not web.insecure_cookies,
        REMEMBER_COOKIE_SECURE=not web.insecure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        WTF_CSRF_TIME_LIMIT=None,  # tied to the session instead; a form left open over lunch still posts
        SKH_RATE_LIMIT=web.rate_limit,
        SKH_TRUSTED_PROXIES=web.trusted_proxies,
        SKH_PUBLIC_URL=web.public_url,
    )
    app.config.update(config)
    app.config["SKH_TRUSTED_PROXIES"] = client_address.trusted_proxies(app.config["SKH_TRUSTED_PROXIES"])
    app.extensions["hub"] = hub

    i18n.install(app)
    CSRFProtect(app)
    login_manager = LoginManager(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"
    # The cookie holds a server-side session's token (web.sessions), never just the e-mail:
    # logout, expiry or an account change ends the session for every copy of the cookie.
    login_manager.user_loader(hub.accounts.session_user)

    from web.views import (
        admin,
        api,
        auth,
        bulk,
        citations,
        documents,
        experts,
        feeds,
        language,
        pages,
        people,
        site,
        staff,
        trash,
        work_versions,
        works,
    )

    blueprints = (pages.bp, documents.bp, api.bp, auth.bp, staff.bp, language.bp, feeds.bp, citations.bp, site.bp)
    for blueprint in (*blueprints, people.bp, experts.bp, admin.bp, trash.bp, bulk.bp, works.bp, work_versions.bp):
        app.register_blueprint(blueprint)

    rate = rate_limit.Rate.parse(str(app.config["SKH_RATE_LIMIT"]))
    rate_limit.install(app, hub.request_counts, rate, client_address.of_request)

    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.path.startswith("/static/"):
            # What a page shows depends on who is logged in: no shared cache may
            # keep a staff member's answer and hand it to the next visitor.
            response.headers.setdefault("Cache-Control", "private, no-cache")
            response.vary.add("Cookie")
            response.vary.add("Accept-Language")  # the interface language may come from it (web.i18n)
        return response

    def page(error: HTTPException, message: str):
        # Under /api/ every refusal is the JSON error body (web.api_errors); the pages keep HTML pages.
        if api_errors.is_api_request():
            return api_errors.from_http_exception(error)
        return render_template("error.html", code=error.code, message=message), error.code

    @app.errorhandler(403)
    def forbidden(error):
        return page(error, _("Your account does not have access to this page."))

    @app.errorhandler(404)
    def not_found(error):
        # An anonymous visitor may have followed a members-only link: the page says that logging in may help.
        # It says so on every 404 (a hidden document's is the same page as a missing one's, apart from the
        # address it returns to), so it reveals nothing about what the address holds.
        if api_errors.is_api_request():
            return api_errors.from_http_exception(error)
        from web.access import current_role

        message = _("We could not find that page or document.")
        login_url = None
        if current_role() == "anonymous":
            here = request.full_path.rstrip("?") if request.method == "GET" else "/"
            login_url = url_for("auth.login", next=here)
        return render_template("error.html", code=404, message=message, login_url=login_url), 404

    @app.errorhandler(413)
    def too_large(error):
        limit = i18n.number(app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024))
        return page(error, _("That upload is larger than the %(limit)s MB limit. Nothing was saved.", limit=limit))

    @app.errorhandler(429)
    def too_many(error):
        return page(error, _("Too many requests. Wait a little and try again."))

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        reason = CSRF_REASONS.get(error.description, error.description)
        return page(
            error, _("The form expired or did not come from this site (%(reason)s). Reload and retry.", reason=reason)
        )

    @app.errorhandler(500)
    def server_error(error):
        return page(error, _("Something went wrong on our side."))

    @app.errorhandler(HTTPException)
    def other_http_error(error: HTTPException):
        # Any other refusal (a GET of a POST-only address, a malformed form): the JSON error body under /api/
        # (web.api_errors), elsewhere a page in the interface language, not Werkzeug's English one.
        if api_errors.is_api_request():
            return api_errors.from_http_exception(error)
        if error.code is None:
            return error
        if error.code == 405:
            return page(error, _("This address does not accept that kind of request."))
        if error.code == 400:
            return page(error, _("The request was not understood. Reload the page and try again."))
        return page(error, _("The request could not be answered (HTTP %(code)s).", code=error.code))

    @app.context_processor
    def inject():
        from web.access import current_role
        from web.forms import NewVersionForm, PostForm, WorkLinkForm
        from web.people_view import author_links, org_links
        from web.public_url import external
        from web.works_view import work_candidates, work_listing

        role = current_role()
        return {
            "org_links": org_links,
            "author_links": author_links,
            "taxonomy": hub.taxonomy,
            "role": role,
            "logout_form": PostForm(formdata=None) if role != "anonymous" else None,
            "language_links": _language_links,
            "work_listing": work_listing,
            "external_url": external,
            "work_candidates": work_candidates,
            "work_link_form": WorkLinkForm,
            "new_version_form": NewVersionForm,
        }

    return app


def _language_links(back_to: str | None = None) -> list[tuple[str, str, str, bool]]:
    """The header's switch: (code, name in its own language, URL, is it the current one).

    The switch leads back to this page (``back_to`` overrides: error pages send it to the front page, so a
    hidden document's 404 stays byte for byte the same as a missing one's).
    """
    here = back_to or (request.full_path.rstrip("?") if request.method == "GET" else request.path)
    current = i18n.current_language()
    names = {"da": "Dansk", "en": "English"}  # each language names itself, whatever the interface language
    if len(i18n.offered()) < 2:
        return []  # no compiled catalogue: nothing to switch to
    return [
        (code, names[code], f"/language/{code}?{urlencode({'next': here})}", code == current) for code in i18n.offered()
    ]
