"""A small corpus of organisations and people whose pages the tests know by heart (issue #17).

Public: Aurora Hearing A/S publishes two reports about beamforming (one with Kattegat University), Bulk
Acoustics ApS seven about loudspeakers that mention beamforming once each, and Støjfri Rådgivning A/S one
on classrooms by "A. Jensen" (the only Jensen with initials: she is Anne Jensen). A members-only report by
Aurora, and a staff-only one by Zyxorg with Aurora, by Zelda Quorum and Anne Jensen, carry unique words,
a year and a glossary term (tinnitus) of their own, so any leak shows up as a name, a count, a bar or a term.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from ingest.pipeline import Explicit

STAFF_WORD = "quasarflute"
MEMBER_WORD = "zephyrlattice"
FILLER = (
    "The loudspeaker drivers were measured in an anechoic room. Cone breakup, voice coil heating and "
    "suspension creep were logged over twelve weeks of use. "
)

DOCS = {
    "public": [
        (
            "aurora-1",
            "Beamforming for hearing aids",
            '["Aurora Hearing A/S", "Kattegat University"]',
            '["Jensen, Anne", "Peter Holm"]',
            2021,
            "Adaptive beamforming in hearing aids: a beamforming array of two microphones steers its beam "
            "towards the talker. Beamforming improved speech intelligibility by 4 dB in noisy canteens.",
        ),
        (
            "aurora-2",
            "Beamforming microphone arrays in canteens",
            '"Aurora Hearing A/S"',
            '["Anne Jensen"]',
            2023,
            "A beamforming microphone array with eight capsules was tested in canteens. The beamforming "
            "filter followed moving talkers and the array kept its beam on them.",
        ),
        *[
            (
                f"bulk-{n}",
                f"Loudspeaker endurance test {n}",
                '"Bulk Acoustics ApS"',
                '["Bo Bulk"]',
                2017 + n,
                FILLER * 6 + "One sentence notes that beamforming was not used. " + FILLER * 6,
            )
            for n in range(1, 8)
        ],
        (
            "room",
            "Reverberation time in classrooms",
            '"Støjfri Rådgivning A/S"',
            '["A. Jensen"]',
            2015,
            "Reverberation time in twelve classrooms fell from 1.1 to 0.5 seconds after absorbers were installed.",
        ),
    ],
    "members": [
        (
            "aurora-members",
            f"Member briefing on {MEMBER_WORD} headsets",
            '"Aurora Hearing A/S"',
            '["Anne Jensen"]',
            2024,
            f"The {MEMBER_WORD} headsets use beamforming to pick up the wearer's voice in open offices.",
        ),
    ],
    "staff": [
        (
            "zyx",
            f"Board notes on the {STAFF_WORD} tinnitus device",
            '"Zyxorg; Aurora Hearing A/S"',
            '["Zelda Quorum", "Anne Jensen"]',
            2025,
            f"The {STAFF_WORD} device masks tinnitus with shaped noise. Tinnitus patients used it nightly.",
        ),
    ],
}


def write_people_corpus(folder: Path) -> dict[str, Path]:
    """The corpus as Markdown files with front matter, one folder per visibility level."""
    folders = {}
    for level, docs in DOCS.items():
        target = folder / level
        target.mkdir(parents=True, exist_ok=True)
        for name, title, orgs, authors, year, body in docs:
            text = textwrap.dedent(
                f"""\
                ---
                title: "{title}"
                authors: {authors}
                organisation: {orgs}
                date: {year}-05-01
                type: report
                language: en
                ---
                # {title}

                {body}
                """
            )
            (target / f"{name}.md").write_text(text, encoding="utf-8")
        folders[level] = target
    return folders


def ingest_people_corpus(hub, folder: Path) -> None:
    for level, path in write_people_corpus(folder).items():
        report = hub.ingestor.ingest_paths([path], Explicit(visibility=level))
        assert report.summary()["added"] == len(DOCS[level]), report.failed
