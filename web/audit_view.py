"""The audit log's details in the interface language: field names as the forms label them, values as the
pages show them (area labels, type and visibility names), one line per changed field.

The log stores what happened as data (``web.accounts.Accounts.record``: field names and raw values), so an
entry written while someone used the English interface reads in Danish too.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from web.forms import VISIBILITY_NAMES
from web.i18n import area_label, role_name, type_name

FIELD_NAMES = {
    "title": _l("Title"),
    "filename": _l("File"),
    "authors": _l("Authors"),
    "org": _l("Organisation"),
    "year": _l("Year"),
    "type": _l("Type"),
    "areas": _l("Strength areas"),
    "visibility": _l("Visibility"),
    "role": _l("Role"),
    "address": _l("Address"),
    "via": _l("Link"),
    "throttled": _l("Held back by the login limit"),
}
LINK_KINDS = {"invite": _l("invitation"), "reset": _l("password reset")}
SHOWN_ELSEWHERE = ("account",)
"""Detail keys the page shows in a column of their own, not among the details."""


def field_name(name: str) -> str:
    known = FIELD_NAMES.get(name)
    return str(known) if known else name


def field_value(name: str, value: object) -> str:
    """One value of an entry's detail as the pages show it ("—" for none)."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(field_value(name, item) for item in value)
    if name == "areas":
        return area_label(str(value))
    if name == "type":
        return type_name(str(value))
    if value is True:
        return str(_l("yes"))
    if name == "role":
        return role_name(str(value))
    if name == "via":
        known = LINK_KINDS.get(str(value))
        return str(known) if known else str(value)
    if name == "visibility":
        known = VISIBILITY_NAMES.get(str(value))
        return str(known) if known else str(value)
    return str(value)


def changes(detail: dict[str, object]) -> list[tuple[str, str, str | None]]:
    """An entry's detail as (field, value, earlier value or None) rows: an edit's changes, else its facts."""
    rows: list[tuple[str, str, str | None]] = []
    for key, value in detail.items():
        if key in SHOWN_ELSEWHERE:
            continue
        if key == "changes" and isinstance(value, dict):
            for name, pair in value.items():
                before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
                rows.append((field_name(name), field_value(name, after), field_value(name, before)))
        else:
            rows.append((field_name(key), field_value(key, value), None))
    return rows


__all__ = ["changes", "field_name", "field_value"]
