"""The names of audit events, as the audit page labels them and its filter offers them.

Events are stored by a plain name (``Accounts.record(actor, action, ...)``); any part of the app may add a
new one. A name listed here gets a label in the interface language; any other is shown as it is, so an
event added later is never hidden or mislabelled.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

ACTIONS = {
    "login": _l("Logged in"),
    "login_failed": _l("Failed login"),
    "logout": _l("Logged out"),
    "password_set": _l("Password set with a link"),
    "password_changed": _l("Password changed"),
    "password_reset": _l("Password reset link made"),
    "role_changed": _l("Role changed"),
    "account_created": _l("Account created"),
    "account_invited": _l("Account invited"),
    "account_deactivated": _l("Account deactivated"),
    "account_reactivated": _l("Account reactivated"),
    "account_removed": _l("Account removed"),
    "upload": _l("Uploaded"),
    "edit": _l("Edited"),
    "delete": _l("Deleted"),
    "trash": _l("Moved to trash"),
    "restore": _l("Restored"),
    "purge": _l("Deleted for good"),
    "version_link": _l("Versions linked"),
}

CLI_PREFIX = "cli:"
"""Actors of events made on the command line: ``cli:<operating-system user>``."""


def action_label(action: str) -> str:
    known = ACTIONS.get(action)
    return str(known) if known else action


def actor_label(actor: str) -> str:
    """Who did it, as people read it: the e-mail, or "command line (user)" for ``cli:user``."""
    if actor.startswith(CLI_PREFIX):
        return _("command line (%(user)s)", user=actor[len(CLI_PREFIX) :])
    return actor or "—"


def cli_actor() -> str:
    """The actor of a command run now: the operating-system user, however the process learns it."""
    import getpass
    import os

    try:
        return CLI_PREFIX + getpass.getuser()
    except (KeyError, OSError):  # no passwd entry and no $USER (a bare container)
        return f"{CLI_PREFIX}uid {os.getuid()}"
