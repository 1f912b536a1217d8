"""Automatic strength-area assignment, with the evidence that decided it.

Two layers, both explainable:

* :class:`SeedClassifier` scores each area by the taxonomy's seed terms,
  stemmed with the document language's analyzer (so "høreapparaterne" counts
  for "høreapparat"). It needs no training and works on day one.
* :class:`AreaClassifier` adds a linear model (TF-IDF over stems and stem
  pairs, one logistic regression per area) trained on every document whose
  areas staff set by hand, plus the taxonomy's seeds and descriptions as one
  small pseudo-document per area and language. Each correction staff make
  therefore teaches the model. With too few hand-labelled documents it falls
  back to the seeds.

The evidence kept for "Why this area?" is the words of the document that
pushed the decision most: seed terms for the seed layer, the largest
TF-IDF x weight contributions for the model.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ingest.model import Document
from ingest.taxonomy import Taxonomy
from search import content_words, language_analyzer, normalise_lang, stem_words

TITLE_WEIGHT = 3
SECOND_AREA_RATIO = 0.65
"""Seed layer: a further area is kept when it scores at least this share of the first. Calibrated on the
sample corpus only (`bench/classify_eval.py --calibrate`): 0.55-0.80 is a plateau, 0.65 its best."""
MODEL_WEIGHT = 0.5
"""With a model: score = MODEL_WEIGHT x probability + (1 - MODEL_WEIGHT) x seed score / best seed score."""
SECOND_AREA_SHARE = 0.6
"""With a model: a further area is kept when it scores at least this share of the first. Calibrated on
cross-validated corpus scores over three fold splits: flat from 0.50 to 0.65; 0.6 gives the truth's 1.20
areas per document."""
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


class SeedClassifier:
    """Scores areas by stemmed seed terms (single words and phrases)."""

    def __init__(self, taxonomy: Taxonomy):
        self.taxonomy = taxonomy
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
        scores: dict[str, float] = {}
        evidence: dict[str, list[str]] = {}
        for area_id, seeds in self._seeds[normalise_lang(lang)].items():
            contributions = []
            for seed_stems, seed in seeds.items():
                n = counts[seed_stems[0]] if len(seed_stems) == 1 else bigrams[seed_stems[:2]]
                if n:
                    contributions.append((len(seed_stems) * (1 + math.log(n)), seed))
            scores[area_id] = sum(weight for weight, _ in contributions)
            contributions.sort(reverse=True)
            evidence[area_id] = [seed for _, seed in contributions[:6]]
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

    def __init__(self, taxonomy: Taxonomy, examples: Iterable[Example] = (), min_examples: int = MIN_TRAINING_DOCS):
        self.taxonomy = taxonomy
        self.seeds = SeedClassifier(taxonomy)
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
