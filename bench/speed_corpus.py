"""Deterministic synthetic reports for the speed bench and the ranking-equivalence test.

Each report is a plain-text file of about 900 words in the format the text
parser reads (a title line, then ``Key: value`` header lines, then the body),
so it goes through the real ingest path: detection, parsing, language
detection, automatic strength areas, catalog and index.

The vocabulary is realistic rather than random: the words of the sample corpus
(English and Danish reports of the cluster) and the taxonomy's seed terms,
drawn with a Zipf-like law, plus a long tail of rare made-up words, so that a
large corpus has the many distinct terms real text has. Document ``i`` depends
only on ``i`` and the seed, so the first 10,000 of a 100,000 set are the
10,000 set and a re-run writes the same bytes.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
_WORD = re.compile(r"[^\W\d_]{3,}")
_TAG = re.compile(r"<[^>]+>|&\w+;")

TYPES = (
    ("report", 30),
    ("publication", 25),
    ("white-paper", 10),
    ("case-study", 10),
    ("thesis", 8),
    ("event-report", 7),
    ("news", 6),
    ("standard-summary", 4),
)
FIRST = [
    "Anna",
    "Lars",
    "Mette",
    "Søren",
    "Jens",
    "Camilla",
    "Peter",
    "Louise",
    "Henrik",
    "Sofie",
    "Mikkel",
    "Ida",
    "Rasmus",
    "Freja",
    "Thomas",
    "Emma",
]
LAST = [
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Holm",
    "Madsen",
    "Kristensen",
]
ORG_HEAD = [
    "Nordlyd",
    "Aurora",
    "Fjord",
    "Klang",
    "Hørelse",
    "Støjfri",
    "Akustik",
    "Sonic",
    "Echo",
    "Vibra",
    "Lydbølge",
    "Immersio",
    "Resona",
    "Tone",
]
ORG_TAIL = ("Acoustics A/S", "Hearing A/S", "Labs ApS", "Rådgivning A/S", "Universitet", "Kommune", "Institut")


def _words_of(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8", errors="ignore")
    if path.suffix == ".html":
        text = _TAG.sub(" ", text)
    return [w.lower() for w in _WORD.findall(text)]


def _pseudo_words(rng: np.random.Generator, count: int) -> list[str]:
    """Made-up but pronounceable words for the long tail of the vocabulary."""
    onsets = ["b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "st", "tr", "kl", "sk"]
    vowels = ["a", "e", "i", "o", "u", "y", "æ", "ø", "å"]
    codas = ["", "", "n", "r", "l", "s", "t", "nd", "ng"]
    syllables = [o + v + c for o in onsets for v in vowels for c in codas]
    picks = rng.integers(len(syllables), size=(count * 2, 3))
    lengths = rng.integers(2, 4, size=count * 2)
    out: dict[str, None] = {}
    for row, n in zip(picks.tolist(), lengths.tolist(), strict=True):
        out["".join(syllables[i] for i in row[:n])] = None
        if len(out) == count:
            break
    return list(out)


@dataclass
class Vocabulary:
    words: dict[str, list[str]]  # lang -> words by rank (most frequent first)
    cdf: dict[str, np.ndarray]
    seeds: dict[str, dict[str, list[str]]]  # area -> lang -> seed terms
    areas: list[str]

    @classmethod
    def build(cls, tail: int = 30_000, seed: int = 7) -> Vocabulary:
        areas_toml = tomllib.loads((CORPUS / "areas.toml").read_text(encoding="utf-8"))["area"]
        counts: dict[str, dict[str, int]] = {"en": {}, "da": {}}
        for path in sorted((CORPUS / "docs").rglob("*")):
            if path.suffix in (".md", ".txt", ".html"):
                lang = "da" if path.name.startswith("da-") else "en"
                for word in _words_of(path):
                    counts[lang][word] = counts[lang].get(word, 0) + 1
        rng = np.random.default_rng(seed)
        tail_words = _pseudo_words(rng, tail)
        words, cdf = {}, {}
        for lang, found in counts.items():
            ranked = sorted(found, key=lambda w: (-found[w], w))
            ranked += [w for w in tail_words if w not in found]
            weights = 1.0 / (np.arange(len(ranked)) + 2.7) ** 1.2
            words[lang] = ranked
            cdf[lang] = np.cumsum(weights) / weights.sum()
        seeds = {a["id"]: {"en": list(a["seeds_en"]), "da": list(a["seeds_da"])} for a in areas_toml}
        return cls(words=words, cdf=cdf, seeds=seeds, areas=[a["id"] for a in areas_toml])

    def draw(self, rng: np.random.Generator, lang: str, n: int) -> list[str]:
        ranks = np.searchsorted(self.cdf[lang], rng.random(n))
        vocab = self.words[lang]
        return [vocab[min(r, len(vocab) - 1)] for r in ranks]


@dataclass
class SyntheticDoc:
    number: int
    lang: str
    visibility: str
    text: str  # the file as written: title, header lines, body
    title: str = ""
    body: str = ""
    org: str = ""
    authors: tuple[str, ...] = ()
    date: str = ""
    type: str = ""
    areas: tuple[str, ...] = ()  # the topics it was written about (ingest assigns its own)

    @property
    def name(self) -> str:
        return f"doc-{self.number:06d}.txt"


def make_doc(vocab: Vocabulary, number: int, seed: int = 7, words: int = 900) -> SyntheticDoc:
    rng = np.random.default_rng([seed, number])
    lang = "da" if rng.random() < 0.25 else "en"
    areas = [vocab.areas[int(rng.integers(len(vocab.areas)))]]
    if rng.random() < 0.3:
        areas.append(vocab.areas[int(rng.integers(len(vocab.areas)))])
    topical = [t for a in areas for t in vocab.seeds[a][lang]]
    tokens = vocab.draw(rng, lang, words)
    for k in range(0, words, 25):  # about 4% of the words are the areas' own terms
        tokens[k] = topical[int(rng.integers(len(topical)))]
    title_words = vocab.draw(rng, lang, int(rng.integers(3, 7))) + [topical[int(rng.integers(len(topical)))]]
    title = " ".join(title_words).capitalize()
    sentences, k = [], 0
    while k < len(tokens):
        length = int(rng.integers(8, 22))
        sentences.append(" ".join(tokens[k : k + length]).capitalize() + ".")
        k += length
    paragraphs = [" ".join(sentences[p : p + 6]) for p in range(0, len(sentences), 6)]
    year = int(2025 - min(25, rng.geometric(0.12) - 1))
    authors = [f"{FIRST[int(rng.integers(len(FIRST)))]} {LAST[int(rng.integers(len(LAST)))]}" for _ in range(2)]
    org = f"{ORG_HEAD[number * 7 % len(ORG_HEAD)]} {ORG_TAIL[number * 3 % len(ORG_TAIL)]}"
    kinds, weights = zip(*TYPES, strict=True)
    kind = kinds[int(np.searchsorted(np.cumsum(weights), rng.random() * sum(weights), side="right"))]
    draw = rng.random()
    visibility = "public" if draw < 0.7 else ("members" if draw < 0.9 else "staff")
    date = f"{year}-{int(rng.integers(1, 13)):02d}-{int(rng.integers(1, 29)):02d}"
    header = [
        f"Organisation: {org}",
        f"Authors: {'; '.join(authors)}",
        f"Date: {date}",
        f"Type: {kind}",
        f"Language: {lang}",
    ]
    body = "\n\n".join(paragraphs)
    text = title + "\n\n" + "\n".join(header) + "\n\n" + body + "\n"
    return SyntheticDoc(number, lang, visibility, text, title, body, org, tuple(authors), date, kind, tuple(areas))


def write_corpus(folder: Path, count: int, seed: int = 7) -> dict[str, list[Path]]:
    """Write documents ``0..count-1`` under ``folder`` (skipping ones already there).

    Returns the files per visibility level, in document order.
    """
    vocab: Vocabulary | None = None
    files: dict[str, list[Path]] = {"public": [], "members": [], "staff": []}
    index = folder / "visibility.txt"
    known = index.read_text(encoding="utf-8").split() if index.exists() else []
    levels = list(known[:count])
    for number in range(len(levels), count):
        vocab = vocab or Vocabulary.build(seed=seed)
        doc = make_doc(vocab, number, seed)
        path = folder / f"{number // 1000:03d}" / doc.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(doc.text, encoding="utf-8")
        levels.append(doc.visibility)
    if len(levels) > len(known):
        index.write_text("\n".join(levels) + "\n", encoding="utf-8")
    for number, level in enumerate(levels):
        files[level].append(folder / f"{number // 1000:03d}" / f"doc-{number:06d}.txt")
    return files
