"""Organisation and author pages: who published what, on which topics, with whom."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request

from search import QueryTooExpensive
from web.access import visible_levels
from web.hub import get_hub
from web.messages import notice
from web.params import link, page_number
from web.people_view import directory_list, entity_url, find, profile_page

bp = Blueprint("people", __name__)

NAME_FILTER_CHARS = 200


@bp.get("/orgs")
def orgs_page():
    name = (request.args.get("name") or "")[:NAME_FILTER_CHARS]
    orgs = directory_list(get_hub(), visible_levels(), name)
    return render_template("orgs.html", orgs=orgs, name=name)


@bp.get("/orgs/<slug>")
def org_page(slug: str):
    return _entity_page("org", slug, "org.html")


@bp.get("/authors/<slug>")
def author_page(slug: str):
    return _entity_page("author", slug, "author.html")


def _entity_page(kind: str, slug: str, template: str):
    levels = visible_levels()
    hub = get_hub()
    entity = find(hub, kind, slug[:300], levels)
    if entity is None:  # unknown, or none of its documents visible: the same 404 either way
        abort(404)
    page = page_number(request.args.get("page"))
    if entity.slug != slug:  # a merged spelling's or a suffixed slug: the page lives at the entity's own
        return redirect(link(entity_url(entity), [("page", str(page))] if page > 1 else []))
    return render_template(template, view=profile_page(hub, entity, levels, page))


@bp.errorhandler(QueryTooExpensive)
def too_expensive(error: QueryTooExpensive):
    return render_template("error.html", code=503, message=notice(error)), 503
