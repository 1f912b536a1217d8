"""A large generated index for benchmarks: SciFact text re-mixed into N documents.

SciFact (5,183 abstracts, read from ``SKH_SHARED``/eval/scifact) gives real
scientific wording; each generated document takes one abstract, a sentence of
another and two words from a long synthetic vocabulary, so the lexicon grows
with N as a real collection's does (names, codes, typos). Visibility is 85 %
public, 10 % members, 5 % staff. The index is kept in ``bench/out/`` and reused
when a later run asks for the same size.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

from whoosh import index as whoosh_index

from search.engine.reading.index import current_dir, make_live, new_generation
from search.schema import IndexDoc

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SKH_SHARED", ROOT.parent / "shared"))
OUT = ROOT / "bench" / "out"


def scifact() -> list[dict[str, str]]:
    with open(SHARED / "eval" / "scifact" / "corpus.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def _pseudo_word(rng: random.Random) -> str:
    consonants, vowels = "bcdfghjklmnprstvz", "aeiouy"
    return "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.randint(2, 4)))


def generated_docs(n: int, seed: int = 7) -> list[IndexDoc]:
    rng = random.Random(seed)
    base = scifact()
    rare = [_pseudo_word(rng) for _ in range(max(1000, n * 2))]
    docs = []
    for i in range(n):
        src = base[i % len(base)]
        other = base[rng.randrange(len(base))]["text"].split(". ")
        extra = " ".join(rng.choice(rare) for _ in range(2))
        roll = rng.random()
        docs.append(
            IndexDoc(
                id=f"{i:012x}",
                title=src["title"] if i < len(base) else f"{src['title']} {rng.choice(rare)}",
                body=f"{src['text']} {rng.choice(other)}. {extra}",
                lang="en",
                areas=[rng.choice(["audio-tech", "hearing-health", "acoustics-noise"])],
                type="publication",
                year=2000 + i % 25,
                visibility="public" if roll < 0.85 else ("members" if roll < 0.95 else "staff"),
            )
        )
    return docs


def build_index(n: int) -> tuple[Path, list[IndexDoc]]:
    """The index base folder for ``n`` generated documents (built on first use)."""
    base = OUT / f"synthetic-{n}"
    docs = generated_docs(n)
    if current_dir(base) is None:
        folder = new_generation(base)
        writer = whoosh_index.open_dir(str(folder)).writer(limitmb=256)
        for doc in docs:
            writer.add_document(**doc.to_fields())
        writer.commit(optimize=True)
        make_live(base, folder)
    return base, docs
