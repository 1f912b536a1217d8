"""Shared fixtures: real data directories, real indexes, the real Flask app."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from ingest.pipeline import Explicit
from web.app import create_app
from web.hub import Hub

ROOT = Path(__file__).resolve().parent.parent

# A small corpus whose facet counts the tests know by heart.
MINI_DOCS = [
    # name, title, areas, type, org, year, lang, body
    (
        "beam",
        "Beamforming in hearing aids",
        ["hearing-health", "signal-processing"],
        "publication",
        "Aurora Hearing A/S",
        2021,
        "en",
        "Adaptive beamforming improves speech intelligibility for hearing aid users in noisy restaurants.",
    ),
    (
        "fit",
        "Remote fitting of hearing aids",
        ["hearing-health"],
        "report",
        "Hørecenter Syd",
        2019,
        "en",
        "Audiologists adjusted hearing aids remotely for patients; fitting sessions took twenty minutes.",
    ),
    (
        "woofer",
        "Woofer distortion at high excursion",
        ["audio-tech"],
        "publication",
        "Nordlyd Acoustics A/S",
        2021,
        "en",
        "Loudspeaker drivers show rising distortion when the voice coil leaves the magnetic gap.",
    ),
    (
        "mems",
        "MEMS microphone drift",
        ["audio-tech", "signal-processing"],
        "report",
        "Mikrofonfabrikken A/S",
        2018,
        "en",
        "MEMS microphones drift in sensitivity; an adaptive filter compensates the drift in real time.",
    ),
    (
        "room",
        "Reverberation in classrooms",
        ["acoustics-noise"],
        "case-study",
        "Støjfri Rådgivning A/S",
        2015,
        "en",
        "Reverberation time in twelve classrooms fell from 1.1 to 0.5 seconds after absorbers were installed.",
    ),
    (
        "støj",
        "Støjkortlægning af vejstøj i Fjordby",
        ["acoustics-noise"],
        "report",
        "Fjordby Kommune, Teknik og Miljø",
        2022,
        "da",
        "Kommunen har gennemført støjkortlægning af vejstøj langs de store veje, og mange boliger er belastet.",
    ),
    (
        "høre",
        "Høreapparater og ældre brugere",
        ["hearing-health"],
        "report",
        "Hørecenter Syd",
        2020,
        "da",
        "Undersøgelsen viser, at mange ældre lader deres høreapparat ligge i skuffen, fordi tilpasningen svigter.",
    ),
    (
        "concert",
        "Immersive concert sound",
        ["sound-experience"],
        "event-report",
        "Immersio Labs ApS",
        2024,
        "en",
        "Listeners at the concert preferred the immersive spatial audio mix over the stereo mix.",
    ),
]


def write_mini_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, title, areas, kind, org, year, lang, body in MINI_DOCS:
        text = textwrap.dedent(
            f"""\
            ---
            title: "{title}"
            authors: ["Anna Jensen", "Lars Holm"]
            organisation: "{org}"
            date: {year}-03-01
            type: {kind}
            language: {lang}
            areas: [{", ".join(areas)}]
            ---
            # {title}

            {body}
            """
        )
        (folder / f"{name}.md").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def hub(tmp_path: Path) -> Hub:
    return Hub.open(tmp_path / "data", taxonomy=str(ROOT / "corpus" / "areas.toml"))


@pytest.fixture
def mini_hub(hub: Hub, tmp_path: Path) -> Hub:
    folder = write_mini_corpus(tmp_path / "mini")
    report = hub.ingestor.ingest_paths([folder], Explicit(visibility="public"))
    assert report.summary()["added"] == len(MINI_DOCS), report.failed
    return hub


@pytest.fixture
def client(mini_hub: Hub):
    app = create_app(mini_hub, TESTING=True)
    return app.test_client()


@pytest.fixture
def skh(tmp_path):
    """`skh` run in-process (click's runner) on a data dir of its own."""
    from click.testing import CliRunner

    from web.cli import main

    runner = CliRunner()
    env = {"SKH_DATA_DIR": str(tmp_path / "data")}

    def invoke(*args):
        return runner.invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)

    return invoke


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright, one per test module (the browser tests skip without it)."""
    from tests.browser_support import chromium

    with chromium() as found:
        yield found
