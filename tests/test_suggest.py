"""Did-you-mean, completions and related documents, through the real app and index.

Each helper is also checked against access rules: a staff-only document must
not lend a word, a title or a link to an anonymous visitor.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from ingest.pipeline import Explicit
from search.related import related
from search.searching import SearchRequest
from search.suggest import complete, did_you_mean
from search.titles import TitleEntry, TitleIndex
from tests.accounts_support import login, make_users
from web.suggestions import title_index

STAFF = ("public", "members", "staff")


def api(client, path, **params):
    response = client.get(path, query_string=params)
    assert response.status_code == 200
    return response.get_json()


def completions(client, q):
    return api(client, "/api/suggest", q=q)["completions"]


def doc_url(client, q):
    return api(client, "/api/search", q=q)["hits"][0]["url"]


# -- did you mean ---------------------------------------------------------


def test_a_misspelt_query_gets_a_correction_that_finds_documents(client):
    data = api(client, "/api/search", q="reverberaton")
    assert data["total"] == 0
    assert data["suggestion"] == {"text": "reverberation", "url": "/api/search?q=reverberation"}
    assert api(client, "/api/search", q="reverberation")["total"] == 1
    # The page shows the corrected results at once (tests/test_pages_results.py); with correct=0 it searches
    # the words as typed and offers the correction.
    page = client.get("/search?q=reverberaton&correct=0").get_data(as_text=True)
    link = re.search(r'Did you mean <a id="didyoumean" href="([^"]+)">([^<]+)</a>', page)
    assert link and unescape(link.group(1)) == "/search?q=reverberation&correct=0"
    assert link.group(2) == "reverberation"


def test_a_typo_that_fell_back_to_any_word_is_corrected(client):
    data = api(client, "/api/search", q="woofer distorsion")
    assert data["relaxed"] and data["suggestion"]["text"] == "woofer distortion"


def test_correction_keeps_field_operators_and_filters(client):
    data = api(client, "/api/search", q="title:reverberaton", area="acoustics-noise")
    assert data["suggestion"]["text"] == "title:reverberation"
    assert unescape(data["suggestion"]["url"]) == "/api/search?q=title%3Areverberation&area=acoustics-noise"


@pytest.mark.parametrize("q", ["reverberation", "loudspeakers", "hearing -beamformin", "microphon*", "zebraquartz"])
def test_no_correction_when_the_query_is_fine_or_nothing_better_exists(client, q):
    assert api(client, "/api/search", q=q)["suggestion"] is None


# -- completions ----------------------------------------------------------


def test_completions_complete_the_last_word_and_offer_titles(client):
    found = completions(client, "hearing ai")
    terms = [c["text"] for c in found if c["kind"] == "term"]
    titles = {c["text"]: c["url"] for c in found if c["kind"] == "title"}
    assert terms[0] == "hearing aids"
    assert [c["url"] for c in found if c["text"] == "hearing aids"] == ["/search?q=hearing+aids"]
    assert set(titles) == {"Beamforming in hearing aids", "Remote fitting of hearing aids"}
    assert client.get(titles["Beamforming in hearing aids"]).status_code == 200


def test_completions_find_danish_titles_by_any_word(client):
    found = completions(client, "vejst")
    assert "Støjkortlægning af vejstøj i Fjordby" in [c["text"] for c in found if c["kind"] == "title"]
    assert "vejstøj" in [c["text"] for c in found if c["kind"] == "term"]


def test_titles_starting_with_the_typed_word_come_first_then_shorter_ones():
    index = TitleIndex(
        [
            TitleEntry("a", "Remote fitting of hearing aids", "public"),
            TitleEntry("b", "Hearing aids for children in noisy classrooms", "public"),
            TitleEntry("c", "Hearing loss", "public"),
            TitleEntry("d", "Hearing protection for staff only", "staff"),
            TitleEntry("e", "Loudspeaker cones", "public"),
        ]
    )
    assert [e.id for e in index.complete("hear", ("public",))] == ["c", "b", "a"]
    assert [e.id for e in index.complete("hear", ("public", "staff"), limit=2)] == ["c", "d"]
    assert [e.id for e in index.complete("aids hear", ("public",))] == ["a", "b"]  # neither starts: shorter first
    assert index.complete("hear cones", ("public",)) == []


@pytest.mark.parametrize("wordless", [0, 1, 2])
def test_a_title_without_words_is_never_offered_and_breaks_no_other(wordless):
    """Titles of only punctuation (a scanned file's "---") sit first, between or last among the others."""
    titles = [("x", "Hearing loss"), ("y", "Hearing aids in schools")]
    titles.insert(wordless, ("dash", "— — —"))
    index = TitleIndex([TitleEntry(doc_id, title, "public") for doc_id, title in titles])
    assert [e.id for e in index.complete("hear", ("public",))] == ["x", "y"]
    assert [e.title for e in index.complete("schools", ("public",))] == ["Hearing aids in schools"]
    assert TitleIndex([TitleEntry("dash", "— — —", "public")]).complete("hear", ("public",)) == []


@pytest.mark.parametrize("q", ["", " ", "(((", '"', "-", "a", "title:", "x" * 5000, "\x00\xff", "OR"])
def test_odd_input_to_suggest_never_fails(client, q):
    data = api(client, "/api/suggest", q=q)
    assert data["q"] == q[:200] and isinstance(data["completions"], list)


def test_completions_are_json_and_escaped(client, mini_hub, tmp_path):
    evil = tmp_path / "evil.md"
    evil.write_text(
        '---\ntitle: "Xylofon <script>alert(1)</script>"\n---\nXylofon bars ring longer in a reverberant hall.\n'
    )
    assert mini_hub.ingestor.ingest_paths([evil]).summary()["added"] == 1
    response = client.get("/api/suggest?q=xylof")
    assert response.mimetype == "application/json"
    assert "Xylofon <script>alert(1)</script>" in [c["text"] for c in response.get_json()["completions"]]


# -- related documents ----------------------------------------------------


def test_document_page_lists_related_documents_with_area_badges(client):
    page = client.get(doc_url(client, "beamforming")).get_data(as_text=True)
    aside = re.search(r'<aside class="related".*?</aside>', page, re.S).group()
    titles = re.findall(r'<a href="/doc/[0-9a-f]+"[^>]*>([^<]+)</a>', aside)
    assert titles[0] == "Remote fitting of hearing aids"  # shares "hearing aids"
    assert "Beamforming in hearing aids" not in titles  # never itself
    assert 1 <= len(titles) <= 5
    assert 'class="badge" href="/areas/hearing-health"' in aside


def test_a_danish_document_is_related_to_the_english_ones_on_its_topic(client):
    """Related documents cross languages through the glossary: høreapparat's English terms are searched too."""
    url = api(client, "/api/search", q="høreapparater ældre", crosslang="0")["hits"][0]["url"]
    page = client.get(url).get_data(as_text=True)
    assert "Høreapparater og ældre brugere" in page
    aside = re.search(r'<aside class="related".*?</aside>', page, re.S).group()
    titles = re.findall(r'<a href="/doc/[0-9a-f]+"[^>]*>([^<]+)</a>', aside)
    assert {"Remote fitting of hearing aids", "Beamforming in hearing aids"} <= set(titles)


# -- access rules ---------------------------------------------------------


@pytest.fixture
def staff_doc(mini_hub, tmp_path):
    """A staff-only twin of the woofer document, with a word of its own."""
    secret = tmp_path / "secret.md"
    secret.write_text(
        '---\ntitle: "Zanzibarquartz woofer distortion board minutes"\n---\n'
        "Zanzibarquartz acquisition: loudspeaker drivers show rising distortion when the voice coil "
        "leaves the magnetic gap at high woofer excursion.\n"
    )
    report = mini_hub.ingestor.ingest_paths([secret], Explicit(visibility="staff", areas=["audio-tech"]))
    return report.outcomes[0].id


def test_staff_words_titles_and_links_stay_hidden_from_anonymous_visitors(client, mini_hub, staff_doc):
    snapshot = mini_hub.pool.get()
    titles = title_index(mini_hub)
    woofer = mini_hub.catalog.get(doc_url(client, "woofer").rsplit("/", 1)[1])
    woofer_text = f"{woofer.title}\n{woofer.body}"
    # Staff see the document through every helper: the checks below can fail.
    assert [c.text for c in complete(snapshot, titles, "zanzib", STAFF)] == [
        "zanzibarquartz",
        "Zanzibarquartz woofer distortion board minutes",
    ]
    request = SearchRequest(q="zanzibarquarts", visibility=STAFF)
    assert did_you_mean(snapshot, request, 0, False) == "zanzibarquartz"
    assert staff_doc in related(snapshot, woofer.id, woofer_text, "en", STAFF)

    # Anonymous visitors get none of it.
    assert completions(client, "zanzib") == []
    assert complete(snapshot, titles, "zanzib", ("public",)) == []
    assert "Zanzibarquartz" not in str(completions(client, "woofer dis"))
    assert api(client, "/api/search", q="zanzibarquarts")["suggestion"] is None
    assert staff_doc not in client.get(f"/doc/{woofer.id}").get_data(as_text=True)
    assert staff_doc not in related(snapshot, woofer.id, woofer_text, "en", ("public",))


def test_a_title_hidden_after_indexing_is_not_completed(client, mini_hub):
    """The title index is per generation; the catalog's current visibility decides."""
    assert completions(client, "woofer")  # builds the title index for this generation
    doc = mini_hub.catalog.get(doc_url(client, "woofer").rsplit("/", 1)[1])
    with mini_hub.catalog.transaction() as conn:  # the catalog changes before the index follows
        conn.execute("UPDATE documents SET visibility = 'staff' WHERE id = ?", (doc.id,))
    assert "Woofer distortion at high excursion" not in [c["text"] for c in completions(client, "woofer")]


def test_signed_in_staff_get_completions_corrections_and_links_from_staff_documents(client, mini_hub, staff_doc):
    login(client, make_users(mini_hub)["staff"])
    assert "Zanzibarquartz woofer distortion board minutes" in [c["text"] for c in completions(client, "zanzib")]
    assert api(client, "/api/search", q="zanzibarquarts")["suggestion"]["text"] == "zanzibarquartz"
    woofer = next(i for i, title, _ in mini_hub.catalog.titles() if title == "Woofer distortion at high excursion")
    related_block = re.search(
        r'<aside class="related".*?</aside>', client.get(f"/doc/{woofer}").get_data(as_text=True), re.S
    )
    assert f"/doc/{staff_doc}" in related_block.group()


# -- the lexicon behind completions and corrections ------------------------


def _whoosh_lexicon(reader) -> tuple[list[str], list[int]]:
    pairs = [(b.decode("utf-8"), info.doc_frequency()) for b, info in reader.iter_field("words")]
    return [w for w, _ in pairs], [f for _, f in pairs]


def test_the_lexicon_read_segment_by_segment_is_whooshs_and_stays_right_after_commits(mini_hub):
    """Completions and corrections pick candidates from this lexicon; read per segment (and kept for later
    generations), it must list the words and document frequencies Whoosh's merged view does."""
    from ingest.indexing import delete_document
    from search.engine.reading.segments import SegmentStore

    hub = mini_hub
    for n, text in enumerate(["Zzwidget loudspeakers for churches.", "Zzwidget arrays and zzwidgetry in halls."]):
        assert hub.ingestor.ingest_bytes(text.encode(), f"extra{n}.txt", f"test:{n}").status == "added"
    store = SegmentStore()
    reader = hub.pool.get().searcher.reader()
    assert len(list(reader.leaf_readers())) >= 2  # more than one segment, or the test proves nothing
    lexicon = store.lexicon(reader, "words")
    assert (lexicon.words, lexicon.doc_freq.tolist()) == _whoosh_lexicon(reader)
    assert lexicon.doc_freq[lexicon.words.index("zzwidget")] == 2

    beam = next(d for d in hub.catalog.all() if d.title == "Beamforming in hearing aids")
    delete_document(hub.datadir, hub.catalog, beam.id)
    hub.ingestor.ingest_bytes(b"Zzwidget damping in studios.", "extra2.txt", "test:2")
    reader = hub.pool.get().searcher.reader()
    lexicon = store.lexicon(reader, "words")  # the segments read before are reused from the store
    assert (lexicon.words, lexicon.doc_freq.tolist()) == _whoosh_lexicon(reader)
    assert lexicon.doc_freq[lexicon.words.index("zzwidget")] == 3


def test_two_swapped_letters_count_as_one_slip_when_corrections_are_ordered(client, mini_hub):
    """The lexicon finds candidates by Levenshtein distance (Whoosh's fuzzy rule); the order counts a swap as
    one edit, so "zzbacterai" is corrected to "zzbacteria" (one swap) before the more frequent "zzbacterial"."""
    texts = ["Zzbacteria in ear moulds."] + [f"Zzbacterial growth on hearing aid domes, case {n}." for n in range(3)]
    for n, text in enumerate(texts):
        assert mini_hub.ingestor.ingest_bytes(text.encode(), f"germ{n}.txt", f"test:germ{n}").status == "added"
    assert api(client, "/api/search", q="zzbacterai")["suggestion"]["text"] == "zzbacteria"
