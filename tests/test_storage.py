"""Originals nothing references are removed; gc, check and backup keep the data dir whole (issue 14, failure 6)."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.curation import delete
from ingest.pipeline import Explicit
from ingest.store import path_for, sha256_of, store
from search.engine.writing.writer import index_writer, write_lock
from tests.accounts_support import login, make_users
from tests.conftest import MINI_DOCS, ROOT
from tests.test_staff import upload
from web.app import create_app
from web.cli import main
from web.hub import Hub

OLD = time.time() - 3 * 3600  # older than the default grace period (an hour)


def _originals(hub: Hub) -> list[str]:
    return [p.name for p in hub.datadir.originals.glob("*/*") if not p.name.startswith(".")]


def _write(folder: Path, count: int, version: str = "") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (folder / f"r{i}.txt").write_text(f"Report {i} on hearing aid fitting number {i}. {version}")


@pytest.fixture
def skh(hub):
    runner = CliRunner()
    env = {"SKH_DATA_DIR": str(hub.datadir.root)}

    def invoke(*args):
        return runner.invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)

    return invoke


def test_an_update_removes_the_replaced_originals(hub, tmp_path):
    folder = tmp_path / "docs"
    _write(folder, 10)
    assert hub.ingestor.ingest_paths([folder]).summary()["added"] == 10
    for i in range(5):
        (folder / f"r{i}.txt").write_text(f"Report {i} on hearing aid fitting, revised: version {i}.")
    assert hub.ingestor.ingest_paths([folder]).summary()["updated"] == 5
    assert len(_originals(hub)) == 10  # before: 15, the five replaced ones referenced by nothing
    assert sorted(_originals(hub)) == sorted(hub.catalog.hashes())


def test_deleting_a_document_removes_its_original(mini_hub):
    doc = next(mini_hub.catalog.all())
    delete(mini_hub.datadir, mini_hub.catalog, doc.id, held_elsewhere=mini_hub.pending.hashes)
    assert not path_for(mini_hub.datadir.originals, doc.sha256).exists()
    assert len(_originals(mini_hub)) == len(MINI_DOCS) - 1


def test_a_delete_keeps_an_original_that_a_pending_upload_holds(mini_hub, tmp_path):
    """Before, the web's delete unlinked the original whenever no document held it, and the review that
    was waiting for the same bytes then published a document without its original."""
    emails = make_users(mini_hub)
    client = create_app(mini_hub, TESTING=True).test_client()
    login(client, emails["staff"])
    data = b"Infrasound from heat pumps at night: a field study in Fjordby with twelve sites.\n"
    assert upload(client, ("heat.txt", data)).status_code == 200  # parked for review
    (tmp_path / "heat.txt").write_bytes(data)  # the same bytes arrive by the command line meanwhile
    (outcome,) = mini_hub.ingestor.ingest_paths([tmp_path / "heat.txt"]).outcomes
    assert outcome.status == "added"
    token = client.get(f"/doc/{outcome.id}/edit").get_data(as_text=True)
    csrf = token.split('name="csrf_token"')[1].split('value="')[1].split('"')[0]
    assert client.post(f"/doc/{outcome.id}/delete", data={"csrf_token": csrf}).status_code == 302
    assert mini_hub.catalog.get(outcome.id) is None
    assert path_for(mini_hub.datadir.originals, sha256_of(data)).exists()


def test_gc_removes_old_orphans_and_keeps_a_parked_upload(mini_hub, skh):
    hub = mini_hub
    orphan = store(hub.datadir.originals, b"an original nothing refers to")
    young = store(hub.datadir.originals, b"an orphan stored a minute ago")
    parked_bytes = b"Parked for review: a report on cinema loudness."
    parked = store(hub.datadir.originals, parked_bytes)
    doc = hub.ingestor.extract_isolated(parked_bytes, "cinema.txt", "upload:x", {})
    hub.pending.park("staff@cluster.example", doc)
    abandoned_bytes = b"Abandoned two days ago: a report on tram squeal."
    abandoned = store(hub.datadir.originals, abandoned_bytes)
    token = hub.pending.park("staff@cluster.example", hub.ingestor.extract_isolated(abandoned_bytes, "t.txt", "u", {}))
    with sqlite3.connect(hub.datadir.root / "accounts.sqlite3") as conn:
        conn.execute("UPDATE pending_uploads SET created_at = '2000-01-01T00:00:00Z' WHERE token = ?", (token,))
    leftover = hub.datadir.originals / "ab" / ".tmp-killed"
    leftover.parent.mkdir(exist_ok=True)
    leftover.write_bytes(b"half an original")
    for digest in (orphan, parked, abandoned):
        os.utime(path_for(hub.datadir.originals, digest), (OLD, OLD))
    os.utime(leftover, (OLD, OLD))

    result = skh("gc")
    assert result.exit_code == 0, result.output
    assert "1 abandoned reviews expired, 2 orphans and 1 temporary files removed, 1 left" in result.output
    left = set(_originals(hub))
    assert parked in left and young in left and orphan not in left and abandoned not in left
    assert not leftover.exists()
    assert hub.catalog.hashes() <= left
    assert hub.pending.peek("staff@cluster.example", token) is None


def test_check_is_clean_on_a_healthy_data_dir(mini_hub, skh):
    result = skh("check")
    assert result.exit_code == 0, result.output
    assert f"ok      catalog→index: all {len(MINI_DOCS)} documents indexed" in result.output
    assert "write lock free" in result.output


def test_check_finds_and_repairs_an_index_that_lost_a_document(mini_hub, skh):
    doc = next(mini_hub.catalog.all())
    with write_lock(mini_hub.datadir.index), index_writer(mini_hub.datadir.index) as writer:
        writer.delete_by_term("id", doc.id)
    result = skh("check")
    assert result.exit_code == 1 and f"PROBLEM catalog→index: 1 documents missing from the index (e.g. {doc.id})" in (
        result.output
    )
    repaired = skh("check", "--repair")
    assert repaired.exit_code == 0, repaired.output
    assert "repaired: rebuilt the index from the catalog" in repaired.output
    assert skh("check").exit_code == 0


def test_check_reports_a_missing_original_and_an_orphan(mini_hub, skh):
    doc = next(mini_hub.catalog.all())
    path_for(mini_hub.datadir.originals, doc.sha256).unlink()
    orphan = store(mini_hub.datadir.originals, b"planted orphan")
    os.utime(path_for(mini_hub.datadir.originals, orphan), (OLD, OLD))
    report = json.loads(skh("check", "--json").output)
    assert not report["ok"] and report["missing_originals"] == 1 and report["orphans"] == 1
    repaired = skh("check", "--repair", "--json")
    after = json.loads(repaired.output)
    assert repaired.exit_code == 1  # a lost original cannot be repaired from the data dir
    assert after["orphans"] == 0 and after["missing_originals"] == 1


def test_backup_during_an_ingest_restores_a_clean_data_dir(mini_hub, skh, tmp_path):
    more = tmp_path / "more"
    _write(more, 120)
    worker = threading.Thread(target=lambda: mini_hub.ingestor.ingest_paths([more], Explicit(visibility="public")))
    worker.start()
    time.sleep(0.5)
    result = skh("backup", tmp_path / "backup")
    worker.join(timeout=600)
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "backup" / "MANIFEST.json").read_text())
    assert manifest["documents"] >= len(MINI_DOCS) and manifest["originals"] == manifest["documents"]

    restored = tmp_path / "restored"
    env = {"SKH_DATA_DIR": str(restored)}
    runner = CliRunner()
    run = runner.invoke(main, ["restore", str(tmp_path / "backup")], env=env, catch_exceptions=False)
    assert run.exit_code == 0, run.output
    check = runner.invoke(main, ["check"], env=env, catch_exceptions=False)
    assert check.exit_code == 0, check.output
    again = runner.invoke(main, ["restore", str(tmp_path / "backup")], env=env, catch_exceptions=False)
    assert again.exit_code == 1 and "not empty" in again.output

    back = Hub.open(restored, taxonomy=str(ROOT / "corpus" / "areas.toml"))
    assert back.catalog.count() == manifest["documents"]
    # every level, and the typed words only (not the glossary's too)
    words_only = ["search", "fitting", "--json", "--limit", "1000", "--no-crosslang", "--as", "staff"]
    found = json.loads(runner.invoke(main, words_only, env=env).output)
    expected = {d.id for d in back.catalog.all() if "fitting" in f"{d.title} {d.body}".lower()}
    assert found["total"] == len(expected)
    assert {h["id"] for h in found["hits"]} <= expected and expected  # hits: the first page
    for doc in back.catalog.all():
        assert path_for(back.datadir.originals, doc.sha256).exists()
