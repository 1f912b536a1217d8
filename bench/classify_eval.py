"""How well automatic strength-area assignment agrees with documents whose true areas are known.

Run: ``.venv/bin/python bench/classify_eval.py`` (or ``make bench-classify``).

Two labelled sets, side by side:

* **corpus** - the sample corpus (``corpus/manifest.csv``), the text the seed terms were written for.
* **held-out** - ``bench/areas_heldout/`` (manifest.csv there), written for issue #16 from the area
  descriptions only and never used for tuning: it shows how the assignment does on text it was not written
  for. Nothing here learns from it; its labels are only compared with what the classifier says.

Two states of the service for each:

* **seeds only** - the cold start: no document labelled by hand, only the taxonomy's seed terms.
* **model** - the deployed state once staff have labelled documents. On the corpus, k-fold
  cross-validation: each fold is judged by a model that learned from the other folds' true areas. On the
  held-out set, the model learns from all corpus documents, as after ``make run`` (the seeded corpus has
  its areas from the manifest, so the service trains on it), and judges every held-out document.

Every document goes through the ingest parser (``ingest.pipeline.extract``, which also detects the
language) and the service's own ``ingest.areas.AreaClassifier``. Prints macro-F1, per-area
precision/recall/F1 over (document, area) decisions, the share of exact area sets and the mean number of
areas per document against the truth's; exits 0 whatever the figures are.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.areas import (  # noqa: E402
    CONCEPT_WEIGHT,
    MAX_AREAS,
    SECOND_AREA_RATIO,
    SECOND_AREA_SHARE,
    SEED_WEIGHT,
    AreaClassifier,
    Example,
    within_margin,
)
from ingest.manifest import read_manifest  # noqa: E402
from ingest.pipeline import extract  # noqa: E402
from ingest.taxonomy import load_taxonomy  # noqa: E402

HELDOUT = ROOT / "bench" / "areas_heldout"

Labelled = list[tuple[Example, list[str]]]
Pairs = list[tuple[list[str], list[str]]]


def _parsed(path: Path) -> Example:
    doc = extract(path.read_bytes(), path.name, str(path), {})
    return Example(doc.title, f"{doc.abstract}\n{doc.body}", doc.lang, [])


def load_corpus(manifest: Path) -> Labelled:
    rows = read_manifest(manifest)
    return [(_parsed(path), list(meta["areas"])) for path, meta in sorted(rows.items())]


def read_heldout_manifest(folder: Path = HELDOUT) -> list[dict[str, object]]:
    """Rows of the held-out manifest: path (absolute), lang, areas (a list of ids)."""
    with open(folder / "manifest.csv", newline="", encoding="utf-8") as handle:
        return [
            {"path": folder / row["path"], "lang": row["lang"], "areas": [a for a in row["areas"].split(";") if a]}
            for row in csv.DictReader(handle)
        ]


def load_heldout(folder: Path = HELDOUT) -> Labelled:
    return [(_parsed(row["path"]), list(row["areas"])) for row in read_heldout_manifest(folder)]


def scores(pairs: Pairs, areas: tuple[str, ...]) -> dict[str, tuple[float, float, float]]:
    table = {}
    for area in areas:
        tp = sum(1 for truth, got in pairs if area in truth and area in got)
        fp = sum(1 for truth, got in pairs if area not in truth and area in got)
        fn = sum(1 for truth, got in pairs if area in truth and area not in got)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        table[area] = (p, r, 2 * p * r / (p + r) if p + r else 0.0)
    return table


def summary(pairs: Pairs, areas: tuple[str, ...]) -> dict[str, object]:
    table = scores(pairs, areas)
    return {
        "table": table,
        "macro": sum(f for _, _, f in table.values()) / len(table),
        "exact": sum(1 for truth, got in pairs if set(truth) == set(got)) / len(pairs),
        "mean_got": sum(len(got) for _, got in pairs) / len(pairs),
        "mean_truth": sum(len(truth) for truth, _ in pairs) / len(pairs),
        "n": len(pairs),
    }


def report(name: str, pairs: Pairs, areas: tuple[str, ...]) -> dict[str, object]:
    s = summary(pairs, areas)
    print(
        f"\n{name}: macro-F1 {s['macro']:.3f}   exact area sets {s['exact']:.1%}   "
        f"areas per document {s['mean_got']:.2f} (truth {s['mean_truth']:.2f})   ({s['n']} documents)"
    )
    print(f"  {'area':<20} {'precision':>9} {'recall':>7} {'F1':>6}")
    for area, (p, r, f) in s["table"].items():
        print(f"  {area:<20} {p:>9.3f} {r:>7.3f} {f:>6.3f}")
    return s


def cross_validated_scores(
    taxonomy, corpus: Labelled, folds: int, seed: int, **weights: float
) -> list[tuple[list[str], dict]]:
    """(truth, area scores) per corpus document, each scored by a model that never saw its label."""
    order = list(range(len(corpus)))
    random.Random(seed).shuffle(order)
    out = []
    for held_out in (order[i::folds] for i in range(folds)):
        held = set(held_out)
        training = [Example(e.title, e.text, e.lang, truth) for i, (e, truth) in enumerate(corpus) if i not in held]
        model = AreaClassifier(taxonomy, training, min_examples=1, **weights)
        out.extend(
            (corpus[i][1], model.assign(corpus[i][0].title, corpus[i][0].text, corpus[i][0].lang)) for i in held_out
        )
    return [(truth, found.scores) for truth, found in out]


def cross_validated(taxonomy, corpus: Labelled, folds: int, seed: int) -> Pairs:
    pairs = cross_validated_scores(taxonomy, corpus, folds, seed)
    return [(truth, within_margin(s, SECOND_AREA_SHARE)) for truth, s in pairs]


WEIGHTS = [(1.0, 0.0), (0.0, 1.0), (1.0, 0.5), (1.0, 1.0), (1.0, 2.0), (0.5, 1.0)]
"""(seed weight, concept weight) pairs the calibration tries: seeds only, glossary only, and mixes."""


def calibrate_weights(taxonomy, corpus: Labelled, folds: int) -> None:
    """How much the taxonomy's seeds and the glossary's concepts each count, on the corpus only."""
    print(f"\nevidence weights on the corpus only (now: seeds {SEED_WEIGHT}, concepts {CONCEPT_WEIGHT})")
    print(f"  {'seeds':>5} {'concepts':>8} {'seeds F1':>9} {'model CV F1 (3 splits)':>24}")
    for seed_weight, concept_weight in WEIGHTS:
        weights = {"seed_weight": seed_weight, "concept_weight": concept_weight}
        seeds = AreaClassifier(taxonomy, **weights)
        s = summary([(t, seeds.assign(e.title, e.text, e.lang).areas) for e, t in corpus], taxonomy.ids)
        runs = [
            summary(
                [
                    (t, within_margin(sc, SECOND_AREA_SHARE))
                    for t, sc in cross_validated_scores(taxonomy, corpus, folds, split, **weights)
                ],
                taxonomy.ids,
            )
            for split in (13, 14, 15)
        ]
        spread = " ".join(f"{r['macro']:.3f}" for r in runs)
        macro = sum(r["macro"] for r in runs) / len(runs)
        print(f"  {seed_weight:>5.2f} {concept_weight:>8.2f} {s['macro']:>9.3f} {macro:>7.3f} ({spread})")


def calibrate(taxonomy, corpus: Labelled, folds: int) -> None:
    """Sweep how many areas a document gets, on the corpus only (the held-out set is not even loaded).

    The seed layer learns nothing, so its margin is judged on the corpus directly; the model's margin on
    cross-validated scores, over three different fold splits so that one lucky split does not choose it.
    """
    seeds = AreaClassifier(taxonomy)
    seed_scores = [(truth, seeds.assign(e.title, e.text, e.lang).scores) for e, truth in corpus]
    model_scores = [cross_validated_scores(taxonomy, corpus, folds, seed) for seed in (13, 14, 15)]
    shares = [round(0.30 + 0.05 * i, 2) for i in range(14)] + [1.0]
    print(
        f"\ncalibration on the corpus only (now: seeds {SECOND_AREA_RATIO}, model {SECOND_AREA_SHARE}, "
        f"at most {MAX_AREAS})"
    )
    print(f"  {'share':>5} {'limit':>5} {'seeds F1':>9} {'per doc':>7} {'model CV F1 (3 splits)':>24} {'per doc':>7}")
    for limit in (1, 2, 3):
        for share in shares:
            s = summary([(truth, within_margin(sc, share, limit)) for truth, sc in seed_scores], taxonomy.ids)
            runs = [
                summary([(t, within_margin(sc, share, limit)) for t, sc in split], taxonomy.ids)
                for split in model_scores
            ]
            macro = sum(r["macro"] for r in runs) / len(runs)
            spread = " ".join(f"{r['macro']:.3f}" for r in runs)
            print(
                f"  {share:>5.2f} {limit:>5} {s['macro']:>9.3f} {s['mean_got']:>7.2f} "
                f"{macro:>7.3f} ({spread}) {runs[0]['mean_got']:>7.2f}"
            )


def assigned(classifier: AreaClassifier, items: Labelled) -> Pairs:
    return [(truth, classifier.assign(e.title, e.text, e.lang).areas) for e, truth in items]


def side_by_side(results: dict[str, dict[str, object]], areas: tuple[str, ...]) -> None:
    names = list(results)
    print("\nside by side (F1; last rows: areas per document, truth in brackets)")
    print(f"  {'':<20} " + " ".join(f"{n:>18}" for n in names))
    print(f"  {'macro-F1':<20} " + " ".join(f"{results[n]['macro']:>18.3f}" for n in names))
    for area in areas:
        print(f"  {area:<20} " + " ".join(f"{results[n]['table'][area][2]:>18.3f}" for n in names))
    cells = [f"{results[n]['mean_got']:.2f} ({results[n]['mean_truth']:.2f})" for n in names]
    print(f"  {'areas per document':<20} " + " ".join(f"{c:>18}" for c in cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--manifest", type=Path, default=ROOT / "corpus" / "manifest.csv")
    parser.add_argument("--heldout", type=Path, default=HELDOUT)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--calibrate", action="store_true", help="sweep the area margin on the corpus only")
    args = parser.parse_args()

    taxonomy = load_taxonomy()
    started = time.perf_counter()
    if args.calibrate:
        corpus = load_corpus(args.manifest)
        calibrate_weights(taxonomy, corpus, args.folds)
        calibrate(taxonomy, corpus, args.folds)
        return
    corpus, heldout = load_corpus(args.manifest), load_heldout(args.heldout)
    print(f"corpus {len(corpus)}, held-out {len(heldout)} documents parsed in {time.perf_counter() - started:.1f} s")

    seeds = AreaClassifier(taxonomy)
    deployed = AreaClassifier(taxonomy, [Example(e.title, e.text, e.lang, truth) for e, truth in corpus])
    results = {
        "corpus seeds": report("corpus, seeds only (cold start)", assigned(seeds, corpus), taxonomy.ids),
        "corpus model CV": report(
            f"corpus, model, {args.folds}-fold cross-validation",
            cross_validated(taxonomy, corpus, args.folds, args.seed),
            taxonomy.ids,
        ),
        "held-out seeds": report("held-out, seeds only (cold start)", assigned(seeds, heldout), taxonomy.ids),
        "held-out model": report(
            f"held-out, model learned from all {deployed.trained_on} corpus documents ({deployed.method})",
            assigned(deployed, heldout),
            taxonomy.ids,
        ),
    }
    side_by_side(results, taxonomy.ids)
    print(f"\n(aim: macro-F1 >= 0.90 on both sets; total time {time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
