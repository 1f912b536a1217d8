"""How well automatic strength-area assignment agrees with the corpus manifest.

Run: ``.venv/bin/python bench/classify_eval.py`` (or ``make bench-classify``).

Two figures:

* **seeds only** - the cold start: no document labelled by hand, only the
  taxonomy's seed terms. No document's label is used at all.
* **model, k-fold cross-validation** - the deployed state once staff have
  labelled documents: for each fold, the classifier learns from the other
  folds' true areas and is judged on the held-out fold, so no document is
  judged by a model that saw its label.

Prints macro-F1 and per-area precision/recall/F1 over (document, area)
decisions; exits 0 whatever the figures are.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.areas import AreaClassifier, Example  # noqa: E402
from ingest.manifest import read_manifest  # noqa: E402
from ingest.pipeline import extract  # noqa: E402
from ingest.taxonomy import load_taxonomy  # noqa: E402


def load_corpus(manifest: Path) -> list[tuple[Example, list[str]]]:
    rows = read_manifest(manifest)
    items = []
    for path, meta in sorted(rows.items()):
        doc = extract(path.read_bytes(), path.name, str(path), {})
        items.append((Example(doc.title, f"{doc.abstract}\n{doc.body}", doc.lang, []), list(meta["areas"])))
    return items


def scores(pairs: list[tuple[list[str], list[str]]], areas: tuple[str, ...]) -> dict[str, tuple[float, float, float]]:
    table = {}
    for area in areas:
        tp = sum(1 for truth, got in pairs if area in truth and area in got)
        fp = sum(1 for truth, got in pairs if area not in truth and area in got)
        fn = sum(1 for truth, got in pairs if area in truth and area not in got)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        table[area] = (p, r, 2 * p * r / (p + r) if p + r else 0.0)
    return table


def report(name: str, pairs, areas) -> float:
    table = scores(pairs, areas)
    macro = sum(f for _, _, f in table.values()) / len(table)
    exact = sum(1 for truth, got in pairs if set(truth) == set(got)) / len(pairs)
    print(f"\n{name}: macro-F1 {macro:.3f}   exact area sets {exact:.1%}   ({len(pairs)} documents)")
    print(f"  {'area':<20} {'precision':>9} {'recall':>7} {'F1':>6}")
    for area, (p, r, f) in table.items():
        print(f"  {area:<20} {p:>9.3f} {r:>7.3f} {f:>6.3f}")
    return macro


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--manifest", type=Path, default=ROOT / "corpus" / "manifest.csv")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()

    taxonomy = load_taxonomy()
    started = time.perf_counter()
    corpus = load_corpus(args.manifest)
    print(f"corpus: {len(corpus)} documents parsed in {time.perf_counter() - started:.1f} s")

    seeds = AreaClassifier(taxonomy)
    seed_pairs = [(truth, seeds.assign(e.title, e.text, e.lang).areas) for e, truth in corpus]
    report("seeds only (cold start, no labels used)", seed_pairs, taxonomy.ids)

    order = list(range(len(corpus)))
    random.Random(args.seed).shuffle(order)
    folds = [order[i :: args.folds] for i in range(args.folds)]
    cv_pairs = []
    for held_out in folds:
        held = set(held_out)
        training = [Example(e.title, e.text, e.lang, truth) for i, (e, truth) in enumerate(corpus) if i not in held]
        model = AreaClassifier(taxonomy, training, min_examples=1)
        for i in held_out:
            example, truth = corpus[i]
            cv_pairs.append((truth, model.assign(example.title, example.text, example.lang).areas))
    report(f"model, {args.folds}-fold cross-validation", cv_pairs, taxonomy.ids)
    print(f"\n(aim: macro-F1 >= 0.90; total time {time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
