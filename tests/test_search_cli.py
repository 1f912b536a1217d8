"""`skh search` tells whose view it shows, keeps hidden documents hidden, prints no markup, suggests
corrections and refuses bad input with exit code 2. Run in-process on a real data dir and index."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from search import stem_words
from tests.conftest import write_mini_corpus
from web.cli import main

# One word no other document has, in each hidden document, so any leak of it shows.
MEMBERS = ("Zephyrion membrane prototype", "The zephyrion membrane prototype passed its first drop test.")
STAFF = ("Quillonbark salary negotiation", "Quillonbark salary negotiation notes for the secretariat board.")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def data(skh, tmp_path):
    """The mini corpus (public), one members-only and one staff-only document."""
    assert skh("ingest", write_mini_corpus(tmp_path / "docs")).exit_code == 0
    for (title, body), level in ((MEMBERS, "members"), (STAFF, "staff")):
        path = tmp_path / f"{level}.md"
        path.write_text(f"---\ntitle: {title}\ntype: memo\nlanguage: en\n---\n# {title}\n\n{body}\n")
        assert skh("ingest", path, "--visibility", level, "--area", "audio-tech").exit_code == 0
    return skh


def as_json(skh, *args) -> dict:
    result = skh("search", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_first_line_says_whose_view_it_is_and_anonymous_is_the_default(data):
    lines = {
        role: data("search", "hearing", *(["--as", role] if role else [])).output
        for role in (None, "anonymous", "member", "staff")
    }
    assert lines[None].splitlines()[0] == (
        "Searching as anonymous (public documents only); --as member or --as staff changes it."
    )
    assert lines["anonymous"] == lines[None]
    assert lines["member"].splitlines()[0].startswith("Searching as member (public and members documents);")
    assert lines["staff"].splitlines()[0] == (
        "Searching as staff (public, members and staff documents); --as anonymous or --as member changes it."
    )
    assert as_json(data, "hearing")["as"] == "anonymous" and as_json(data, "hearing")["levels"] == ["public"]
    assert as_json(data, "hearing", "--as", "member")["levels"] == ["public", "members"]


@pytest.mark.parametrize("query", ["zephyrion", "quillonbark", "membrane prototype", "salary", "", "zephyrio"])
def test_anonymous_never_prints_a_members_or_staff_document(data, query):
    hidden = ("zephyrion", "quillonbark", "memo")  # the words, and the type only the hidden documents have
    text = data("search", query, "--as", "anonymous", "--limit", "100").output.lower()
    found = as_json(data, query, "--limit", "100")
    assert not [w for w in hidden if w in text or w in json.dumps(found).lower()]
    assert all(h["visibility"] == "public" for h in found["hits"])


def test_members_see_members_documents_and_staff_see_everything(data):
    member = as_json(data, "zephyrion OR quillonbark", "--as", "member")
    assert [h["title"] for h in member["hits"]] == [MEMBERS[0]] and member["hits"][0]["visibility"] == "members"
    staff = as_json(data, "zephyrion OR quillonbark", "--as", "staff")
    assert {h["title"] for h in staff["hits"]} == {MEMBERS[0], STAFF[0]}
    assert "(staff only)" in data("search", "quillonbark", "--as", "staff").output


def test_json_snippets_are_plain_text_with_offsets_of_the_matched_words(skh, tmp_path):
    note = tmp_path / "amp.txt"  # plain text: the <b> is text, not markup
    note.write_text(
        "Class D\n\nClass D amplifiers & <b>loudspeakers</b>: the loudspeaker's load, and Loudspeakers in cars.\n"
    )
    skh("ingest", note)
    hit = as_json(skh, "loudspeakers")["hits"][0]
    snippet = hit["snippet"]
    assert "<b>loudspeakers</b>" in snippet and " & " in snippet  # the text as it is: nothing added, nothing escaped
    assert "<mark>" not in snippet and "&amp;" not in snippet and "&lt;" not in snippet
    words = [snippet[start:end] for start, end in hit["matches"]]
    assert words == ["loudspeakers", "loudspeaker's", "Loudspeakers"]
    assert set(stem_words("en", [w.lower() for w in words])) == {"loudspeak"}


def test_text_output_shows_matches_in_bold_on_a_terminal_only(skh, tmp_path):
    skh("ingest", write_mini_corpus(tmp_path / "docs"))
    env = {"SKH_DATA_DIR": str(tmp_path / "data")}
    plain = CliRunner().invoke(main, ["search", "beamforming"], env=env).output
    assert (
        "\n    Adaptive beamforming improves" in plain  # the text proper: its title is not repeated (front matter)
        and not ANSI.search(plain)
        and "<mark>" not in plain
    )
    coloured = CliRunner().invoke(main, ["search", "beamforming"], env=env, color=True).output
    assert "Adaptive \x1b[1mbeamforming\x1b[0m improves" in coloured


def test_did_you_mean_when_few_are_found(data):
    assert "Did you mean: beamforming" in data("search", "beamformng").output
    assert as_json(data, "beamformng")["suggestion"] == "beamforming"
    assert as_json(data, "beamforming")["suggestion"] is None
    # Drawn only from what the role may see: the hidden word is suggested to members, never to anonymous.
    assert as_json(data, "zephyrio")["suggestion"] is None
    assert as_json(data, "zephyrio", "--as", "member")["suggestion"] == "zephyrion"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--area", "bogus"], "Invalid value for '--area': unknown area 'bogus'; the areas are: hearing-health"),
        (["--year", "2030:2020"], "2030:2020 runs backwards (2030 is after 2020); FROM comes first, e.g. 2020:2030"),
        (["--year", "abc"], "'abc' is not a year or a range of years; use YEAR, FROM:TO, FROM: or :TO"),
        (["--year", "2020-2021"], "'2020-2021' is not a year or a range of years"),
        (["--year", ":"], "':' is not a year or a range of years"),
        (["--type", "pamphlet"], "Invalid value for '--type': unknown type 'pamphlet'; known: case-study,"),
        (["--lang", "de"], "Invalid value for '--lang': unknown language 'de'; known: da, en"),
        (["--as", "admin"], "Invalid value for '--as': 'admin' is not one of 'anonymous', 'member', 'staff'"),
        (["--as", ""], "Invalid value for '--as'"),
    ],
)
def test_bad_input_is_a_usage_error_saying_what_is_accepted(data, args, message):
    result = data("search", "noise", *args)
    assert result.exit_code == 2 and message in " ".join(result.output.split())


def test_a_type_only_hidden_documents_have_is_unknown_to_anonymous(data):
    result = data("search", "", "--type", "memo")
    assert result.exit_code == 2 and "unknown type 'memo'" in result.output and "memo," not in result.output
    assert as_json(data, "", "--type", "memo", "--as", "member")["total"] == 1


def test_good_filters_search(data):
    assert [h["year"] for h in as_json(data, "", "--year", "2021")["hits"]] == [2021, 2021]
    assert {h["year"] for h in as_json(data, "", "--year", "2022:")["hits"]} == {2022, 2024}
    assert {h["year"] for h in as_json(data, "", "--year", ":2015")["hits"]} == {2015}
    both = as_json(data, "", "--lang", "da", "--lang", "en", "--area", "hearing-health", "--type", "report")
    assert both["total"] == 2
