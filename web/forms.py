"""Forms (Flask-WTF): validation next to the field, CSRF on every one.

Labels are lazy gettext strings, so a form built once still shows the language of the request that
renders it. WTForms' own messages ("This field is required.", "Not a valid integer value." ...) have no
Danish catalogue upstream, so every form here asks ours (:class:`Translations`); the messages it may say
are listed in :data:`WTFORMS_MESSAGES` so ``pybabel extract`` finds them.
"""

from __future__ import annotations

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import Form, IntegerField, PasswordField, SelectField, SelectMultipleField, StringField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ingest.model import VISIBILITIES

TYPES = ("publication", "report", "white-paper", "case-study", "thesis", "standard-summary", "event-report", "news")
VISIBILITY_NAMES = {"public": _l("Public"), "members": _l("Members"), "staff": _l("Staff")}
VISIBILITY_CHOICES = [SelectChoice(v, VISIBILITY_NAMES.get(v, v.capitalize())) for v in VISIBILITIES]

# What WTForms says through ``field.gettext`` for the fields and validators used here (wtforms 3.x wording).
WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Not a valid integer value."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Choices cannot be None."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Field must be between %(min)d and %(max)d characters long."),
)
# Plural messages of Length, listed for extraction (ngettext is called by WTForms with the count).
_LENGTH_PLURALS = (
    (_l("Field must be at least %(min)d character long."), _l("Field must be at least %(min)d characters long.")),
    (_l("Field cannot be longer than %(max)d character."), _l("Field cannot be longer than %(max)d characters.")),
)


class Translations:
    """WTForms' translations interface over our catalogue for the request's language."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


class TranslatedForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return Translations()


class LoginForm(TranslatedForm):
    email = StringField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1000)])


class PostForm(TranslatedForm):
    """A button-only form (logout, delete): it exists for its CSRF token."""


class UploadForm(TranslatedForm):
    files = MultipleFileField(_l("Files (PDF, Word, HTML, Markdown or text)"))
    visibility = SelectField(_l("Visibility"), choices=VISIBILITY_CHOICES, default="public")


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class MetadataFields(Form):
    """The editable metadata of one document; also used per file when reviewing an upload."""

    class Meta:
        def get_translations(self, form):
            return Translations()

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=500)])
    authors = StringField(_l("Authors (separated by ;)"), validators=[Optional(), Length(max=2000)])
    org = StringField(_l("Organisations (separated by ;)"), validators=[Optional(), Length(max=300)])
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(1900, 2100)])
    type = StringField(_l("Type"), validators=[Optional(), Length(max=60)])
    areas = CheckboxesField(_l("Strength areas"))
    visibility = SelectField(_l("Visibility"), choices=VISIBILITY_CHOICES)


class EditForm(TranslatedForm, MetadataFields):
    pass


def with_areas(form: Form, taxonomy, lang: str = "en") -> Form:
    """Offer the taxonomy's areas as choices, labelled in ``lang`` (the interface language)."""
    form.areas.choices = [SelectChoice(a.id, a.label(lang)) for a in taxonomy.areas]
    return form


class WorkLinkForm(TranslatedForm):
    """Staff linking a document into another's work (web/views/works.py)."""

    kind = SelectField(
        _l("This document is"),
        choices=[SelectChoice("version", _l("a new version of")), SelectChoice("format", _l("another format of"))],
    )
    other = StringField(_l("Document (its address or id)"), validators=[DataRequired(), Length(max=300)])


class NewVersionForm(TranslatedForm):
    """Staff replacing a document's file with a new version of it (web/views/works.py)."""

    file = FileField(_l("A new version of this document (a file)"), validators=[FileRequired()])
