"""Bad input: each file that cannot be read is reported with its reason, nothing is written for it,
and the batch goes on. Hostile files run into the parser child's time and memory limits."""

from __future__ import annotations

import json
import os
import re
import signal
import threading
import time
import zipfile
from pathlib import Path

import pytest

from ingest.extract import IngestError
from ingest.limits import Limits
from ingest.pipeline import Ingestor
from ingest.zipsafety import UnsafeArchive, ZipLimits, check_archive
from search.searching import SearchRequest, search
from tests.filemakers import (
    docx_bytes,
    encrypted_pdf_bytes,
    pdf_bytes,
    scanned_pdf_bytes,
    xobject_bomb_pdf,
    yaml_bomb_markdown,
    zip_bomb_docx,
)

GOOD = "Binaural beamforming in hearing aids improved speech intelligibility in a noisy canteen."


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD)  # every batch below must still ingest this one
    return folder


def ingestor(hub, **limits) -> Ingestor:
    return Ingestor(hub.datadir, hub.catalog, hub.taxonomy, limits=Limits(**{"workers": 2, **limits}))


def run(hub, folder: Path, **limits) -> dict[str, object]:
    report = ingestor(hub, **limits).ingest_paths([folder])
    outcomes = {Path(o.path).name: o for o in report.outcomes}
    assert outcomes["good.txt"].status == "added", outcomes["good.txt"]
    return outcomes


def assert_nothing_written_for(hub, outcome) -> None:
    assert outcome.status == "failed" and outcome.id is None
    data = Path(outcome.path).read_bytes()
    from ingest.store import path_for, sha256_of

    assert hub.catalog.by_sha256(sha256_of(data)) is None
    assert not path_for(hub.datadir.originals, sha256_of(data)).exists()


def stored_originals(hub) -> int:
    return sum(1 for p in hub.datadir.originals.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("empty.txt", b"", "the file is empty (0 bytes)"),
        ("blank.md", b"  \n\t\n", "the file is empty (only blank space)"),
        ("secret.pdf", encrypted_pdf_bytes(), "the PDF is encrypted with a password"),
        ("scan.pdf", scanned_pdf_bytes(pages=2), "the PDF has no text layer: 2 of 2 page(s) are images only"),
        ("cut.pdf", pdf_bytes([GOOD])[:300], "the PDF is damaged"),
        ("garbage.pdf", b"%PDF-1.7\n" + os.urandom(2000), "the PDF is damaged"),
        ("photo.pdf", b"\x89PNG\r\n\x1a\n" + bytes(200), "a PNG image, not a document"),
        ("program.docx", b"\x7fELF\x02\x01\x01" + bytes(200), "an executable, not a document"),
        ("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "an old Office file (.doc/.xls/.ppt)"),
        ("cut.docx", docx_bytes("Cut", [GOOD])[:2000], "a damaged ZIP file"),
        ("bomb.docx", zip_bomb_docx(inflated_mb=40), "the Word file is unsafe to open"),
        ("tiny.txt", b"Hi there.", "too little text to index: 9 characters"),
        ("pictures.docx", docx_bytes("", []), "the Word document contains no text"),
    ],
)
def test_each_bad_file_is_reported_and_nothing_is_written(hub, docs, name, data, reason):
    (docs / name).write_bytes(data)
    outcome = run(hub, docs)[name]
    assert outcome.status == "failed" and reason in outcome.reason
    assert_nothing_written_for(hub, outcome)
    assert hub.catalog.count() == 1 and stored_originals(hub) == 1


def test_a_spreadsheet_is_named_for_what_it_is(hub, docs):
    path = docs / "budget.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert "an Excel workbook" in run(hub, docs)["budget.docx"].reason


def test_the_zip_bomb_check_reads_only_the_directory():
    normal = docx_bytes("Report", [GOOD])
    check_archive(normal)  # a real Word file passes
    with pytest.raises(UnsafeArchive, match="would unpack to"):
        check_archive(normal, ZipLimits(max_total_bytes=1024))
    with pytest.raises(UnsafeArchive, match=r"padding.bin would unpack \d+x"):
        check_archive(zip_bomb_docx(inflated_mb=8))


def test_files_over_the_size_limit_are_not_even_read(hub, docs):
    (docs / "big.txt").write_text("Loudspeaker measurements. " * 2000)  # 52 KB
    outcome = run(hub, docs, max_file_bytes=20_000)["big.txt"]
    assert outcome.reason.startswith("the file is larger than the 0.0190735 MB limit (52,000 bytes)")
    assert_nothing_written_for(hub, outcome)


def test_a_parser_that_hangs_is_stopped_at_the_time_limit(hub, docs):
    (docs / "forms.pdf").write_bytes(xobject_bomb_pdf(depth=7))  # minutes of work in 3 KB
    started = time.monotonic()
    outcome = run(hub, docs, timeout_s=1.0)["forms.pdf"]
    assert outcome.reason == "parsing took longer than the 1 s time limit and was stopped"
    assert time.monotonic() - started < 60  # it did not wait for the parser to finish
    assert_nothing_written_for(hub, outcome)


def test_a_parser_that_balloons_is_stopped_at_the_memory_limit(hub, docs):
    (docs / "aliases.md").write_bytes(yaml_bomb_markdown())  # 500 bytes that expand to gigabytes
    outcome = run(hub, docs, memory_mb=200, timeout_s=120)["aliases.md"]
    assert outcome.reason == "parsing needed more than the 200 MB memory limit"
    assert_nothing_written_for(hub, outcome)


def _children() -> set[int]:
    pids: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        children = (task / "children").read_text().split()
        pids.update(int(pid) for pid in children)
    return pids


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc to find the parser processes")
def test_a_parser_that_crashes_costs_only_its_file(hub, docs):
    (docs / "a-forms.pdf").write_bytes(xobject_bomb_pdf(depth=7))  # parsed first, by the only worker
    before = _children()
    result: dict[str, object] = {}
    worker = threading.Thread(
        target=lambda: result.update(run=run(hub, docs, workers=1, timeout_s=300)),
        daemon=True,
    )
    worker.start()
    deadline = time.monotonic() + 60
    killed = None
    while killed is None and time.monotonic() < deadline:
        for pid in _children() - before:
            try:
                if _cpu_seconds(pid) > 0.3:  # busy inside the PDF: crash it as a segfault would
                    os.kill(pid, signal.SIGSEGV)
                    killed = pid
            except (FileNotFoundError, ProcessLookupError):
                continue
        time.sleep(0.05)
    worker.join(timeout=120)
    assert killed is not None and not worker.is_alive()
    outcome = result["run"]["a-forms.pdf"]
    assert outcome.reason.startswith("the parser crashed on this file (SIGSEGV")
    assert_nothing_written_for(hub, outcome)


def test_when_the_index_cannot_be_written_nothing_is_written(hub, docs):
    first = run(hub, docs)  # good.txt is in catalog, store and index
    (docs / "two.txt").write_text("Passive radiators extend the bass response of small loudspeaker boxes.")
    (docs / "three.txt").write_text("Hearing screening of newborns found most losses before three months.")
    toc = next(hub.datadir.index.rglob("_MAIN_*.toc"))
    toc.write_bytes(b"not an index")  # the index breaks under us (disk trouble, a bad copy)
    report = ingestor(hub).ingest_paths([docs])
    failed = {Path(o.path).name: o for o in report.outcomes if o.status == "failed"}
    assert set(failed) == {"two.txt", "three.txt"}
    assert all(o.reason.startswith("could not be saved") for o in failed.values())
    assert hub.catalog.count() == 1 and stored_originals(hub) == 1
    assert hub.catalog.get(first["good.txt"].id) is not None


def test_an_original_that_cannot_be_stored_fails_its_file_only(hub, docs):
    """A write that fails fails the save before anything commits, its clean-up does not trip over the file
    that was never written, and the batch goes on without that one file."""
    from ingest.store import sha256_of

    blocked = b"Room acoustic treatment of open offices lowered the speech transmission index."
    (docs / "blocked.txt").write_bytes(blocked)
    (docs / "two.txt").write_text("Passive radiators extend the bass response of small loudspeaker boxes.")
    hub.datadir.originals.mkdir(parents=True, exist_ok=True)
    (hub.datadir.originals / sha256_of(blocked)[:2]).write_bytes(b"")  # a file where its folder must go
    outcomes = run(hub, docs)
    assert outcomes["two.txt"].status == "added"
    assert outcomes["blocked.txt"].reason.startswith("could not be saved (FileExistsError")
    assert_nothing_written_for(hub, outcomes["blocked.txt"])
    assert hub.catalog.count() == 2 and stored_originals(hub) == 2 + 1  # the blocking file itself
    everything = search(hub.pool.get(), SearchRequest(q="", visibility=["public", "member", "staff"], per_page=50))
    assert sorted(hit.id for hit in everything.hits) == sorted([outcomes["good.txt"].id, outcomes["two.txt"].id])


def test_skh_ingest_json_reports_every_bad_file_and_carries_on(tmp_path, docs):
    from click.testing import CliRunner

    from web.cli import main

    (docs / "empty.txt").write_bytes(b"")
    (docs / "secret.pdf").write_bytes(encrypted_pdf_bytes())
    (docs / "bomb.docx").write_bytes(zip_bomb_docx(inflated_mb=8))
    (docs / "good.txt.meta.json").write_text('{"visiblity": "staff"}')  # a typo must not publish it
    env = {"SKH_DATA_DIR": str(tmp_path / "data")}
    result = CliRunner().invoke(main, ["ingest", str(docs), "--json"], env=env)
    assert result.exit_code == 1 and "Traceback" not in result.output
    report = json.loads(result.output)
    assert report["summary"] == {"added": 0, "updated": 0, "unchanged": 0, "failed": 4}
    reasons = {Path(f["path"]).name: f["reason"] for f in report["files"]}
    assert reasons["good.txt"].startswith("sidecar good.txt.meta.json: unknown field 'visiblity'")
    assert reasons["secret.pdf"] == "the PDF is encrypted with a password"
    assert all(re.search(r"\w", r) for r in reasons.values())


def test_one_uploaded_file_goes_through_the_same_limits(hub):
    good = hub.ingestor.ingest_bytes(GOOD.encode(), "canteen.txt", "upload:canteen")
    assert good.status == "added" and hub.catalog.get(good.id).title.startswith("Binaural beamforming")
    bomb = hub.ingestor.ingest_bytes(zip_bomb_docx(inflated_mb=8), "bomb.docx", "upload:bomb")
    assert bomb.status == "failed" and "ZIP bomb" in bomb.reason
    slow = ingestor(hub, timeout_s=1.0)
    with pytest.raises(IngestError, match="time limit"):
        slow.extract_isolated(xobject_bomb_pdf(depth=7), "forms.pdf", "upload:forms", {})
    assert hub.catalog.count() == 1 and stored_originals(hub) == 1


def test_an_older_catalog_gains_the_text_hash_and_deduplicates_against_it(hub, docs):
    import sqlite3

    from ingest.catalog import Catalog

    run(hub, docs)
    conn = sqlite3.connect(hub.datadir.catalog)
    conn.executescript("DROP INDEX documents_text_sha256; ALTER TABLE documents DROP COLUMN text_sha256;")
    conn.close()
    catalog = Catalog(hub.datadir.catalog)  # opened by the new version: migrated, hashes filled in
    (docs / "same-text.md").write_text(GOOD + "\n")
    report = Ingestor(hub.datadir, catalog, hub.taxonomy, limits=Limits()).ingest_paths([docs / "same-text.md"])
    assert report.outcomes[0].status == "unchanged" and report.outcomes[0].duplicate_of
