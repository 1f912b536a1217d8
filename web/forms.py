"""Forms (Flask-WTF): validation next to the field, CSRF on every one.

Labels are lazy gettext strings, so a form built once still shows the language of the request that
renders it. WTForms' own messages ("This field is required.", "Not a valid integer value." ...) have no
Danish catalogue upstream, so every form here asks ours (:class:`Translations`); the messages it may say
are listed in :data:`WTFORMS_MESSAGES` so ``pybabel extract`` finds them.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import (
    DateField,
    Form,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ingest.model import VISIBILITIES
from web.citations import bare_doi
from web.i18n import language_name

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
    _l("Not a valid date value."),
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


class BulkUploadForm(TranslatedForm):
    """Many files or ZIP archives at once; they are extracted in the background and reviewed on a batch page."""

    files = MultipleFileField(_l("Files or ZIP archives"))
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


LANGUAGE_CHOICES = [SelectChoice("en", _l("English")), SelectChoice("da", _l("Danish"))]


def _unchanged(form, field) -> bool:
    """A value stored before these checks existed, sent back as it was, does not stop the rest of an edit."""
    return field.data == getattr(form, "stored", {}).get(field.name)


def _doi(form, field) -> None:
    if field.data and not bare_doi(field.data) and not _unchanged(form, field):
        raise ValidationError(_l("Not a DOI: write it as 10.1234/abc (or as a doi.org link)."))


def _web_address(form, field) -> None:
    value = (field.data or "").strip()
    if not value or _unchanged(form, field):
        return
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise ValidationError(_l("Not a web address: it must start with http:// or https://."))


def _some_area(form, field) -> None:
    if not field.data:
        raise ValidationError(_l("Choose at least one strength area."))


class DatedFields(Form):
    """A full date beside the year (the review's and the edit page's): the date, when given, decides the year."""

    date = DateField(_l("Date (optional)"), validators=[Optional()])

    def validate_date(self, field) -> None:
        if field.data and not 1900 <= field.data.year <= 2100:
            raise ValidationError(_l("The date must be between 1900 and 2100."))

    def validate_year(self, field) -> None:
        if self.date.data and field.data and field.data != self.date.data.year:
            raise ValidationError(_l("The year must be the date's year (%(year)s).", year=self.date.data.year))


class EditForm(TranslatedForm, DatedFields, MetadataFields):
    """Everything staff may correct on a published document (the review of an upload asks less).

    ``stored`` (field name -> value) holds the document's DOI and web address as they are, so one stored
    before they were checked does not block an edit of something else."""

    stored: dict[str, str] = {}
    org = StringField(_l("Organisations (separated by ;)"), validators=[Optional(), Length(max=500)])
    lang = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, default="en")
    abstract = TextAreaField(_l("Abstract"), validators=[Optional(), Length(max=4000)])
    doi = StringField(_l("DOI"), validators=[Optional(), Length(max=200), _doi])
    url = StringField(_l("Web address (http or https)"), validators=[Optional(), Length(max=500), _web_address])
    areas = CheckboxesField(_l("Strength areas"), validators=[_some_area])


YEARS = (1900, 2100)


class ReviewFields(DatedFields, MetadataFields):
    """One uploaded file's metadata before it is published: a year as a number (the catalog keeps a year), a
    full date when there is one (prefilled when the file gave one), and at least one strength area, since a
    document no area lists is one researchers browsing by area never meet."""

    year = IntegerField(
        _l("Year"),
        validators=[Optional(), NumberRange(*YEARS)],
        widget=widgets.NumberInput(min=YEARS[0], max=YEARS[1], step=1),
        render_kw={"class": "year", "inputmode": "numeric"},
    )
    areas = CheckboxesField(_l("Strength areas"), validators=[InputRequired(_l("Choose at least one strength area."))])


def with_areas(form: Form, taxonomy, lang: str = "en") -> Form:
    """Offer the taxonomy's areas as choices, labelled in ``lang`` (the interface language)."""
    form.areas.choices = [SelectChoice(a.id, a.label(lang)) for a in taxonomy.areas]
    return form


def with_language(form: EditForm, lang: str) -> EditForm:
    """Offer Danish and English, and the document's own language if it has another (so a save keeps it)."""
    if lang not in ("da", "en"):
        form.lang.choices = [*LANGUAGE_CHOICES, SelectChoice(lang, language_name(lang))]
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
