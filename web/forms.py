"""Forms (Flask-WTF): validation next to the field, CSRF on every one."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import Form, IntegerField, PasswordField, SelectField, SelectMultipleField, StringField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ingest.model import VISIBILITIES

TYPES = ("publication", "report", "white-paper", "case-study", "thesis", "standard-summary", "event-report", "news")
VISIBILITY_CHOICES = [SelectChoice(v, v.capitalize()) for v in VISIBILITIES]


class LoginForm(FlaskForm):
    email = StringField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1000)])


class PostForm(FlaskForm):
    """A button-only form (logout, delete): it exists for its CSRF token."""


class UploadForm(FlaskForm):
    files = MultipleFileField("Files (PDF, Word, HTML, Markdown or text)")
    visibility = SelectField("Visibility", choices=VISIBILITY_CHOICES, default="public")


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class MetadataFields(Form):
    """The editable metadata of one document; also used per file when reviewing an upload."""

    title = StringField("Title", validators=[DataRequired(), Length(max=500)])
    authors = StringField("Authors (separated by ;)", validators=[Optional(), Length(max=2000)])
    org = StringField("Organisation", validators=[Optional(), Length(max=300)])
    year = IntegerField("Year", validators=[Optional(), NumberRange(1900, 2100)])
    type = StringField("Type", validators=[Optional(), Length(max=60)])
    areas = CheckboxesField("Strength areas")
    visibility = SelectField("Visibility", choices=VISIBILITY_CHOICES)


class EditForm(FlaskForm, MetadataFields):
    pass


def with_areas(form: Form, taxonomy) -> Form:
    form.areas.choices = [SelectChoice(a.id, a.label_en) for a in taxonomy.areas]
    return form
