"""The `skh` command line, run in-process on a real data directory."""

from __future__ import annotations

import json

from click.testing import CliRunner

from tests.conftest import MINI_DOCS, write_mini_corpus
from web.cli import main


def test_ingest_reports_failures_and_goes_on(skh, tmp_path):
    folder = write_mini_corpus(tmp_path / "docs")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "picture.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    result = skh("ingest", folder)
    assert result.exit_code == 1
    assert "empty.txt: the file is empty" in result.output
    assert "picture.pdf: a PNG image, not a document" in result.output
    assert f"{len(MINI_DOCS)} added, 0 updated, 0 unchanged, 2 failed" in result.output


def test_reingest_changes_nothing_and_an_edit_updates_in_place(skh, tmp_path):
    folder = write_mini_corpus(tmp_path / "docs")
    assert skh("ingest", folder).exit_code == 0
    again = skh("ingest", folder)
    assert again.exit_code == 0 and f"0 added, 0 updated, {len(MINI_DOCS)} unchanged" in again.output

    before = json.loads(skh("search", "woofer", "--json").output)["hits"][0]
    path = folder / "woofer.md"
    path.write_text(path.read_text().replace("magnetic gap", "magnetic gap and the suspension creeps"))
    updated = skh("ingest", path)
    assert "0 added, 1 updated" in updated.output
    after = json.loads(skh("search", "suspension creeps", "--json").output)
    assert after["total"] == 1 and after["hits"][0]["id"] == before["id"]


def test_explicit_options_win_and_unknown_areas_are_usage_errors(skh, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("Internal note about loudspeaker magnets and their supply chain in Europe.")
    assert skh("ingest", note, "--area", "no-such-area").exit_code == 2
    result = skh(
        "ingest",
        note,
        "--area",
        "acoustics-noise",
        "--org",
        "Lydværket ApS",
        "--type",
        "report",
        "--visibility",
        "staff",
    )
    assert result.exit_code == 0
    assert json.loads(skh("search", "magnets", "--json").output)["total"] == 0  # staff only: not anonymous
    hit = json.loads(skh("search", "magnets", "--as", "staff", "--json").output)["hits"][0]
    assert hit["visibility"] == "staff" and hit["areas"] == ["acoustics-noise"]
    assert hit["org"] == "Lydværket ApS" and hit["type"] == "report"


def test_search_filters_and_sorting(skh, tmp_path):
    skh("ingest", write_mini_corpus(tmp_path / "docs"))
    out = json.loads(skh("search", "", "--area", "hearing-health", "--lang", "da", "--json").output)
    assert [h["title"] for h in out["hits"]] == ["Høreapparater og ældre brugere"]
    years = [
        h["year"] for h in json.loads(skh("search", "--year", "2018:2021", "--sort", "oldest", "--json").output)["hits"]
    ]
    assert years == sorted(years) and min(years) == 2018 and max(years) == 2021


def test_reindex_rebuilds_the_same_results_and_stats_count(skh, tmp_path):
    skh("ingest", write_mini_corpus(tmp_path / "docs"))
    before = json.loads(skh("search", "hearing", "--json").output)
    assert "reindexed 8 documents" in skh("reindex").output
    after = json.loads(skh("search", "hearing", "--json").output)
    assert [h["id"] for h in after["hits"]] == [h["id"] for h in before["hits"]]
    stats = json.loads(skh("stats", "--json").output)
    assert stats["documents"] == 8 and stats["area"]["hearing-health"] == 3 and stats["lang"] == {"en": 6, "da": 2}


def stats_rows(output: str, section: str) -> dict[str, int]:
    lines = output.split(f"\n{section}:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    return {" ".join(line.split()[:-1]): int(line.split()[-1]) for line in lines}


def test_stats_name_the_areas_from_the_taxonomy(skh, tmp_path):
    skh("ingest", write_mini_corpus(tmp_path / "docs"))
    out = skh("stats").output
    assert out.startswith("documents: 8 (the whole catalog, every visibility level)")
    assert stats_rows(out, "area") == {
        "Hearing & Health (hearing-health)": 3,
        "Audio Technology (audio-tech)": 2,
        "Acoustics & Noise (acoustics-noise)": 2,
        "Signal Processing (signal-processing)": 2,
        "Sound Experience (sound-experience)": 1,
    }
    labels = json.loads(skh("stats", "--json").output)["area_labels"]
    assert labels["hearing-health"] == "Hearing & Health" and len(labels) == 5
    # A taxonomy that renamed one area and dropped the others, before skh reindex: ids it lacks say so.
    taxonomy = tmp_path / "areas.toml"
    taxonomy.write_text('[[area]]\nid = "hearing-health"\nlabel_en = "Ears"\nlabel_da = "Ører"\ndescription_en = "x"\n')
    env = {"SKH_DATA_DIR": str(tmp_path / "data"), "SKH_TAXONOMY": str(taxonomy)}
    rows = stats_rows(CliRunner().invoke(main, ["stats"], env=env).output, "area")
    assert rows["Ears (hearing-health)"] == 3 and rows["audio-tech (not in the taxonomy)"] == 2 and len(rows) == 5


def test_missing_path_is_a_usage_error(skh, tmp_path):
    assert skh("ingest", tmp_path / "nope").exit_code == 2


def test_a_new_taxonomy_file_and_reindex_reassign_areas(tmp_path):
    """No area name is code: a deployment edits the taxonomy data and runs reindex."""
    taxonomy = tmp_path / "areas.toml"
    taxonomy.write_text(
        '[[area]]\nid = "ears"\nlabel_en = "Ears"\nlabel_da = "Ører"\ndescription_en = "Hearing."\n'
        'seeds_en = ["hearing aid", "audiologist", "patients", "fitting"]\nseeds_da = ["høreapparat", "ældre"]\n\n'
        '[[area]]\nid = "rooms"\nlabel_en = "Rooms"\nlabel_da = "Rum"\ndescription_en = "Rooms and noise."\n'
        'seeds_en = ["reverberation", "classroom", "absorbers", "noise"]\nseeds_da = ["vejstøj", "støjkortlægning"]\n'
    )
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "fit.txt").write_text("Remote fitting\n\nAudiologists adjusted hearing aids remotely for patients.")
    (folder / "room.txt").write_text("Classrooms\n\nReverberation fell after absorbers were installed in classrooms.")
    runner = CliRunner()
    env = {"SKH_DATA_DIR": str(tmp_path / "data")}
    assert runner.invoke(main, ["ingest", str(folder)], env=env).exit_code == 0
    before = json.loads(runner.invoke(main, ["search", "", "--json"], env=env).output)
    assert {a for h in before["hits"] for a in h["areas"]} <= {
        "hearing-health",
        "audio-tech",
        "acoustics-noise",
        "signal-processing",
        "sound-experience",
    }
    env["SKH_TAXONOMY"] = str(taxonomy)
    assert runner.invoke(main, ["reindex"], env=env).exit_code == 0
    after = json.loads(runner.invoke(main, ["search", "", "--json"], env=env).output)
    areas = {h["title"]: h["areas"] for h in after["hits"]}
    assert areas == {"Remote fitting": ["ears"], "Classrooms": ["rooms"]}
    facet = {f["value"]: f["count"] for f in after["facets"]["area"]}
    assert facet == {"ears": 1, "rooms": 1}
