"""Texts for the works tests: a report long enough for its shingles to mean something, and revisions of it."""

from __future__ import annotations

import random

VOCABULARY = tuple(
    " ".join(
        [
            "hearing aid users noisy restaurants speech music directional microphones talker listener fitting clinic",
            "measurement ear canal feedback gain compression loudspeaker cabinet port resonance bass reflex damping",
            "reverberation classroom absorber ceiling facade traffic noise ventilation window insulation frequency",
            "octave band level decibel survey annoyance residents night turbine infrasound sensor network array",
        ]
    ).split(" ")
)


GAMELAN = tuple(
    " ".join(
        [
            "gamelan metallophone gong bronze tuning pelog slendro ensemble rehearsal village workshop overtone",
            "beating stretch hammer mallet resonator bamboo frame kempul saron bonang kendang",
        ]
    ).split(" ")
)
"""Words of a report no other test corpus shares (the browser tests add it to theirs)."""


def report_text(seed: int, words: int = 500, vocabulary: tuple[str, ...] = VOCABULARY) -> str:
    """A body of ``words`` words drawn with ``seed``, in paragraphs."""
    rng = random.Random(seed)
    chosen = [rng.choice(vocabulary) for _ in range(words)]
    return "\n\n".join(" ".join(chosen[i : i + 50]) + "." for i in range(0, words, 50))


def revised(body: str, share: float, seed: int) -> str:
    """``body`` with ``share`` of its words replaced (a revision)."""
    rng = random.Random(seed)
    paragraphs = [p.split() for p in body.split("\n\n")]
    flat = [(i, j) for i, p in enumerate(paragraphs) for j in range(len(p))]
    for i, j in rng.sample(flat, int(len(flat) * share)):
        paragraphs[i][j] = rng.choice(["revised", "updated", "corrected", "amended"])
    return "\n\n".join(" ".join(p) for p in paragraphs)


def markdown(title: str, body: str, org: str = "Aurora Hearing A/S", year: int = 2022) -> bytes:
    head = f'---\ntitle: "{title}"\norganisation: "{org}"\ndate: {year}-03-01\ntype: report\n---\n# {title}\n\n'
    return (head + body + "\n").encode()


def html(title: str, body: str, org: str = "Aurora Hearing A/S") -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    page = (
        f"<!doctype html><html lang='en'><head><title>{title}</title>"
        f"<meta name='citation_publisher' content='{org}'></head>"
        f"<body><h1>{title}</h1>{paragraphs}<p>Printed from the cluster archive.</p></body></html>"
    )
    return page.encode()
