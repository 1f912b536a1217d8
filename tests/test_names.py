"""How names are split, folded, merged and made into slugs (search/names.py's rules, one test each)."""

from __future__ import annotations

from search import name_slug, organisations
from search.names import assign_slugs, merge_people, person_key, suffixed_slug


def test_a_document_lists_organisations_with_semicolons_and_keeps_commas_inside_names():
    assert organisations("Aurora Hearing A/S;  Kattegat University ; Aurora Hearing A/S") == [
        "Aurora Hearing A/S",
        "Kattegat University",
    ]
    assert organisations("Fjordby Kommune, Teknik og Miljø") == ["Fjordby Kommune, Teknik og Miljø"]
    assert organisations(" ; ") == []


def test_spellings_of_one_full_name_are_one_person():
    same = ["Jensen, Anne", "Anne Jensen", "ANNE  JENSEN", "Dr. Anne Jensen", "Anne Jensen, PhD", "anne jensen"]
    assert {person_key(name) for name in same} == {"anne-jensen"}
    assert person_key("Jørgensen, Søren") == person_key("Søren Jørgensen") == "soren-jorgensen"
    assert person_key("Anne Marie Jensen") != person_key("Anne Jensen")  # a middle name: not merged


def test_initials_join_a_full_name_only_when_exactly_one_fits():
    assert merge_people(["A. Jensen", "Anne Jensen"])["A. Jensen"] == "anne-jensen"
    assert merge_people(["Jensen, A.", "Jensen, Anne"])["Jensen, A."] == "anne-jensen"
    ambiguous = merge_people(["A. Jensen", "Anne Jensen", "Arne Jensen"])
    assert ambiguous["A. Jensen"] == "a-jensen"  # two could be meant: neither is chosen
    # "A. M." fits only Anne Marie; "A." fits both Anne and Anne Marie, so it stays apart.
    both = merge_people(["A. M. Jensen", "A. Jensen", "Anne Jensen", "Anne Marie Jensen"])
    assert both["A. M. Jensen"] == "anne-marie-jensen"
    assert both["A. Jensen"] == "a-jensen"
    assert merge_people(["M. Jensen", "Anne Marie Jensen"])["M. Jensen"] == "m-jensen"  # initials in order
    assert merge_people(["A. Jensen"])["A. Jensen"] == "a-jensen"  # no full name: its own
    assert merge_people(["Jensen", "Anne Jensen"])["Jensen"] == "jensen"  # a surname alone never merges


def test_names_that_fold_to_nothing_still_get_a_key_of_their_own():
    assert person_key("🙂") != person_key("🙃")
    assert person_key("🙂").startswith("p-")


def test_slugs_are_folded_words_and_a_collision_gets_a_stable_suffix():
    assert name_slug("Hørecenter Syd") == "horecenter-syd"
    assert name_slug("Fjordby Kommune, Teknik og Miljø") == "fjordby-kommune-teknik-og-miljo"
    slugs = assign_slugs(["Hørecenter Syd", "Horecenter Syd", "Zyxorg"])
    assert slugs["Horecenter Syd"] == "horecenter-syd"  # first in sorted order keeps the plain slug
    assert slugs["Hørecenter Syd"] == suffixed_slug("Hørecenter Syd")
    assert slugs["Hørecenter Syd"].startswith("horecenter-syd-") and slugs["Hørecenter Syd"] != "horecenter-syd-"
    assert slugs["Zyxorg"] == "zyxorg"
    # The suffix depends on the name alone: the same whatever else exists.
    assert suffixed_slug("Hørecenter Syd") == assign_slugs(["Hørecenter Syd", "Horecenter Syd", "A"])["Hørecenter Syd"]
    assert assign_slugs(["🙂"])["🙂"] == suffixed_slug("🙂") != ""
