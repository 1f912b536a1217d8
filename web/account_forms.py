"""Forms of the account pages (users, invitation, set-password) and the audit log's filter.

Built on :class:`web.forms.TranslatedForm`, so WTForms' own messages come in the interface language and
every POST form carries a CSRF token. The audit filter is a GET form: it changes nothing, so it has no token
and its address can be bookmarked or shared.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from web.accounts import MIN_PASSWORD, ROLES
from web.audit_events import ACTIONS
from web.forms import TranslatedForm
from web.i18n import ROLE_NAMES

ROLE_CHOICES = [SelectChoice(r, ROLE_NAMES[r]) for r in ROLES]


def password_rule() -> str:
    return _("A password needs at least %(count)s characters.", count=MIN_PASSWORD)


def _long_enough(form, field) -> None:
    if len(field.data or "") < MIN_PASSWORD:
        raise ValidationError(password_rule())


class InviteForm(TranslatedForm):
    email = StringField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default="member")


class RoleForm(TranslatedForm):
    """One row's role change on the users page (the e-mail is in the address)."""

    role = SelectField(_l("Role"), choices=ROLE_CHOICES)


class SetPasswordForm(TranslatedForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), _long_enough, Length(max=1000)])
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords are not the same."))],
    )


class AuditFilterForm(TranslatedForm):
    class Meta:
        csrf = False

    who = StringField(_l("Who"), validators=[Optional(), Length(max=254)])
    action = SelectField(_l("What"), validators=[Optional()])
    since = DateField(_l("From"), validators=[Optional()], format="%Y-%m-%d")
    until = DateField(_l("To"), validators=[Optional()], format="%Y-%m-%d")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [SelectChoice("", _l("Any action"))]
        choices += [SelectChoice(name, label) for name, label in ACTIONS.items()]
        asked = self.action.data
        if asked and asked not in ACTIONS and len(asked) <= 60:
            choices.append(SelectChoice(asked, asked))  # another part's event, linked to by name: still filterable
        self.action.choices = choices


WTFORMS_DATE_MESSAGE = _l("Not a valid date value.")
"""What WTForms' DateField says about a date it cannot read; listed here so ``pybabel extract`` finds it."""
