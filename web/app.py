"""The Flask application factory."""

from __future__ import annotations

import os
import secrets

from flask import Flask, render_template

from web.hub import Hub


def create_app(hub: Hub | None = None, **config: object) -> Flask:
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=os.environ.get("SKH_SECRET_KEY") or secrets.token_hex(32),
        MAX_CONTENT_LENGTH=int(os.environ.get("SKH_MAX_UPLOAD_MB", "50")) * 1024 * 1024,
        JSON_SORT_KEYS=False,
    )
    app.config.update(config)
    app.extensions["hub"] = hub or Hub.open()

    from web.views import api, documents, pages

    app.register_blueprint(pages.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(api.bp)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    @app.errorhandler(404)
    def not_found(_error):
        return render_template("error.html", code=404, message="We could not find that page or document."), 404

    @app.errorhandler(413)
    def too_large(_error):
        return render_template("error.html", code=413, message="That upload is larger than the limit."), 413

    @app.errorhandler(500)
    def server_error(_error):
        return render_template("error.html", code=500, message="Something went wrong on our side."), 500

    @app.context_processor
    def inject():
        return {"taxonomy": app.extensions["hub"].taxonomy}

    return app


def get_hub() -> Hub:
    from flask import current_app

    return current_app.extensions["hub"]
