"""An untested Whoosh: an ERROR, searches by Whoosh's own path with the same answers, and no index writing."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb import compound, structfile
from whoosh.index import create_in

from search.engine import fallbacks, guard
from search.engine.format import lean_files
from search.engine.reading.index import open_index
from search.engine.reading.searcher import SearcherPool
from search.engine.writing.segment_writer import FastSegmentWriter
from search.engine.writing.writer import index_writer, write_lock
from search.schema import IndexDoc
from search.searching import SearchRequest, search

UNTESTED = guard.Release("Whoosh", "2.7.4")

DOCS = [
    ("beam", "Beamforming in hearing aids", "Adaptive beamforming helps hearing aid users in noisy restaurants."),
    ("fit", "Remote fitting of hearing aids", "Audiologists adjusted hearing aids remotely for their patients."),
    ("woofer", "Woofer distortion", "Loudspeaker drivers distort when the voice coil leaves the gap."),
    ("room", "Reverberation in classrooms", "Absorbers cut the reverberation time of twelve classrooms."),
]
QUERIES = ["hearing", "hearing aids", '"voice coil"', "reverb*", "loudspeaker OR classrooms", "hearing -remote"]


def _apply(release: guard.Release | None) -> None:
    """What the engine does at start, for ``release`` (None: the installed one)."""
    guard.check(release)
    lean_files.install()


@contextmanager
def untested_whoosh() -> Iterator[None]:
    _apply(UNTESTED)
    try:
        yield
    finally:
        _apply(None)


def _index(base: Path) -> None:
    with write_lock(base), index_writer(base) as writer:
        for doc_id, title, body in DOCS:
            writer.add_document(**IndexDoc(id=doc_id, title=title, body=body, lang="en").to_fields())


def _answers(base: Path) -> dict[str, list[tuple[str, float]]]:
    snapshot = SearcherPool(base).get()
    answers = {}
    for q in QUERIES:
        result = search(snapshot, SearchRequest(q=q))
        answers[q] = [(hit.id, round(hit.score, 9)) for hit in result.hits]
    return answers


def test_the_installed_whoosh_is_the_tested_one():
    """This environment installs what pyproject.toml pins, so the engine runs its own paths."""
    assert guard.installed().same_as(guard.TESTED)
    assert guard.check().tested_release
    assert guard.fast_paths_allowed()


def test_a_release_is_compared_by_distribution_and_version():
    assert guard.Release("whoosh_reloaded", "2.7.5").same_as(guard.TESTED)  # pip's spelling of the same name
    assert not guard.Release("Whoosh", "2.7.5").same_as(guard.TESTED)  # the original: same module, other code
    assert not guard.Release("Whoosh-Reloaded", "2.7.6").same_as(guard.TESTED)
    assert not guard.Release("Whoosh and Whoosh-Reloaded", "").same_as(guard.TESTED)


def test_an_untested_whoosh_is_logged_as_an_error(caplog):
    with caplog.at_level(logging.ERROR, logger="search.engine"):
        verdict = guard.check(UNTESTED)
    try:
        assert not verdict.tested_release and not guard.fast_paths_allowed()
        errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
        assert len(errors) == 1
        assert "Whoosh 2.7.4 is installed" in errors[0] and "Whoosh-Reloaded 2.7.5" in errors[0]
    finally:
        guard.check()


def test_an_untested_whoosh_refuses_index_writing(tmp_path: Path):
    base = tmp_path / "index"
    _index(base)  # written with the tested Whoosh
    with untested_whoosh():
        with pytest.raises(guard.UntestedWhoosh) as refused, write_lock(base), index_writer(base) as writer:
            writer.add_document(**IndexDoc(id="late", title="Late report", lang="en").to_fields())
        with pytest.raises(guard.UntestedWhoosh):  # a rebuild's or a background merge's writer too
            FastSegmentWriter(open_index(base))
    message = str(refused.value)
    assert "Whoosh 2.7.4 is installed" in message
    assert "tested with Whoosh-Reloaded 2.7.5" in message
    assert "pip install whoosh-reloaded==2.7.5" in message
    with open_index(base).searcher() as searcher:
        assert sorted(fields["id"] for fields in searcher.all_stored_fields()) == sorted(d[0] for d in DOCS)


def test_an_untested_whoosh_still_answers_every_search_the_same(tmp_path: Path):
    base = tmp_path / "index"
    _index(base)
    ours = _answers(base)
    assert all(ours.values()) and len(ours["hearing"]) == 2
    with untested_whoosh():
        assert compound.BufferFile is structfile.BufferFile  # segments read as stock Whoosh reads them
        whooshs = _answers(base)
    assert compound.BufferFile is lean_files.LeanBufferFile
    assert whooshs == ours


def test_a_text_field_whoosh_analyses_itself_is_logged_once(tmp_path: Path, caplog):
    """A real trigger: an analyzer the fast analysis does not reproduce (a minimum word length of 3)."""
    from whoosh.analysis import StandardAnalyzer

    folder = tmp_path / "custom"
    folder.mkdir()
    ix = create_in(str(folder), Schema(id=ID(stored=True), text=TEXT(analyzer=StandardAnalyzer(minsize=3))))
    with caplog.at_level(logging.WARNING, logger="search.engine"):
        for n in range(2):  # two writers, two commits: one line
            writer = FastSegmentWriter(ix)
            writer.add_document(id=f"d{n}", text="an ox in the big barn")
            writer.commit()
    said = [r.getMessage() for r in caplog.records if "search.engine.writing.fastterms" in r.getMessage()]
    assert len(said) == 1 and "Whoosh's own slower path" in said[0]
    assert any(path == "search.engine.writing.fastterms" for path, _reason in fallbacks.said())
    with ix.searcher() as searcher:  # Whoosh's own analysis: short words left out
        assert [t.decode() for t in searcher.lexicon("text")] == ["barn", "big"]
