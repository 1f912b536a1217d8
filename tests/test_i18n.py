"""The interface in Danish and English: the real app, index and catalog through the Flask test client."""

from __future__ import annotations

import re
import subprocess
import sys
from html import unescape
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.messages.pofile import read_po

from tests.accounts_support import csrf_token, login, make_users
from web.app import create_app
from web.i18n import COOKIE, available, number

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "web" / "translations" / "da" / "LC_MESSAGES" / "messages.po"
DA = {"Accept-Language": "da-DK,da;q=0.9,en;q=0.5"}
EN = {"Accept-Language": "en-GB,en;q=0.9"}

pytestmark = pytest.mark.skipif(
    "da" not in available(), reason="web/translations/da has no compiled .mo: run `make .venv/.installed-test`"
)


def html_lang(page: str) -> str:
    return re.search(r'<html lang="([a-z]+)">', page).group(1)


def text(page: str) -> str:
    """The visible words of the page's main part."""
    main = re.split(r'<main id="content"[^>]*>', page, maxsplit=1)[1].split("</main>", 1)[0]
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)))


def doc_id(client, title: str) -> str:
    hits = client.get("/api/search?q=" + title).get_json()["hits"]
    return next(h["id"] for h in hits if h["title"] == title)


@pytest.mark.parametrize(
    ("accept", "lang"),
    [("da", "da"), ("da-DK", "da"), ("da-DK,da;q=0.9,en;q=0.8", "da"), ("en-US", "en"), ("de-DE", "en"), ("", "en")],
)
def test_accept_language_chooses_the_interface(client, accept, lang):
    page = client.get("/", headers={"Accept-Language": accept}).get_data(as_text=True)
    assert html_lang(page) == lang
    if lang == "da":
        assert "Find det, klyngen ved om lyd" in page and ">Søg</button>" in page
        assert "Hørelse &amp; sundhed" in page  # the taxonomy's label_da
    else:
        assert "Find what the cluster knows about sound" in page and ">Search</button>" in page
        assert "Hearing &amp; Health" in page


def test_the_switch_sets_a_cookie_that_beats_accept_language_and_is_remembered(client):
    page = client.get("/search?q=hearing", headers=DA).get_data(as_text=True)
    assert html_lang(page) == "da"
    switch = re.search(r'<a lang="en" hreflang="en" href="([^"]+)"[^>]*>English</a>', page)
    response = client.get(unescape(switch.group(1)), headers=DA)
    assert response.status_code == 302 and response.headers["Location"] == "/search?q=hearing"
    assert f"{COOKIE}=en" in response.headers["Set-Cookie"]
    again = client.get("/search?q=hearing", headers=DA).get_data(as_text=True)
    assert html_lang(again) == "en" and "documents for" in again and "<strong>Dansk</strong>" not in again
    # ... and on the next page too, while the browser still asks for Danish.
    assert html_lang(client.get("/areas/hearing-health", headers=DA).get_data(as_text=True)) == "en"
    client.get("/language/da?next=/")
    assert html_lang(client.get("/", headers=EN).get_data(as_text=True)) == "da"


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "/\t/evil.example", "javascript:x"]
)
def test_the_switch_redirects_only_to_our_own_paths(client, target):
    response = client.get("/language/da", query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_an_unknown_language_is_a_404(client):
    assert client.get("/language/fr?next=/").status_code == 404


def test_the_danish_catalogue_is_complete():
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="da")
    messages = [m for m in catalog if m.id]
    untranslated = [m.id for m in messages if not (all(m.string) if isinstance(m.string, tuple) else m.string)]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert messages and not untranslated and not fuzzy, (untranslated, fuzzy)


def test_every_message_in_the_code_is_in_the_catalogue(tmp_path):
    """A new English string without its Danish fails here (re-run `make translations` and translate it)."""
    pot = tmp_path / "messages.pot"
    extract = "from babel.messages.frontend import main; main()"
    subprocess.run(
        [sys.executable, "-c", extract, "-q", "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext"]
        + ["-o", str(pot), "."],
        cwd=ROOT,
        check=True,
    )
    with pot.open("rb") as handle:
        wanted = {m.id for m in read_po(handle) if m.id}
    with PO.open("rb") as handle:
        have = {m.id for m in read_po(handle, locale="da") if m.id}
    assert wanted - have == set()


def staff_client(mini_hub):
    app = create_app(mini_hub, TESTING=True)
    emails = make_users(mini_hub)
    client = app.test_client()
    assert login(client, emails["admin"]).status_code == 302
    return client


def test_every_page_template_renders_in_both_languages(mini_hub):
    client = staff_client(mini_hub)
    danish_doc = doc_id(client, "Høreapparater og ældre brugere")
    english_doc = doc_id(client, "Reverberation in classrooms")
    client.post(f"/doc/{english_doc}/edit", data={"csrf_token": csrf_token(client, f"/doc/{english_doc}/edit")})
    pages = {
        "/": ("Find what the cluster knows about sound", "Find det, klyngen ved om lyd"),
        "/search?q=hearing&area=hearing-health": ("Clear filters", "Ryd filtre"),
        "/search?q=zzzqqq": ("Try other or fewer words", "Prøv andre eller færre ord"),
        "/areas/acoustics-noise": ("Top organisations", "Største organisationer"),
        f"/doc/{danish_doc}": ("Organisation", "Organisation"),
        f"/doc/{english_doc}": ("Language", "Sprog"),
        f"/doc/{english_doc}/edit": ("Edit metadata", "Redigér metadata"),
        "/upload": ("Upload documents", "Upload dokumenter"),
        "/admin/audit": ("Audit log", "Revisionslog"),
        "/doc/0123456789ab": ("Not found", "Ikke fundet"),
    }
    for path, (english, danish) in pages.items():
        for headers, expected, lang in ((EN, english, "en"), (DA, danish, "da")):
            response = client.get(path, headers=headers)
            page = response.get_data(as_text=True)
            assert response.status_code in (200, 404), path
            assert html_lang(page) == lang and expected in text(page), (path, lang)
    # The login page and the review page, as someone not logged in / with an upload.
    anonymous = create_app(mini_hub, TESTING=True).test_client()
    assert "Adgangskode" in anonymous.get("/login", headers=DA).get_data(as_text=True)
    upload = {"csrf_token": csrf_token(client, "/upload"), "visibility": "public"}
    upload["files"] = (__import__("io").BytesIO(b"# Lydisolering\n\nEtageadskillelser og trinlyd i boliger."), "lyd.md")
    review = client.post("/upload", data=upload, headers=DA, content_type="multipart/form-data")
    assert review.status_code == 200 and "Kontrollér før udgivelse" in review.get_data(as_text=True)


def test_a_danish_document_keeps_the_interface_language_for_its_labels(client):
    danish_doc = doc_id(client, "Høreapparater og ældre brugere")
    english_ui = client.get(f"/doc/{danish_doc}", headers=EN).get_data(as_text=True)
    assert html_lang(english_ui) == "en"
    assert '<h1 lang="da">Høreapparater og ældre brugere</h1>' in english_ui
    assert re.search(r'<div class="text" lang="da"><p>.*høreapparat', english_ui, re.S)
    assert "<h2>Text</h2>" in english_ui and "<dd>Danish</dd>" in english_ui and "March 1, 2020" in english_ui
    danish_ui = client.get(f"/doc/{danish_doc}", headers=DA).get_data(as_text=True)
    assert "<h2>Tekst</h2>" in danish_ui and "<dd>dansk</dd>" in danish_ui and "1. marts 2020" in danish_ui
    assert "hvorfor dette område?" in danish_ui or "Områderne er sat af redaktionen." in danish_ui
    english_doc = doc_id(client, "Reverberation in classrooms")
    page = client.get(f"/doc/{english_doc}", headers=DA).get_data(as_text=True)
    assert '<div class="text" lang="en">' in page and '<h1 lang="en">' in page and "<h2>Tekst</h2>" in page


def test_hits_carry_their_language_and_a_badge_in_the_interface_language(client):
    page = client.get("/search?q=", headers=DA).get_data(as_text=True)
    hits = re.findall(r'<li class="hit" lang="([a-z]+)">(.*?)</li>', page, re.S)
    assert {lang for lang, _ in hits} == {"da", "en"}
    for lang, body in hits:
        name = {"da": "dansk", "en": "engelsk"}[lang]
        assert f'<abbr title="{name}">{lang.upper()}</abbr>' in body
        assert '<p class="meta" lang="da">' in body  # the labels around the hit speak the interface language
    english = client.get("/search?q=", headers=EN).get_data(as_text=True)
    assert '<abbr title="English">EN</abbr>' in english and '<abbr title="Danish">DA</abbr>' in english


def test_facets_chips_and_counts_in_danish(client):
    page = client.get("/search?q=&area=hearing-health&lang=da", headers=DA).get_data(as_text=True)
    assert "Styrkeområde: Hørelse &amp; sundhed" in page and "Sprog: dansk" in page
    assert "<legend><h3>Dokumenttype</h3></legend>" in page and "Rapport" in page
    assert "Filtre (2)" in page and "Anvend filtre" in page
    assert "<strong>1</strong> dokument</p>" in page
    assert "<strong>2</strong> dokumenter</p>" in client.get("/search?lang=da", headers=DA).get_data(as_text=True)


def test_numbers_follow_the_locale(client):
    app = client.application
    with app.test_request_context("/", headers=DA):
        assert number(1234) == "1.234" and number(12.5) == "12,5"
    with app.test_request_context("/", headers=EN):
        assert number(1234) == "1,234"


def test_form_errors_in_danish(mini_hub):
    client = create_app(mini_hub, TESTING=True).test_client()
    token = csrf_token(client, "/login")
    page = client.post("/login", data={"csrf_token": token, "email": "", "password": ""}, headers=DA)
    assert "Dette felt skal udfyldes." in page.get_data(as_text=True)
    wrong = client.post("/login", data={"csrf_token": token, "email": "x@y.dk", "password": "nope"}, headers=DA)
    assert wrong.status_code == 401 and "Forkert e-mail eller adgangskode." in wrong.get_data(as_text=True)
    staff = staff_client(mini_hub)
    target = doc_id(staff, "Reverberation in classrooms")
    form = {"csrf_token": csrf_token(staff, f"/doc/{target}/edit"), "title": "", "year": "1066", "visibility": "x"}
    page = staff.post(f"/doc/{target}/edit", data=form, headers=DA).get_data(as_text=True)
    assert "Dette felt skal udfyldes." in page and "Tallet skal være mellem 1900 og 2100." in page
    assert "Ikke et gyldigt valg." in page
    english = staff.post(f"/doc/{target}/edit", data=form, headers=EN).get_data(as_text=True)
    assert "This field is required." in english and "Number must be between 1900 and 2100." in english


def test_flash_messages_and_csrf_errors_in_danish(mini_hub):
    client = staff_client(mini_hub)
    target = doc_id(client, "Reverberation in classrooms")
    token = csrf_token(client, f"/doc/{target}/edit")
    form = {"csrf_token": token, "title": "Reverberation in classrooms", "year": "2015", "visibility": "public"}
    form["org"], form["type"] = "Støjfri Rådgivning A/S", "case-study"
    form["areas"] = "acoustics-noise"
    saved = client.post(f"/doc/{target}/edit", data=form, headers=DA, follow_redirects=True)
    assert "Intet blev ændret." in saved.get_data(as_text=True) or "Gemt." in saved.get_data(as_text=True)
    expired = client.post(f"/doc/{target}/delete", data={}, headers=DA)
    assert expired.status_code == 400 and "formularens sikkerhedsnøgle mangler" in expired.get_data(as_text=True)


def test_the_cross_language_notice(client):
    from web.hub import get_hub
    from web.results import search_from_args
    from web.views.pages import search_context

    app = client.application
    crosslang = SimpleNamespace(also=[("en", ["hearing aid", "hearing <aids>"])], off_url="/search?q=x&xlang=off")
    for headers, expected in ((DA, "Også søgt på engelsk: hearing aid, hearing &lt;aids&gt;."), (EN, "Also searched")):
        with app.test_request_context("/search?q=h%C3%B8reapparat", headers=headers):
            app.preprocess_request()
            from flask import render_template, request

            view = search_from_args(get_hub(), request.args, ("public",))
            page = render_template("search.html", **{**search_context(view), "crosslang": crosslang})
            assert expected in page
            assert re.search(
                r'<a class="crosslang-off" href="/search\?q=x&amp;xlang=off">(Søg uden|Search without)</a>', page
            )
            real = render_template("search.html", **search_context(view))  # the glossary's own expansion
            assert (
                "Også søgt på engelsk: hearing aid" if headers is DA else "Also searched in English: hearing aid"
            ) in real
        with app.test_request_context("/search?q=h%C3%B8reapparat&crosslang=0", headers=headers):
            app.preprocess_request()
            view = search_from_args(get_hub(), request.args, ("public",))
            assert 'class="notice crosslang"' not in render_template("search.html", **search_context(view))


def test_without_a_compiled_catalogue_the_app_speaks_english(mini_hub, tmp_path):
    app = create_app(mini_hub, TESTING=True, BABEL_TRANSLATION_DIRECTORIES=str(tmp_path))
    page = app.test_client().get("/", headers=DA).get_data(as_text=True)
    assert html_lang(page) == "en" and "Find what the cluster knows about sound" in page
    assert 'href="/language/' not in page


def test_query_limit_notes_in_danish_and_the_api_keeps_them_english(client):
    many = " ".join(f"ord{i}" for i in range(70)) + " lytning~9"
    danish = text(client.get("/search", query_string={"q": many}, headers=DA).get_data(as_text=True))
    assert "Kun de første 64 ord i søgningen blev brugt." in danish
    english = text(client.get("/search", query_string={"q": many}, headers=EN).get_data(as_text=True))
    assert "Only the first 64 words of the query were searched." in english
    fuzzy = text(client.get("/search", query_string={"q": "lytning~9"}, headers=DA).get_data(as_text=True))
    assert "Uskarpe ord (~) må højst afvige med 2 tegn; større afstande blev sat ned." in fuzzy
    ranges = text(client.get("/search", query_string={"q": "title:[a TO c]"}, headers=DA).get_data(as_text=True))
    assert "Intervaller virker kun på årstal" in ranges
    api = client.get("/api/search", query_string={"q": many}, headers=DA).get_json()
    assert "Only the first 64 words of the query were searched." in api["notices"]


def test_every_notice_code_has_its_danish_and_unknown_ones_stay_english(client):
    import pickle

    from search import QueryTooExpensive, SearchBusy
    from search.limits import NOTICES, Notice, notice
    from web.messages import notice as said

    app = client.application
    with app.test_request_context("/", headers=DA):
        for code in NOTICES:
            note = notice(code, chars=1000, words=1024, edits=1)
            assert pickle.loads(pickle.dumps(note)).params == note.params
            assert said(note) != str(note), code
        assert "1.024 ord" in said(notice("expansion_capped", words=1024))
        assert said(QueryTooExpensive(1500)).startswith("Denne søgning er for krævende") and "1,5 s" in said(
            QueryTooExpensive(1500)
        )
        assert said(SearchBusy(300)).startswith("Tjenesten er optaget af andre søgninger")
        assert said(Notice("new_code", "Something new.")) == "Something new."
        assert said("plain English") == "plain English"
    with app.test_request_context("/", headers=EN):
        for code in NOTICES:
            note = notice(code, chars=500, words=64, edits=2)
            assert said(note) == str(note), code  # the English page says what search wrote
        assert said(QueryTooExpensive(1000)) == str(QueryTooExpensive(1000))
        assert said(SearchBusy(300)) == str(SearchBusy(300))


def test_the_rate_limit_page_in_danish_and_the_api_in_english(mini_hub):
    client = create_app(mini_hub, TESTING=True, SKH_RATE_LIMIT="2/minute").test_client()
    for _ in range(2):
        client.get("/search?q=noise", headers=DA)
    refused = client.get("/search?q=noise", headers=DA)
    assert refused.status_code == 429
    page = text(refused.get_data(as_text=True))
    assert re.search(r"For mange forespørgsler fra din adresse\. Prøv igen om \d+ sekund(er)?\.", page)
    api = client.get("/api/search?q=noise", headers=DA)
    assert api.status_code == 429
    assert api.get_json()["error"]["message"].startswith("Too many requests from your address.")


def test_an_upload_problem_in_danish(mini_hub):
    import io
    import pickle

    from ingest.pipeline import IngestError
    from ingest.reasons import reason

    client = staff_client(mini_hub)
    upload = {
        "csrf_token": csrf_token(client, "/upload"),
        "visibility": "public",
        "files": (io.BytesIO(b"Hej."), "kort.txt"),
    }
    for headers, expected in (
        (DA, "for lidt tekst til at indeksere: 4 tegn i TEKST-filen (der skal mindst 20 til)"),
        (EN, "too little text to index"),
    ):
        form = {**upload, "files": (io.BytesIO(b"Hej."), "kort.txt")}
        page = client.post("/upload", data=form, headers=headers, content_type="multipart/form-data")
        assert page.status_code == 400 and expected in text(page.get_data(as_text=True)), page.get_data(as_text=True)
    error = pickle.loads(pickle.dumps(IngestError(reason("nested"))))
    assert (error.code, error.params, str(error)) == ("nested", {}, "the file is nested too deeply to parse")
