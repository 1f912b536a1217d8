"""Absolute addresses of the service's pages, for what is read away from the site (feeds, the sitemap,
``robots.txt``, citations, ``citation_pdf_url``).

Behind a reverse proxy the request says ``http://127.0.0.1:8000``; ``SKH_PUBLIC_URL`` names the address people
use instead. Unset, the request's own scheme and host are the best guess (direct serving, tests).
"""

from __future__ import annotations

from flask import current_app, request, url_for


def absolute(path: str) -> str:
    """``path`` (as ``url_for`` gives it, starting with ``/``) under the service's public address."""
    base = current_app.config.get("SKH_PUBLIC_URL") or request.host_url
    return base.rstrip("/") + path


def external(endpoint: str, **values: object) -> str:
    """``url_for(endpoint, **values)`` as an absolute address."""
    return absolute(url_for(endpoint, **values))
