"""Messages that ``search`` and the rate limit produce, said in the interface language (ingest's reasons:
:mod:`web.messages_ingest`).

The layers below the web know nothing of Flask or of the visitor's language: they keep writing English, and
where a message is shown to people they also give it a stable ``code`` and its parameters (a result's notes
are :class:`search.limits.Notice` strings, :class:`search.QueryTooExpensive` and its ``SearchBusy`` carry
``code`` and ``params``). Here each code has its gettext message, filled in with the parameters written the
reader's way (1.024 in Danish). A code this module does not know is shown as its English text, so a new
message below is never lost, only untranslated until it is added here.

The JSON API does not use this module: its ``notices`` and errors stay English.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from web.i18n import number


def _count(params: dict[str, object], name: str) -> int:
    value = params.get(name)
    return value if isinstance(value, int) else 0


def _notice_text(code: str, params: dict[str, object]) -> str | None:
    """The gettext of one notice ``code`` (None: not one of ours)."""
    if code == "query_chars_cut":
        chars = _count(params, "chars")
        return ngettext(
            "Only the first %(count)s character of the query was searched.",
            "Only the first %(count)s characters of the query were searched.",
            chars,
            count=number(chars),
        )
    if code == "query_words_cut":
        words = _count(params, "words")
        return ngettext(
            "Only the first %(count)s word of the query was searched.",
            "Only the first %(count)s words of the query were searched.",
            words,
            count=number(words),
        )
    if code == "fuzzy_distance_lowered":
        edits = _count(params, "edits")
        return ngettext(
            "Fuzzy words (~) allow at most %(count)s edit; larger distances were lowered.",
            "Fuzzy words (~) allow at most %(count)s edits; larger distances were lowered.",
            edits,
            count=number(edits),
        )
    if code == "ranges_year_only":
        return _("Ranges work on year only (year:[2010 TO 2020]); other ranges were searched as words.")
    if code == "expansion_capped":
        words = _count(params, "words")
        return ngettext(
            "A prefix, wildcard or fuzzy word matched more than %(count)s word; the first %(count)s was searched.",
            "A prefix, wildcard or fuzzy word matched more than %(count)s words; the first %(count)s were searched.",
            words,
            count=number(words),
        )
    if code == "query_too_expensive":
        seconds = params.get("seconds")
        shown = number(seconds) if isinstance(seconds, int | float) else "?"
        return _(
            "This query is too expensive to answer within %(seconds)s s. "
            "Try fewer wildcards (*), fuzzy words (~) or OR-ed words.",
            seconds=shown,
        )
    if code == "search_busy":
        return _(
            "The service is busy with other searches that use wildcards (*), fuzzy words (~) or ranges. "
            "Try again in a moment, or search without them."
        )
    return None


def notice(note: object) -> str:
    """A result's note (or a search error) in the interface language; English when it carries no known code."""
    code = getattr(note, "code", None)
    params = getattr(note, "params", None)
    if isinstance(code, str):
        translated = _notice_text(code, params if isinstance(params, dict) else {})
        if translated is not None:
            return translated
    return str(note)


def too_many_requests(seconds: int) -> str:
    """The rate limit's refusal (``web.rate_limit``), in the interface language."""
    return ngettext(
        "Too many requests from your address. Try again in %(count)s second.",
        "Too many requests from your address. Try again in %(count)s seconds.",
        seconds,
        count=number(seconds),
    )


__all__ = ["notice", "too_many_requests"]
