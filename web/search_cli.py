"""``skh search``: the index from the command line, as one role sees it, saying which.

The command line runs on the server with the data dir at hand, so it could show everything; but what it
prints is pasted into tickets, mails and scripts. It therefore searches as an anonymous visitor unless told
otherwise (``--as member|staff``), and its first line says whose view it is. A wrong default of "anonymous"
costs a missing hit that line explains; a wrong default of "staff" would leak a document nobody notices.

Everything it shows goes through the same paths as the web's search (:func:`web.results.run_search`, the
visibility mask, did-you-mean over what the role may see). Snippets are plain text: the matched words are
bold on a terminal, and ``--json`` gives their character offsets instead of HTML. Bad input (an area not in
the taxonomy, a type or language no visible document has, a malformed or reversed year range) is a usage
error, exit 2, saying what is accepted, rather than an empty answer that looks like "nothing found".
"""

from __future__ import annotations

import json
import re

import click

from search import SORTS, QueryTooExpensive, SearchRequest, SearchResult, Snippet, did_you_mean, search, time_budget
from web.access import LEVELS
from web.hub import Hub
from web.ops_cli import open_hub
from web.results import ShownHit, highlighted, run_search

ROLES = ("anonymous", "member", "staff")
DEFAULT_ROLE = "anonymous"
_LEVEL_NAMES = {"public": "public", "members": "members", "staff": "staff"}
_BROWSE_FACETS = {"type": "type", "lang": "language"}


def statement(role: str) -> str:
    """The first line of the output: whose view this is and how to change it."""
    levels = [_LEVEL_NAMES[level] for level in LEVELS[role]]
    if len(levels) == 1:
        shown = f"{levels[0]} documents only"
    else:
        shown = ", ".join(levels[:-1]) + f" and {levels[-1]} documents"
    others = " or ".join(f"--as {r}" for r in ROLES if r != role)
    return f"Searching as {role} ({shown}); {others} changes it."


class YearRange(click.ParamType):
    """``YEAR``, ``FROM:TO``, ``FROM:`` or ``:TO`` (four-digit years), as ``(year_from, year_to)``."""

    name = "FROM:TO"
    _FORM = re.compile(r"(\d{4})?(:)?(\d{4})?")

    def convert(self, value, param, ctx) -> tuple[int | None, int | None]:
        if isinstance(value, tuple):
            return value
        text = str(value).strip()
        match = self._FORM.fullmatch(text)
        if not match or not (match[1] or match[3]):
            self.fail(f"{value!r} is not a year or a range of years; use YEAR, FROM:TO, FROM: or :TO, e.g. 2015:2020")
        low = int(match[1]) if match[1] else None
        high = int(match[3]) if match[3] else None
        if not match[2]:
            high = low
        if low is not None and high is not None and low > high:
            self.fail(f"{text} runs backwards ({low} is after {high}); FROM comes first, e.g. {high}:{low}")
        return low, high


def _unknown(option: str, what: str, given: tuple[str, ...], known: list[str]) -> None:
    """Raise a usage error (exit 2) for the values in ``given`` that are not ``known``."""
    wrong = [v for v in given if v not in known]
    if wrong:
        listed = ", ".join(known) if known else "none"
        message = f"unknown {what} {', '.join(map(repr, wrong))}; known: {listed}"
        raise click.BadParameter(message, param_hint=f"'{option}'")


def _check_filters(
    hub: Hub, areas: tuple[str, ...], types: tuple[str, ...], langs: tuple[str, ...], levels: tuple[str, ...]
) -> None:
    """Areas come from the taxonomy; types and languages from the documents this role may see, so the list
    in the message names no value only hidden documents have."""
    labels = [f"{a.id} ({a.label('en')})" for a in hub.taxonomy.areas]
    wrong = [a for a in areas if a not in hub.taxonomy.ids]
    if wrong:
        message = f"unknown area {', '.join(map(repr, wrong))}; the areas are: {', '.join(labels)}"
        raise click.BadParameter(message, param_hint="'--area'")
    if not (types or langs):
        return
    browse = search(hub.pool.get(), SearchRequest(visibility=levels, per_page=1))
    for option, given in (("type", types), ("lang", langs)):
        known = sorted(c.value for c in browse.facets.get(option, []))
        _unknown(f"--{option}", _BROWSE_FACETS[option], given, known)


def _plain_hit(hit: ShownHit, snippet: Snippet) -> dict[str, object]:
    d = hit.doc
    data = hit.as_json(f"/doc/{d.id}")
    data.update(snippet=snippet.text, matches=[list(m) for m in snippet.matches], visibility=d.visibility)
    return data


def _bold(snippet: Snippet) -> str:
    """The snippet with its matches in bold (click drops the styling when stdout is not a terminal)."""
    out, index = [], 0
    for start, end in snippet.matches:
        out.append(snippet.text[index:start] + click.style(snippet.text[start:end], bold=True))
        index = end
    return "".join(out) + snippet.text[index:]


@click.command("search")
@click.argument("query", default="")
@click.option(
    "--as",
    "role",
    type=click.Choice(ROLES),
    default=DEFAULT_ROLE,
    show_default=True,
    help="Whose view: anonymous sees public documents, member also members-only ones, staff everything. "
    "Anonymous by default, so that what is printed is safe to pass on; the first line says which.",
)
@click.option("--area", "areas", multiple=True, help="Strength area id (repeatable); see skh stats.")
@click.option("--type", "types", multiple=True, help="Document type (repeatable), e.g. report.")
@click.option("--lang", "langs", multiple=True, help="Language code (repeatable), e.g. da or en.")
@click.option("--year", type=YearRange(), default=None, help="YEAR, FROM:TO, FROM: or :TO.")
@click.option("--sort", type=click.Choice(SORTS), default="relevance")
@click.option("--limit", type=click.IntRange(1, 1000), default=10)
@click.option("--json", "as_json", is_flag=True, help="Plain-text snippets with the matched words' offsets.")
@click.option(
    "--crosslang/--no-crosslang", default=True, help="Also search glossary words' terms in the other language."
)
def search_command(query, role, areas, types, langs, year, sort, limit, as_json, crosslang) -> None:
    """Search the index as one role sees it: --as, anonymous unless told; the first line says which.

    Snippets are plain text, matched words in bold on a terminal; --json gives
    them with the matched words' character offsets ("matches"), and the
    did-you-mean ("suggestion"). An unknown area, type or language, or a
    malformed year range, is a usage error (exit 2).
    """
    hub = open_hub()
    levels = LEVELS[role]
    _check_filters(hub, areas, types, langs, levels)
    year_from, year_to = year or (None, None)
    request = SearchRequest(
        q=query,
        filters={"area": list(areas), "type": list(types), "lang": list(langs)},
        year_from=year_from,
        year_to=year_to,
        visibility=levels,
        sort=sort,
        per_page=limit,
        crosslang=crosslang,
        glossary=hub.settings.search.glossary,
    )
    try:
        with time_budget():  # one budget for the search and its did-you-mean, as on the web
            result, hits = run_search(hub, request)
            suggestion = did_you_mean(hub.pool.get(), request, result.total, result.relaxed)
    except QueryTooExpensive as exc:
        raise click.ClickException(str(exc)) from exc
    snippets = [highlighted(h.doc, result) for h in hits]
    if as_json:
        click.echo(json.dumps(_as_json(role, result, suggestion, hits, snippets), ensure_ascii=False, indent=2))
        return
    click.echo(statement(role))
    _echo_text(result, suggestion, hits, snippets)


def _as_json(
    role: str, result: SearchResult, suggestion: str | None, hits: list[ShownHit], snippets: list[Snippet]
) -> dict[str, object]:
    return {
        "as": role,
        "levels": list(LEVELS[role]),
        "total": result.total,
        "relaxed": result.relaxed,
        "suggestion": suggestion,
        "notices": list(result.notes),
        "expansion": {lang: list(terms) for lang, terms in result.expansion},
        "hits": [_plain_hit(h, s) for h, s in zip(hits, snippets, strict=True)],
        "facets": {k: [{"value": c.value, "count": c.count} for c in v] for k, v in result.facets.items()},
    }


def _echo_text(result: SearchResult, suggestion: str | None, hits: list[ShownHit], snippets: list[Snippet]) -> None:
    click.echo(f"{result.total} documents" + (" (any of the words)" if result.relaxed else ""))
    if suggestion:
        click.echo(f"Did you mean: {suggestion}")
    for note in result.notes:
        click.echo(f"Note: {note}")
    for lang, terms in result.expansion:
        click.echo(f"Also searched ({lang}): {', '.join(terms)}")
    for hit, snippet in zip(hits, snippets, strict=True):
        d = hit.doc
        hidden = "" if d.visibility == "public" else f" ({d.visibility} only)"
        click.echo(f"{d.id}  {d.title}  [{', '.join(d.areas)}] {d.org} {d.year or ''}{hidden}")
        if snippet.text:
            click.echo(f"    {_bold(snippet)}")
        if hit.matched_in and "text" not in hit.matched_in:
            click.echo(f"    matched in: {', '.join(hit.matched_in)}")
