"""Automatic strength-area assignment, with the evidence that decided it.

Two layers, both explainable:

* :class:`SeedClassifier` scores each area by the taxonomy's seed terms,
  stemmed with the document language's analyzer (so "høreapparaterne" counts
  for "høreapparat"). It needs no training and works on day one.
* The glossary (:mod:`search.glossary`) adds concepts: each concept found in the document, by any of its
  English or Danish terms or abbreviations (stemmed the same way), votes for its area(s). A Danish report
  that says "efterklangstid" counts the same concept as an English one saying "reverberation time".
* :class:`AreaClassifier` adds a linear model (TF-IDF over stems and stem
  pairs, one logistic regression per area) trained on every document whose
  areas staff set by hand, plus the taxonomy's seeds and descriptions as one
  small pseudo-document per area and language. Each correction staff make
  therefore teaches the model. With too few hand-labelled documents it falls
  back to the seeds.

The evidence kept for "Why this area?" is the words of the document that
pushed the decision most: for the seed layer the seed and glossary terms found (as written in the
taxonomy and glossary), for the model the largest TF-IDF x weight contributions.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ingest.model import Document
from ingest.taxonomy import Taxonomy
from search import Glossary, content_words, language_analyzer, load_glossary, normalise_lang, stem_words

TITLE_WEIGHT = 3
SECOND_AREA_RATIO = 0.65
"""Seed layer: a further area is kept when it scores at least this share of the first. Calibrated on the
sample corpus only (`bench/classify_eval.py --calibrate`), with the glossary's concepts counted: 0.55-0.65
is a plateau (0.948), 0.65 keeps 1.22 areas per document against the truth's 1.20."""
SEED_WEIGHT = 1.0
"""Seed layer: weight of the taxonomy's seed terms in an area's score."""
CONCEPT_WEIGHT = 1.0
"""Seed layer: weight of each glossary concept found in the document. Calibrated on the corpus only
(`bench/classify_eval.py --calibrate`): seeds alone 0.925 (model CV 0.934), concepts alone 0.948 (0.947),
both at 1:1 0.948 (0.948); 1:0.5 and 1:2 within 0.01. Both are kept: the seeds hold words the glossary
does not translate ("product", "health")."""
MODEL_WEIGHT = 0.5
"""With a model: score = MODEL_WEIGHT x probability + (1 - MODEL_WEIGHT) x seed score / best seed score."""
SECOND_AREA_SHARE = 0.7
"""With a model: a further area is kept when it scores at least this share of the first. Calibrated on
cross-validated corpus scores over three fold splits, with the glossary's concepts counted: flat from 0.60
(0.948) to 0.75 (0.952); 0.70 gives 0.952 and 1.17 areas per document (truth 1.20)."""
MAX_AREAS = 2
"""At most this many areas per document: a report has one topic, sometimes honestly two. A third area never
helped on the corpus at any margin (the same sweep)."""
MIN_TRAINING_DOCS = 20
"""Hand-labelled documents needed before the model takes over from the seeds."""


@dataclass
class Assignment:
    areas: list[str]
    evidence: dict[str, list[str]] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)
    method: str = "seeds"


@dataclass
class Example:
    """A hand-labelled document the model learns from."""

    title: str
    text: str
    lang: str
    areas: list[str]


def within_margin(scores: dict[str, float], share: float, limit: int = MAX_AREAS) -> list[str]:
    """The best-scoring area, then each next one scoring at least ``share`` of the best, at most ``limit``.

    This is where the number of areas a document gets is decided, for both layers. A ratio to the best
    score rather than an absolute threshold, because seed scores grow with document length and model
    scores do not; ties keep the taxonomy's order, so the result does not depend on dict order luck.
    An area scoring nothing is never kept.
    """
    ranked = sorted((area for area in scores if scores[area] > 0), key=lambda a: -scores[a])
    if not ranked:
        return []
    best = scores[ranked[0]]
    return [area for area in ranked[:limit] if scores[area] >= share * best]


def _tokens(title: str, text: str, lang: str) -> tuple[list[str], dict[str, str]]:
    """Stems (title repeated for weight) and, per stem, a word as written.

    The stems are those of the language's analyzer (:func:`search.analysis.language_analyzer`),
    computed in one pass per part rather than token by token.
    """
    lang = normalise_lang(lang)
    stems: list[str] = []
    surface: dict[str, str] = {}
    for part, repeat in ((title, TITLE_WEIGHT), (text[:100_000], 1)):
        words = content_words(part, lang)
        found = stem_words(lang, words)
        for stem, word in zip(found, words, strict=True):
            surface.setdefault(stem, word)
        stems.extend(found * repeat)
    return stems, surface


class ConceptMatcher:
    """Finds the glossary's concepts in a document's stems, by their terms in either language.

    Every term (English, Danish, abbreviation) is stemmed with the document language's analyzer, as the
    seeds are; one pass over the stems takes the longest term starting at each position, so "hearing aid
    user" counts one concept, not also "hearing aid". Built once per process and glossary
    (:func:`concept_matcher`).
    """

    def __init__(self, glossary: Glossary, known_areas: Iterable[str]):
        known = set(known_areas)
        self.areas: list[tuple[str, ...]] = [tuple(a for a in c.areas if a in known) for c in glossary.concepts]
        # lang -> {stem tuple: (concept index, term as written)}
        self._terms: dict[str, dict[tuple[str, ...], tuple[int, str]]] = {}
        self._lengths: dict[str, list[int]] = {}
        for lang in ("en", "da"):
            analyzer = language_analyzer(lang)
            terms: dict[tuple[str, ...], tuple[int, str]] = {}
            for index, concept in enumerate(glossary.concepts):
                if not self.areas[index]:
                    continue
                for term in concept.terms(lang) + concept.abbr + concept.terms("da" if lang == "en" else "en"):
                    stems = tuple(t.text for t in analyzer(term))
                    if stems:
                        terms.setdefault(stems, (index, term))
            self._terms[lang] = terms
            self._lengths[lang] = sorted({len(k) for k in terms}, reverse=True)

    def found(self, stems: list[str], lang: str) -> dict[int, tuple[int, str]]:
        """Concept index -> (times found, the first of its terms found)."""
        lang = normalise_lang(lang)
        terms, lengths = self._terms[lang], self._lengths[lang]
        hits: dict[int, tuple[int, str]] = {}
        i, end = 0, len(stems)
        while i < end:
            step = 1
            for n in lengths:
                match = terms.get(tuple(stems[i : i + n])) if i + n <= end else None
                if match is not None:
                    count, term = hits.get(match[0], (0, match[1]))
                    hits[match[0]] = (count + 1, term)
                    step = n
                    break
            i += step
        return hits


_matchers: dict[tuple[int, tuple[str, ...]], tuple[Glossary, ConceptMatcher]] = {}


def concept_matcher(glossary: Glossary, known_areas: tuple[str, ...]) -> ConceptMatcher:
    """The matcher of this glossary (as loaded) and these areas, built once per process."""
    key = (id(glossary), known_areas)
    cached = _matchers.get(key)
    if cached is None or cached[0] is not glossary:
        if len(_matchers) >= 4:  # an edited glossary file is a new Glossary: drop the old matchers
            _matchers.clear()
        cached = _matchers[key] = (glossary, ConceptMatcher(glossary, known_areas))
    return cached[1]


class SeedClassifier:
    """Scores areas by stemmed seed terms (single words and phrases) and the glossary concepts found."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        glossary: Glossary | None = None,
        seed_weight: float = SEED_WEIGHT,
        concept_weight: float = CONCEPT_WEIGHT,
    ):
        self.taxonomy = taxonomy
        self.seed_weight, self.concept_weight = seed_weight, concept_weight
        self.concepts = concept_matcher(glossary or load_glossary(None), tuple(taxonomy.ids))
        # lang -> area -> {stem tuple: seed as written}
        self._seeds: dict[str, dict[str, dict[tuple[str, ...], str]]] = {}
        for lang in ("en", "da"):
            analyzer = language_analyzer(lang)
            per_area = {}
            for area in taxonomy.areas:
                seeds = {}
                for seed in area.seeds_en + area.seeds_da:
                    stems = tuple(t.text for t in analyzer(seed))
                    if stems:
                        seeds.setdefault(stems, seed)
                per_area[area.id] = seeds
            self._seeds[lang] = per_area

    def scores(self, stems: list[str], lang: str) -> tuple[dict[str, float], dict[str, list[str]]]:
        counts = Counter(stems)
        bigrams = Counter(zip(stems, stems[1:], strict=False))
        per_area: dict[str, list[tuple[float, str]]] = {}
        if self.seed_weight:
            for area_id, seeds in self._seeds[normalise_lang(lang)].items():
                contributions = per_area.setdefault(area_id, [])
                for seed_stems, seed in seeds.items():
                    n = counts[seed_stems[0]] if len(seed_stems) == 1 else bigrams[seed_stems[:2]]
                    if n:
                        contributions.append((self.seed_weight * len(seed_stems) * (1 + math.log(n)), seed))
        if self.concept_weight:
            for index, (n, term) in self.concepts.found(stems, lang).items():
                for area_id in self.concepts.areas[index]:
                    per_area.setdefault(area_id, []).append((self.concept_weight * (1 + math.log(n)), term))
        scores: dict[str, float] = {}
        evidence: dict[str, list[str]] = {}
        for area_id in self.taxonomy.ids:
            contributions = sorted(per_area.get(area_id, []), reverse=True)
            scores[area_id] = sum(weight for weight, _ in contributions)
            words: list[str] = []
            for _, word in contributions:  # a term that is both a seed and a glossary term is shown once
                if word.casefold() not in (w.casefold() for w in words):
                    words.append(word)
            evidence[area_id] = words[:6]
        return scores, evidence

    def assign(self, title: str, text: str, lang: str) -> Assignment:
        stems, _ = _tokens(title, text, lang)
        scores, evidence = self.scores(stems, lang)
        areas = within_margin(scores, SECOND_AREA_RATIO)
        if not areas:
            return Assignment([], {}, scores)
        return Assignment(areas, {a: evidence[a] for a in areas}, scores, "seeds")


def _features(stems: list[str]) -> list[str]:
    """Stems plus adjacent stem pairs ("hear aid" differs from "hear" + "aid")."""
    return stems + [f"{a} {b}" for a, b in zip(stems, stems[1:], strict=False)]


class AreaClassifier:
    """The seed layer plus a model learned from hand-labelled documents."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        examples: Iterable[Example] = (),
        min_examples: int = MIN_TRAINING_DOCS,
        glossary: Glossary | None = None,
        **seed_weights: float,
    ):
        """``glossary``: None reads the shipped one; ``seed_weights``: the seed layer's (calibration)."""
        self.taxonomy = taxonomy
        self.seeds = SeedClassifier(taxonomy, glossary, **seed_weights)
        known = set(taxonomy.ids)
        labelled = [e for e in examples if set(e.areas) & known]
        self.trained_on = len(labelled)
        self._model = self._train(labelled) if len(labelled) >= min_examples else None

    @property
    def method(self) -> str:
        return "model" if self._model is not None else "seeds"

    def _train(self, examples: list[Example]):
        # Imported here: scikit-learn is only needed once there is something to learn from.
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.preprocessing import MultiLabelBinarizer

        docs, labels = [], []
        for area in self.taxonomy.areas:  # the taxonomy itself, as one pseudo-document per language
            for lang, seeds, description in (
                ("en", area.seeds_en, area.description_en),
                ("da", area.seeds_da, area.description_da),
            ):
                stems, _ = _tokens(area.label(lang), " . ".join(seeds) + " . " + description, lang)
                docs.append(_features(stems))
                labels.append([area.id])
        for example in examples:
            stems, _ = _tokens(example.title, example.text, example.lang)
            docs.append(_features(stems))
            labels.append([a for a in example.areas if a in self.taxonomy.ids])
        binarizer = MultiLabelBinarizer(classes=list(self.taxonomy.ids))
        y = binarizer.fit_transform(labels)
        vectorizer = TfidfVectorizer(analyzer=lambda features: features, sublinear_tf=True, min_df=1)
        x = vectorizer.fit_transform(docs)
        model = OneVsRestClassifier(LogisticRegression(C=20.0, max_iter=2000, class_weight="balanced"))
        model.fit(x, y)
        return vectorizer, model, binarizer

    def assign(self, title: str, text: str, lang: str) -> Assignment:
        if self._model is None:
            return self.seeds.assign(title, text, lang)
        vectorizer, model, binarizer = self._model
        stems, surface = _tokens(title, text, lang)
        x = vectorizer.transform([_features(stems)]).tocsr()
        probabilities = dict(zip(binarizer.classes_, model.predict_proba(x)[0], strict=True))
        seed_scores, seed_evidence = self.seeds.scores(stems, lang)
        best_seed = max(seed_scores.values()) or 1.0
        scores = {
            area: MODEL_WEIGHT * float(probabilities[area]) + (1 - MODEL_WEIGHT) * seed_scores[area] / best_seed
            for area in binarizer.classes_
        }
        areas = within_margin(scores, SECOND_AREA_SHARE)
        names = vectorizer.get_feature_names_out()
        classes = list(binarizer.classes_)
        evidence = {}
        for area in areas:
            coef = model.estimators_[classes.index(area)].coef_[0]
            contributions = sorted(((x[0, j] * coef[j], names[j]) for j in x.indices if coef[j] > 0), reverse=True)
            words = list(seed_evidence.get(area, [])[:3])
            for _, feature in contributions:
                word = " ".join(surface.get(s, s) for s in feature.split(" "))
                if word not in words:
                    words.append(word)
                if len(words) == 6:
                    break
            evidence[area] = words
        return Assignment(areas, evidence, scores, "model")


def assign_areas(doc: Document, classifier: AreaClassifier) -> Document:
    """Keep known areas that were given; otherwise assign them automatically."""
    known = set(classifier.taxonomy.ids)
    doc.areas = [a for a in doc.areas if a in known]
    if doc.areas:
        doc.areas_auto, doc.area_evidence = False, {}
    else:
        found = classifier.assign(doc.title, f"{doc.abstract}\n{doc.body}", doc.lang)
        doc.areas, doc.area_evidence, doc.areas_auto = found.areas, found.evidence, bool(found.areas)
    return doc
