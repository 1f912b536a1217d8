"""The audit log as the page and its CSV export show it: filters read from the address, rows with document
titles and people's names instead of raw ids, and the bounds on what one request may read.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from ingest.catalog import Catalog
from web.account_forms import AuditFilterForm
from web.audit_events import action_label, actor_label
from web.audit_store import AuditEntry, AuditQuery

PAGE_SIZE = 50
MAX_PAGE = 2000
"""Pages beyond this are not served (100,000 events back): narrow the filters or export instead."""
EXPORT_MAX_ROWS = 10_000
"""The newest rows of the filtered log one export holds, so one request's work stays bounded."""


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    actor: str
    action: str
    doc_title: str
    """The document's title now ("" when the event names no document or it is gone)."""
    doc_deleted: bool
    account: str
    """The account an account event concerns ("" otherwise)."""


def read_filters(args: MultiDict) -> tuple[AuditFilterForm, AuditQuery, int]:
    """The filter form as the address fills it, the query it means (invalid filters are left out, the form
    says why) and the page number."""
    form = AuditFilterForm(formdata=args)
    form.validate()
    query = AuditQuery(
        actor=(form.who.data or "").strip()[:254] if not form.who.errors else "",
        action=(form.action.data or "")[:60] if not form.action.errors else "",
        since=form.since.data.isoformat() if form.since.data and not form.since.errors else "",
        until=form.until.data.isoformat() if form.until.data and not form.until.errors else "",
    )
    page = min(MAX_PAGE, max(1, args.get("page", 1, type=int) or 1))
    return form, query, page


def rows(entries: list[AuditEntry], catalog: Catalog) -> list[AuditRow]:
    """The entries with titles from the catalog (one query for all of them) and readable names."""
    ids = sorted({e.doc_id for e in entries if e.doc_id})
    docs = {}
    for start in range(0, len(ids), 500):  # SQLite's limit on one statement's parameters
        docs.update(catalog.get_many(ids[start : start + 500], text=False))
    found = []
    for e in entries:
        doc = docs.get(e.doc_id)
        account = e.detail.get("account")
        found.append(
            AuditRow(
                entry=e,
                actor=actor_label(e.actor),
                action=action_label(e.action),
                doc_title=doc.title if doc else "",
                doc_deleted=bool(e.doc_id) and doc is None,
                account=account if isinstance(account, str) else "",
            )
        )
    return found


def deleted_label() -> str:
    return _("deleted")
