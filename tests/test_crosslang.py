"""Cross-language search: a glossary term typed in one language also finds the other language's documents.

Real indexes and the real Flask app, with a small glossary file written here (the service's own
``corpus/glossary.toml`` is data that changes; these tests must not).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from ingest.pipeline import Explicit
from search import SearchSettings
from search.crosslang import Expander, find_matches, tables_for
from search.engine.fallbacks import said
from search.query import DEFAULT_BOOSTS, parse_query
from search.ranking import PhraseTerms
from search.searching import SearchRequest, search
from search.suggest import did_you_mean
from tests.test_fastscore import assert_query_same_as_whoosh
from web.app import create_app

GLOSSARY = """\
[[concept]]
id = "hearing-aid"
areas = ["hearing-health"]
en = ["hearing aid", "hearing instrument"]
da = ["høreapparat"]
abbr = ["HA"]

[[concept]]
id = "fitting"
areas = ["hearing-health"]
en = ["fitting"]
da = ["tilpasning"]

[[concept]]
id = "noise"
areas = ["acoustics-noise"]
en = ["noise"]
da = ["støj"]

[[concept]]
id = "road-noise"
areas = ["acoustics-noise"]
en = ["road traffic noise"]
da = ["vejstøj", "trafikstøj"]

[[concept]]
id = "earplug"
areas = ["hearing-health"]
en = ["earplug"]
da = ["ørepropper"]
"""


@pytest.fixture
def glossary(tmp_path: Path) -> str:
    path = tmp_path / "glossary.toml"
    path.write_text(GLOSSARY, encoding="utf-8")
    return str(path)


def add_docs(hub, folder: Path, docs: list[tuple[str, str, str, str]], visibility: str = "public") -> None:
    """Ingest ``(name, title, lang, body)`` Markdown documents with the given visibility."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, title, lang, body in docs:
        text = f'---\ntitle: "{title}"\nlanguage: {lang}\ndate: 2020-01-01\ntype: report\n---\n# {title}\n\n{body}\n'
        (folder / f"{name}.md").write_text(textwrap.dedent(text), encoding="utf-8")
    report = hub.ingestor.ingest_paths([folder], Explicit(visibility=visibility))
    assert report.summary()["added"] == len(docs), report.failed


def run(hub, q, glossary, **kw):
    kw.setdefault("visibility", ("public",))
    return search(hub.pool.get(), SearchRequest(q=q, glossary=glossary, **kw))


def titles(hub, result) -> list[str]:
    docs = hub.catalog.get_many([h.id for h in result.hits])
    return [docs[h.id].title for h in result.hits]


def test_a_danish_query_finds_the_english_reports_and_back(mini_hub, glossary):
    danish = run(mini_hub, "høreapparater", glossary)
    assert set(titles(mini_hub, danish)) == {
        "Høreapparater og ældre brugere",
        "Beamforming in hearing aids",
        "Remote fitting of hearing aids",
    }
    assert danish.expansion == (("en", ("hearing aid", "hearing instrument")),)
    english = run(mini_hub, "hearing aids", glossary)
    assert "Høreapparater og ældre brugere" in titles(mini_hub, english)
    assert english.expansion == (("da", ("høreapparat",)),)
    # The facet counts come from the same matched set.
    assert {c.value: c.count for c in danish.facets["lang"]} == {"en": 2, "da": 1}


def test_the_query_language_comes_first_when_both_match_equally(hub, tmp_path, glossary):
    add_docs(
        hub,
        tmp_path / "pair",
        [
            ("en", "Hearing aid", "en", "The hearing aid was fitted."),
            ("da", "Høreapparat", "da", "Høreapparatet blev tilpasset."),
        ],
    )
    assert titles(hub, run(hub, "hearing aid", glossary)) == ["Hearing aid", "Høreapparat"]
    assert titles(hub, run(hub, "høreapparat", glossary)) == ["Høreapparat", "Hearing aid"]


def test_an_exact_tie_goes_to_the_query_language(hub, tmp_path, glossary):
    # Two documents alike but for their language, the English one first in the index: at equal weight the
    # tie would go to it by document number; the equivalent's lower weight puts the Danish one first.
    add_docs(
        hub, tmp_path / "tie", [("a", "Noise", "en", "Noise, noise, noise."), ("b", "Støj", "da", "Støj, støj, støj.")]
    )
    assert titles(hub, run(hub, "støj", glossary)) == ["Støj", "Noise"]
    assert titles(hub, run(hub, "noise", glossary)) == ["Noise", "Støj"]


def test_crosslang_off_searches_the_typed_words_only(mini_hub, glossary):
    result = run(mini_hub, "høreapparater", glossary, crosslang=False)
    assert titles(mini_hub, result) == ["Høreapparater og ældre brugere"]
    assert result.expansion == ()


def test_a_phrase_maps_as_a_unit(hub, tmp_path, glossary):
    add_docs(
        hub,
        tmp_path / "roads",
        [
            ("phrase", "Road traffic noise near schools", "en", "Measured at six schools."),
            ("apart", "Counting cars", "en", "Noise from the road was low; traffic was counted."),
        ],
    )
    before = said()
    # "vejstøj" is the concept "road traffic noise": the phrase, not its three words anywhere.
    assert titles(hub, run(hub, "vejstøj", glossary)) == ["Road traffic noise near schools"]
    assert said() == before  # evaluated as arrays, not by Whoosh's slower matchers
    # Typed English, the phrase is found longest first: "road traffic noise", not "noise" alone.
    assert run(hub, "road traffic noise", glossary).expansion == (("da", ("vejstøj", "trafikstøj")),)
    tables = tables_for(glossary)
    (match,) = find_matches(["Road", "traffic", "noise"], tables)
    assert (match.start, match.end) == (0, 3)


def test_an_equivalent_of_several_words_is_scored_as_whoosh_scores_it(hub, tmp_path, glossary):
    # One PhraseTerms leaf per equivalent of several words: cached like a word, and its matches and scores
    # are those of Require(And(words), Or(phrase per field)), which is how Whoosh's own matcher computes it.
    add_docs(
        hub,
        tmp_path / "aids",
        [
            ("phrase", "Hearing aid fitting", "en", "The hearing aid was fitted; a hearing instrument too."),
            ("apart", "Aid for hearing", "en", "Hearing loss and financial aid."),
            ("da", "Høreapparater", "da", "Høreapparatet blev tilpasset."),
        ],
    )
    searcher = hub.pool.get().searcher
    for text in ("høreapparat", "høreapparater tilpasning", "høreapparat OR støj"):
        plugins = (Expander(tables_for(glossary), DEFAULT_BOOSTS),)
        q = parse_query(text, searcher.schema, plugins=plugins).query
        assert any(type(node) is PhraseTerms for node in _nodes(q)), text
        assert_query_same_as_whoosh(searcher, q, text)
    assert titles(hub, run(hub, "høreapparat", glossary)) == ["Høreapparater", "Hearing aid fitting"]
    assert str(q)  # a query with these nodes can be printed (the log does)


def _nodes(q):
    yield q
    for child in q.children():
        yield from _nodes(child)


def test_all_words_count_a_concept_found_in_either_language(mini_hub, glossary):
    # "høreapparater" is matched only through "hearing aid", "remotely" as typed: one English report.
    result = run(mini_hub, "høreapparater remotely", glossary)
    assert not result.relaxed and titles(mini_hub, result) == ["Remote fitting of hearing aids"]
    # And the other way: "hearing aids" only through "høreapparat", "ældre" as typed.
    result = run(mini_hub, "hearing aids ældre", glossary)
    assert not result.relaxed and titles(mini_hub, result) == ["Høreapparater og ældre brugere"]
    # Without the glossary neither finds anything with all its words.
    assert run(mini_hub, "høreapparater remotely", glossary, crosslang=False).relaxed


def test_an_excluded_word_excludes_its_equivalents_too(mini_hub, glossary):
    # -fitting excludes the English fitting report and the Danish report about "tilpasningen".
    result = run(mini_hub, "høreapparater -fitting", glossary)
    assert titles(mini_hub, result) == ["Beamforming in hearing aids"]
    result = run(mini_hub, "hearing aids NOT tilpasning", glossary)
    assert titles(mini_hub, result) == ["Beamforming in hearing aids"]


def test_prefix_fuzzy_and_field_words(mini_hub, glossary):
    assert run(mini_hub, "høreapparat*", glossary).expansion == ()
    assert run(mini_hub, "høreaparater~", glossary).expansion == ()
    # title: keeps the equivalents to titles.
    assert set(titles(mini_hub, run(mini_hub, "title:høreapparater", glossary))) == {
        "Høreapparater og ældre brugere",
        "Beamforming in hearing aids",
        "Remote fitting of hearing aids",
    }
    # An abbreviation adds the terms of both languages.
    langs = dict(run(mini_hub, "ha", glossary).expansion)
    assert langs == {"en": ("hearing aid", "hearing instrument"), "da": ("høreapparat",)}


def test_a_hidden_document_is_never_found_through_the_expansion(mini_hub, tmp_path, glossary):
    add_docs(mini_hub, tmp_path / "staff", [("plugs", "Earplugs for musicians", "en", "Earplugs protect.")], "staff")
    anonymous = run(mini_hub, "ørepropper", glossary)
    assert anonymous.total == 0 and anonymous.hits == []
    assert all(c.count == 0 for counts in anonymous.facets.values() for c in counts)
    staff = run(mini_hub, "ørepropper", glossary, visibility=("public", "members", "staff"))
    assert titles(mini_hub, staff) == ["Earplugs for musicians"]


def test_did_you_mean_leaves_a_glossary_term_alone(hub, tmp_path, glossary):
    add_docs(
        hub,
        tmp_path / "dust",
        [("noise", "Noise at work", "en", "Noise exposure.")]
        + [(f"dust{n}", f"Støv {n}", "da", "Støv i luften og støv på gulvet.") for n in range(3)],
    )
    request = SearchRequest(q="støj", glossary=glossary)
    result = search(hub.pool.get(), request)
    assert titles(hub, result) == ["Noise at work"]
    # "støj" is in no visible document's words, "støv" (one edit away) in three: yet støj is no typo.
    assert did_you_mean(hub.pool.get(), request, result.total, result.relaxed) is None
    # The check is real: a word outside the glossary is corrected.
    unknown = SearchRequest(q="støw", glossary=glossary)
    found = search(hub.pool.get(), unknown)
    assert did_you_mean(hub.pool.get(), unknown, found.total, found.relaxed) == "støv"


@dataclass(frozen=True)
class _WithGlossary(SearchSettings):
    """The search settings with ``SKH_GLOSSARY``'s field (added to SearchSettings on another branch)."""

    glossary: str | None = None


@pytest.fixture
def glossary_client(mini_hub, glossary):
    mini_hub.settings = replace(mini_hub.settings, search=_WithGlossary(glossary=glossary))
    return create_app(mini_hub, TESTING=True).test_client()


def test_the_api_returns_the_expansion_and_each_hits_language(glossary_client):
    body = glossary_client.get("/api/search?q=h%C3%B8reapparater").get_json()
    assert body["expansion"] == {"en": ["hearing aid", "hearing instrument"]}
    assert {(h["title"], h["lang"]) for h in body["hits"]} == {
        ("Høreapparater og ældre brugere", "da"),
        ("Beamforming in hearing aids", "en"),
        ("Remote fitting of hearing aids", "en"),
    }
    off = glossary_client.get("/api/search?q=h%C3%B8reapparater&crosslang=0").get_json()
    assert off["expansion"] == {} and [h["lang"] for h in off["hits"]] == ["da"]


def test_crosslang_off_is_kept_in_facet_links_and_the_page_context(glossary_client):
    from flask import template_rendered

    seen = {}

    def record(sender, template, context, **extra):
        seen[template.name] = context

    with template_rendered.connected_to(record, glossary_client.application):
        page = glossary_client.get("/search?q=h%C3%B8reapparater")
        assert page.status_code == 200
        crosslang = seen["search.html"]["crosslang"]
        assert crosslang.also == [("en", ["hearing aid", "hearing instrument"])]
        assert crosslang.off_url == "/search?q=h%C3%B8reapparater&crosslang=0"
        off = glossary_client.get(crosslang.off_url)
        assert off.status_code == 200 and seen["search.html"]["crosslang"] is None
        # Facet, sort and paging links all start from the same pairs: the choice stays as the visitor moves on.
        links = [v.toggle_url for f in seen["search.html"]["facets"] for v in f.values]
        links += list(seen["search.html"]["sort_links"].values())
        assert links and all("crosslang=0" in url for url in links)


def test_completions_offer_the_titles_a_typed_concept_finds_in_the_other_language(glossary_client, tmp_path):
    hub = glossary_client.application.extensions["hub"]
    add_docs(hub, tmp_path / "staff", [("secret", "Hearing aid prices", "en", "Hearing aid prices.")], "staff")

    def offered(query: str) -> set[str]:
        body = glossary_client.get(f"/api/suggest?q={query}").get_json()
        return {c["text"] for c in body["completions"] if c["kind"] == "title"}

    assert offered("h%C3%B8reapparat") == {
        "Høreapparater og ældre brugere",
        "Beamforming in hearing aids",
        "Remote fitting of hearing aids",
    }  # and not the staff-only "Hearing aid prices"
    assert offered("h%C3%B8reapparat&crosslang=0") == {"Høreapparater og ældre brugere"}
    # A word outside the glossary cannot be said in the other language: no English titles for it.
    assert offered("h%C3%B8reapparat%20zzz") == set()
