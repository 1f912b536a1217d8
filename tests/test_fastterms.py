"""The fast index-time analysis writes exactly the postings Whoosh's own analyzers write.

Search reads the index with Whoosh's analyzers (queries) and Whoosh's readers
(postings, positions, lengths); if the fast path differed by one term or one
position, a word or phrase would silently stop being found. So an index is
built both ways from the same documents and compared term for term.
"""

from __future__ import annotations

import pickle
from dataclasses import replace
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.reading import SegmentReader

from bench.speed_corpus import Vocabulary, make_doc
from search.analysis import JoinedText, content_words, language_analyzer, stem_words
from search.engine.format.posting_blocks import MIN_COMPRESS
from search.engine.writing.fastterms import fast_columns
from search.engine.writing.segment_writer import FastSegmentWriter
from search.schema import IndexDoc, build_schema

ROOT = Path(__file__).resolve().parent.parent

TRICKY = [
    "",
    "   ",
    "the and of",  # stop words only
    "Og i det: HØREAPPARATERNE, høreapparat og høreapparater; Støj-måling på Ærø ved Åbenrå.",
    "The listener's cochlear-implant (CI) and the listeners’ 3-D print in 2023, v2.1 at 48kHz; don't, it's.",
    "a the of Beamforming after three stop words, then the the beamforming again",
    "under_score snake_case __init__ x_1 ' ’ '' l'oreille rock'n'roll",
    "ΟΔΟΣ Σίσυφος ΣΟΦΟΣ İstanbul ǅemal Straße ﬁnal ÆØÅ æøå ß ẞ",
    "e\u0301cole cafe\u0301 na\u00efve 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ٣٤٥ ½ ² x² 東京 大学 emoji 🎧 ok",
    "Tab\tseparated\nlines\r\nand\u00a0non-breaking\u2009thin spaces",
    "repeat repeat repeat Repeat REPEAT repeated repeats repeating",
]

DANISH_COMPOUNDS = [
    # A Danish text field also indexes a compound's parts at its position (search.decompound.CompoundParts):
    # parts that are words of the text too, a stop-word part joined to the next, a hyphen, a compound first
    # after stop words, repeated, inflected, and words that are not split (digits, English, frequent words).
    "Vindmøllestøj ved boligerne: støj fra vindmøller, vindmøllestøj igen og VINDMØLLESTØJ om natten.",
    "og i det efterklangstid, efterklangstiden og efterklangstider; høreapparatbrugere og høreapparatbrugernes "
    "lavlatens-codec, baggrundsstøjniveau, vejstøj og vejstøj; vindmøllestøj2 beamforming kommunen undersøgelse",
    "Bygningsakustik basreflekskabinet båndpasfilter vindmøllestøjen arbejdsmiljørepræsentanterne støj støj",
]


def _corpus_texts() -> list[str]:
    texts = []
    for path in sorted((ROOT / "corpus" / "docs").rglob("*")):
        if path.suffix in (".md", ".txt", ".html"):
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
    vocab = Vocabulary.build(tail=2000)
    texts += [make_doc(vocab, n).text for n in range(8)]
    return texts


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return TRICKY + DANISH_COMPOUNDS + _corpus_texts()


def test_every_text_field_takes_the_fast_path():
    schema = build_schema()
    text_fields = [name for name in schema.names() if name.startswith(("title_", "abstract_", "body_"))]
    for name in [*text_fields, "words", "authors", "org_text"]:
        assert fast_columns(schema[name]) is not None, name


def test_fast_postings_equal_whooshs_for_every_field(texts):
    schema = build_schema()
    for name in schema.names():
        field = schema[name]
        fast = fast_columns(field)
        if fast is None:
            continue
        for text in texts:
            assert sorted(zip(*fast(text), strict=True)) == sorted(field.index(text)), (name, text[:80])


def test_joined_text_has_the_words_of_the_whole(texts):
    """The ``words`` field takes its words from the parts already analysed: the same postings as the whole."""
    schema = build_schema()
    for name in ("words", "authors", "body_en"):
        field, fast = schema[name], fast_columns(schema[name])
        for n in range(0, len(texts) - 2, 3):
            parts = ("rock'", texts[n][:500], "n'roll " + texts[n + 1][:500], texts[n + 2][:500])
            for part in parts:  # analysed first as their own fields, as the writer does
                fast(part)
            joined = JoinedText(parts)
            assert sorted(zip(*fast(joined), strict=True)) == sorted(field.index("\n".join(parts))), (name, n)


def _build(folder: Path, writer_class, docs: list[IndexDoc], codec: W3Codec) -> None:
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema())
    for start in range(0, len(docs), 30):  # a few segments, so per-segment lengths are compared too
        writer = writer_class(ix, codec=codec)
        for doc in docs[start : start + 30]:
            writer.update_document(**doc.to_fields())
        writer.commit()


def _dump(folder: Path) -> dict:
    ix = whoosh_index.open_dir(str(folder))
    schema = ix.schema  # read once: each ix.schema reads the table of contents again
    out: dict = {}
    with ix.searcher() as searcher:
        reader = searcher.reader()
        ids = {docnum: fields["id"] for docnum, fields in reader.iter_docs()}
        for fieldname, term in reader.all_terms():
            field = schema[fieldname]
            postings = []
            matcher = reader.postings(fieldname, term)
            while matcher.is_active():
                docnum = matcher.id()
                positions = matcher.value_as("positions") if field.format.supports("positions") else None
                postings.append((ids[docnum], matcher.weight(), positions))
                matcher.next()
            out[(fieldname, term)] = sorted(postings)
        for docnum, doc_id in ids.items():
            for fieldname in schema.scorable_names():
                out[("length", fieldname, doc_id)] = reader.doc_field_length(docnum, fieldname)
        for fieldname in schema.scorable_names():
            out[("total", fieldname)] = reader.field_length(fieldname)
    return out


def _segment_files(folder: Path) -> list[dict[str, bytes]]:
    """Each segment's files (postings, terms, lengths, stored ids, columns), named without the segment id."""
    ix = whoosh_index.open_dir(str(folder))
    out = []
    for segment in ix._segments():
        files = segment.open_compound_file(ix.storage)
        out.append({name.split(".", 1)[1]: files.open_file(name).read() for name in files.list()})
    return out


def _blocks(folder: Path) -> list[dict]:
    """Each segment as stored, except where a block's compression may differ from Whoosh's.

    The files other than postings and term index byte for byte; every term's statistics (not where its
    postings start: compressed blocks differ in size); every block's header but its compression level,
    and its data decompressed.
    """
    ix = whoosh_index.open_dir(str(folder))
    out = []
    for segment in ix._segments():
        files = segment.open_compound_file(ix.storage)
        found: dict = {
            name.split(".", 1)[1]: files.open_file(name).read()
            for name in files.list()
            if not name.endswith((".pst", ".trm"))
        }
        reader = SegmentReader(ix.storage, ix.schema, segment)
        for fieldname, term in reader.all_terms():
            info = dict(vars(reader._terms.term_info(fieldname, term)))
            del info["_offset"], info["_length"]
            matcher = reader.postings(fieldname, term)
            blocks = []
            while not matcher._atend:
                matcher._read_data()
                header = (matcher._blocklength, matcher._maxid, matcher._maxweight)
                blocks.append((header, matcher._minlength, matcher._maxlength, matcher._data))
                matcher._next_block()
            found[(fieldname, term)] = (info, blocks)
        reader.close()
        out.append(found)
    return out


def _compression_levels(folder: Path) -> list[tuple[int, int]]:
    """(pickled size, compression level) of every block: which blocks the writer compressed."""
    ix = whoosh_index.open_dir(str(folder))
    levels = []
    with ix.reader() as reader:
        for fieldname, term in reader.all_terms():
            matcher = reader.postings(fieldname, term)
            while not matcher._atend:
                matcher._read_data()
                levels.append((len(pickle.dumps(matcher._data, 2)), matcher._compression))
                matcher._next_block()
    return levels


CODECS = {
    "whoosh-blocks": dict(blocklimit=128, compression=0),
    "small-blocks": dict(blocklimit=8, compression=0),
    "compressed": dict(blocklimit=128, compression=3),
    "small-compressed": dict(blocklimit=8, compression=3),
}


@pytest.mark.parametrize("settings", CODECS.values(), ids=CODECS.keys())
def test_an_index_built_fast_is_the_index_whoosh_builds(tmp_path, texts, settings):
    """Small blocks too: with 128 postings a block, few terms here would span more than one.

    Uncompressed, the segment files are Whoosh's byte for byte. Compressed,
    the writer compresses fewer blocks than Whoosh (see :mod:`search.engine.format.posting_blocks`),
    so postings and term index differ in bytes but not in what they say.
    """
    from whoosh.writing import SegmentWriter

    codec = W3Codec(**settings)
    stored = _segment_files if not settings["compression"] else _blocks

    docs = [
        IndexDoc(
            id=f"d{n}",
            title=text.split("\n", 1)[0][:120] or "untitled",
            body=text[:6000],  # long enough for real vocabularies, short enough for a quick test
            abstract=text[:300],
            lang="da" if text in DANISH_COMPOUNDS else ("da", "en", "de")[n % 3],
            authors=["Søren Ærø", "Anne-Marie O'Neil"],
            org="Hørecenter Syd",
            areas=["acoustics-noise"],
            type="report",
            year=2000 + n % 25,
        )
        for n, text in enumerate(texts)
    ]
    _build(tmp_path / "whoosh", SegmentWriter, docs, codec)
    _build(tmp_path / "fast", FastSegmentWriter, docs, codec)
    whoosh_dump, fast_dump = _dump(tmp_path / "whoosh"), _dump(tmp_path / "fast")
    assert len(whoosh_dump) > 5000  # the comparison covers a real vocabulary
    # ... and compounds' parts: "vindmøllestøj" at the place of each of its parts (stems vindmøl, støj)
    compound = dict((doc_id, places) for doc_id, _weight, places in whoosh_dump[("body_da", "vindmøllestøj".encode())])
    assert compound, "a Danish document with the compound"
    for part in ("vindmøl", "støj"):
        found = dict((doc_id, places) for doc_id, _weight, places in whoosh_dump[("body_da", part.encode())])
        assert all(set(places) <= set(found[doc_id]) for doc_id, places in compound.items()), part
    assert fast_dump == whoosh_dump
    # Stronger still: the same segments as stored, so block statistics (max weight, min/max length) match too.
    assert stored(tmp_path / "fast") == stored(tmp_path / "whoosh")

    # Merging segments feeds postings through the pool one at a time: the same bytes again.
    for folder, writer_class in ((tmp_path / "whoosh", SegmentWriter), (tmp_path / "fast", FastSegmentWriter)):
        writer_class(whoosh_index.open_dir(str(folder)), codec=codec).commit(optimize=True)
    merged = stored(tmp_path / "fast")
    assert len(merged) == 1
    assert merged == stored(tmp_path / "whoosh")

    # Replacing documents deletes their old versions; a merge then drops those and
    # renumbers the rest after the new documents: the same bytes again.
    changed = [replace(doc, body=doc.body[::-1]) for doc in docs[::7]]
    for folder, writer_class in ((tmp_path / "whoosh", SegmentWriter), (tmp_path / "fast", FastSegmentWriter)):
        writer = writer_class(whoosh_index.open_dir(str(folder)), codec=codec)
        for doc in changed:
            writer.update_document(**doc.to_fields())
        writer.delete_by_term("id", docs[3].id)
        writer.commit(optimize=True)
    assert _dump(tmp_path / "fast") == _dump(tmp_path / "whoosh")
    assert stored(tmp_path / "fast") == stored(tmp_path / "whoosh")
    if settings["compression"]:
        levels = _compression_levels(tmp_path / "fast")
        assert any(level for _size, level in levels), "large blocks are still compressed"
        assert all(not level for size, level in levels if size < MIN_COMPRESS), "small ones are stored as they are"
        # Barely larger than Whoosh's, which compresses every block (small blocks shrink by a tenth at best).
        fast_size = sum(len(v) for s in _segment_files(tmp_path / "fast") for k, v in s.items() if k == "pst")
        whoosh_size = sum(len(v) for s in _segment_files(tmp_path / "whoosh") for k, v in s.items() if k == "pst")
        assert whoosh_size < fast_size <= 1.03 * whoosh_size


def test_content_words_stemmed_are_the_analyzers_terms(texts):
    """Strength areas stem documents through :func:`content_words`; it must agree with the analyzer."""
    for lang in ("en", "da"):
        analyzer = language_analyzer(lang)
        for text in texts:
            assert stem_words(lang, content_words(text, lang)) == [t.text for t in analyzer(text)], (lang, text[:80])


def test_documents_added_after_a_merged_segment_keep_their_order(tmp_path, texts):
    """``add_reader`` before ``add_document``: the copied segment's documents come first in every term."""
    from whoosh.writing import SegmentWriter

    codec = W3Codec(blocklimit=8, compression=0)
    docs = [
        IndexDoc(id=f"d{n}", title=text[:80] or "untitled", body=text[:3000], lang="en") for n, text in enumerate(texts)
    ]
    for name, writer_class in (("whoosh", SegmentWriter), ("fast", FastSegmentWriter)):
        _build(tmp_path / name, writer_class, docs[:40], codec)
        ix = whoosh_index.open_dir(str(tmp_path / name))
        writer = writer_class(ix, codec=codec)
        for segment in ix._segments():
            reader = SegmentReader(ix.storage, ix.schema, segment)
            writer.add_reader(reader)
            reader.close()
        for doc in docs[40:]:
            writer.add_document(**doc.to_fields())
        writer.commit(mergetype=lambda _writer, _segments: [])  # only this writer's new segment remains
    assert _dump(tmp_path / "fast") == _dump(tmp_path / "whoosh")
    assert _segment_files(tmp_path / "fast") == _segment_files(tmp_path / "whoosh")
