"""The interface language: Danish or English, chosen per request.

Members write in both languages, so the service speaks both. The choice, strongest first: the
``skh_lang`` cookie the header's switch sets, then the browser's ``Accept-Language``, then English (the
source language of every message). Translations are gettext catalogues in ``web/translations``; the
compiled ``.mo`` is built by ``make`` (``pybabel compile``), and without it every text stays English.

Only the interface is translated: a document's own title and text keep their language, marked with
``lang`` in the templates, and the JSON API stays language-neutral.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import Flask, current_app, request
from flask_babel import Babel, format_date, format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

LANGUAGES = ("en", "da")
"""Interface languages; the first is the default and the source language."""
COOKIE = "skh_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
TRANSLATIONS = Path(__file__).resolve().parent / "translations"

# Names of document languages in the interface language (the language facet, a document's page, a hit's badge).
LANGUAGE_NAMES = {
    "da": _l("Danish"),
    "en": _l("English"),
    "de": _l("German"),
    "sv": _l("Swedish"),
    "no": _l("Norwegian"),
    "nl": _l("Dutch"),
    "fr": _l("French"),
}
FACET_TITLES = {
    "area": _l("Strength area"),
    "type": _l("Document type"),
    "year": _l("Year"),
    "org": _l("Organisation"),
    "lang": _l("Language"),
}
FORMAT_NAMES = {"text": _l("TEXT")}
"""File formats whose name is a word; PDF, DOCX, HTML and MARKDOWN are names in both languages."""
MATCHED_PLACES = {
    "text": _l("text"),
    "title": _l("title"),
    "authors": _l("authors"),
    "org": _l("organisation"),
}
"""Where a hit's words were found (web.results.matched_in), as "Matched in: organisation" names it."""
ROLE_NAMES = {"member": _l("Member"), "staff": _l("Staff"), "admin": _l("Administrator")}
DOCUMENT_TYPES = {
    "publication": _l("Publication"),
    "report": _l("Report"),
    "white-paper": _l("White paper"),
    "case-study": _l("Case study"),
    "thesis": _l("Thesis"),
    "standard-summary": _l("Standard summary"),
    "event-report": _l("Event report"),
    "news": _l("News"),
    "document": _l("Document"),
}


def available(directory: Path = TRANSLATIONS) -> tuple[str, ...]:
    """English, and each other language whose compiled catalogue (``.mo``) is there.

    A checkout whose ``make`` has not compiled the catalogue yet speaks English and says so in ``<html lang>``,
    rather than announcing Danish over English text.
    """
    compiled = [code for code in LANGUAGES[1:] if (directory / code / "LC_MESSAGES" / "messages.mo").is_file()]
    return (LANGUAGES[0], *compiled)


def offered() -> tuple[str, ...]:
    """The interface languages this app offers (``available`` when it was created)."""
    return current_app.config["SKH_LANGUAGES"]


def locale_code() -> str:
    """``"da"`` or ``"en"`` for this request: the cookie, else the browser's wish, else English."""
    languages = offered()
    chosen = request.cookies.get(COOKIE)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages, default=LANGUAGES[0]) or LANGUAGES[0]


def current_language() -> str:
    """The interface language of this request as a two-letter code (``<html lang>``, area labels)."""
    return str(get_locale() or LANGUAGES[0])


def number(value: int | float) -> str:
    """A count as the reader writes it: 1,234 in English, 1.234 in Danish."""
    return format_decimal(value)


def date(value: str | dt.date | None) -> str:
    """An ISO date (or timestamp) in the interface language; anything else is shown as it is."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date):
        return format_date(value, "long")
    text = str(value)
    try:
        if len(text) > 10:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            return f"{format_date(moment.date(), 'medium')} {moment:%H:%M}"
        return format_date(dt.date.fromisoformat(text), "long")
    except ValueError:
        return text


def language_name(code: str) -> str:
    return str(LANGUAGE_NAMES.get(code, code))


def type_name(kind: str) -> str:
    known = DOCUMENT_TYPES.get(kind)
    return str(known) if known else kind.replace("-", " ").capitalize()


def format_name(fmt: str) -> str:
    """A file format as the interface names it: PDF, DOCX, HTML, MARKDOWN, TEXT (TEKST in Danish)."""
    known = FORMAT_NAMES.get(fmt.lower())
    return str(known) if known else fmt.upper()


def role_name(role: str) -> str:
    known = ROLE_NAMES.get(role)
    return str(known) if known else role


def matched_place(place: str) -> str:
    known = MATCHED_PLACES.get(place)
    return str(known) if known else place


def facet_title(name: str) -> str:
    known = FACET_TITLES.get(name)
    return str(known) if known else name


def area_label(area_id: str) -> str:
    """An area's label from the taxonomy in the interface language (its ``label_da`` in Danish)."""
    return current_app.extensions["hub"].taxonomy.label(area_id, current_language())


def value_label(name: str, value: str) -> str:
    """A facet value as the interface shows it (web.facets_view.value_label, in the interface language)."""
    if name == "area":
        return area_label(value)
    if name == "type":
        return type_name(value)
    if name == "lang":
        return language_name(value)
    return value


def install(app: Flask) -> None:
    """Add Flask-Babel and the template helpers to ``app``."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", LANGUAGES[0])
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    app.config["SKH_LANGUAGES"] = available(Path(app.config["BABEL_TRANSLATION_DIRECTORIES"]))
    Babel(app, locale_selector=locale_code)
    from web.messages import notice  # web.messages uses this module's helpers

    app.jinja_env.filters.update(
        number=number,
        date=date,
        language_name=language_name,
        type_name=type_name,
        format_name=format_name,
        role_name=role_name,
        notice=notice,
    )
    app.jinja_env.globals.update(
        current_language=current_language,
        area_label=area_label,
        facet_title=facet_title,
        matched_place=matched_place,
        value_label=value_label,
        LANGUAGES=LANGUAGES,
    )


__all__ = [
    "COOKIE",
    "COOKIE_MAX_AGE",
    "LANGUAGES",
    "_",
    "_l",
    "area_label",
    "available",
    "current_language",
    "date",
    "facet_title",
    "format_name",
    "install",
    "language_name",
    "locale_code",
    "matched_place",
    "number",
    "offered",
    "role_name",
    "type_name",
    "value_label",
]
