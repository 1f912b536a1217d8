"""Automatic strength-area assignment, with the evidence that decided it.

A document that arrives without areas gets one or two from its text. The
method is deliberately explainable: each area is scored by the taxonomy's seed
terms (stemmed with the document language's analyzer, so "høreapparaterne"
counts for "høreapparat") weighted by how often they occur, the title counting
extra. The matched terms with the highest weight are kept as the evidence that
the document page shows under "Why this area?".
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from ingest.taxonomy import Taxonomy
from search.analysis import language_analyzer, normalise_lang

TITLE_WEIGHT = 3
SECOND_AREA_RATIO = 0.55
"""A second area is kept when it scores at least this share of the first."""


@dataclass
class Assignment:
    areas: list[str]
    evidence: dict[str, list[str]] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)


def _stems(analyzer, text: str) -> tuple[str, ...]:
    return tuple(token.text for token in analyzer(text))


class SeedClassifier:
    """Scores areas by stemmed seed terms (single words and phrases)."""

    def __init__(self, taxonomy: Taxonomy):
        self.taxonomy = taxonomy
        self._analyzers = {lang: language_analyzer(lang) for lang in ("en", "da")}
        # lang -> area -> {stem tuple: seed as written}
        self._seeds: dict[str, dict[str, dict[tuple[str, ...], str]]] = {}
        for lang, analyzer in self._analyzers.items():
            per_area = {}
            for area in taxonomy.areas:
                seeds = {}
                for seed in area.seeds_en + area.seeds_da:
                    stems = _stems(analyzer, seed)
                    if stems:
                        seeds.setdefault(stems, seed)
                per_area[area.id] = seeds
            self._seeds[lang] = per_area

    def assign(self, title: str, text: str, lang: str) -> Assignment:
        lang = normalise_lang(lang)
        analyzer = self._analyzers[lang]
        tokens = list(_stems(analyzer, title)) * TITLE_WEIGHT + list(_stems(analyzer, text[:100_000]))
        counts = Counter(tokens)
        bigrams = Counter(zip(tokens, tokens[1:], strict=False))
        scores: dict[str, float] = {}
        evidence: dict[str, list[str]] = {}
        for area_id, seeds in self._seeds[lang].items():
            contributions = []
            for stems, seed in seeds.items():
                n = counts[stems[0]] if len(stems) == 1 else bigrams[stems[:2]] if len(stems) >= 2 else 0
                if n:
                    contributions.append((len(stems) * (1 + math.log(n)), seed))
            scores[area_id] = sum(weight for weight, _ in contributions)
            contributions.sort(reverse=True)
            evidence[area_id] = [seed for _, seed in contributions[:6]]
        ranked = sorted(scores, key=lambda a: -scores[a])
        if not ranked or scores[ranked[0]] <= 0:
            return Assignment([], {}, scores)
        areas = [ranked[0]]
        if len(ranked) > 1 and scores[ranked[1]] >= SECOND_AREA_RATIO * scores[ranked[0]]:
            areas.append(ranked[1])
        return Assignment(areas, {a: evidence[a] for a in areas}, scores)
