"""Near-duplicate detection (issue #19), measured: precision and recall over duplicate pairs, and its cost.

    python bench/near_duplicates.py              # the table (about a minute)
    python bench/near_duplicates.py --per-pair   # also every misjudged pair, on standard error

Why: the same work uploaded as a PDF and as its DOCX or Markdown source, or revised, must be recognised as one
work, and two different reports on one topic must not be. The pairs are built from the sample corpus, each text
as ingest extracts it (``ingest.extract.extract``):

* **formats** (duplicates): each Markdown source in ``corpus/src`` built as a PDF and as a DOCX by the corpus
  builder (``corpus/build_binary_docs.py``); the three pairs of each source (md/pdf, md/docx, pdf/docx);
* **versions** (duplicates): each corpus document against a revision of itself with 5-10 % of its words
  changed (seeded: sentences replaced by sentences of other documents, words dropped, replaced or inserted);
* **same topic** (not duplicates): every pair of different corpus documents that share a strength area.

A pair is judged a duplicate when :func:`ingest.near_duplicates.same_work` says so. Precision
is over the pairs judged duplicates, recall over the duplicate pairs. Cost: the seconds to fingerprint a
document and to look up its candidates in an LSH index of all the others, per document, next to the time
ingest takes to extract it. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ingest.near_duplicates import Candidates, Fingerprint, fingerprint, same_work, similarity  # noqa: E402

CORPUS = ROOT / "corpus"
SEED = 19


@dataclass(frozen=True)
class Text:
    name: str
    body: str
    title: str
    org: str
    year: int | None
    areas: tuple[str, ...] = ()

    def print(self) -> Fingerprint:
        return fingerprint(self.body, self.title, self.org, self.year)


def extracted(data: bytes, name: str) -> Text:
    from ingest.extract import extract

    doc = extract(data, name, name, {})
    return Text(name, doc.body, doc.title, doc.org, doc.year, tuple(doc.areas))


def corpus_texts() -> list[Text]:
    """Every corpus document as ingest extracts it, with the areas the manifest gives it."""
    import csv

    areas = {}
    with (CORPUS / "manifest.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            areas[row["path"]] = tuple(a for a in row.get("areas", "").split(";") if a)
    out = []
    for path in sorted((CORPUS / "docs").rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            rel = path.relative_to(CORPUS).as_posix()
            text = extracted(path.read_bytes(), path.name)
            out.append(Text(rel, text.body, text.title, text.org, text.year, areas.get(rel, ())))
    return out


def format_triples() -> list[tuple[Text, Text, Text]]:
    """Each Markdown source with its PDF and DOCX, all three extracted as ingest extracts them."""
    sys.path.insert(0, str(CORPUS))
    import build_binary_docs as builder

    out = []
    for path in sorted((CORPUS / "src").glob("*.md")):
        source = builder.load_source(path)
        md = extracted(path.read_bytes(), path.name)
        pdf = extracted(builder.build_pdf(source), path.stem + ".pdf")
        docx = extracted(builder.build_docx(source), path.stem + ".docx")
        out.append((md, pdf, docx))
    return out


_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def revised(text: Text, donors: list[Text], rng: random.Random) -> Text:
    """``text`` with 5-10 % of its words changed: about half by whole sentences taken from other documents,
    the rest by single words dropped, replaced or inserted."""
    share = rng.uniform(0.05, 0.10)
    sentences = _SENTENCE.split(text.body)
    total = sum(len(s.split()) for s in sentences)
    budget = share * total
    spent = 0.0
    while spent < budget / 2 and len(sentences) > 2:
        i = rng.randrange(len(sentences))
        donor = _SENTENCE.split(rng.choice(donors).body)
        spent += len(sentences[i].split())
        sentences[i] = rng.choice(donor)
    words = " ".join(sentences).split()
    vocabulary = [w for d in donors[:20] for w in d.body.split()[:200]]
    while spent < budget and len(words) > 10:
        i = rng.randrange(len(words))
        action = rng.choice(("drop", "replace", "insert"))
        if action == "drop":
            del words[i]
        elif action == "replace":
            words[i] = rng.choice(vocabulary)
        else:
            words.insert(i, rng.choice(vocabulary))
        spent += 1
    return Text(text.name + " (revised)", " ".join(words), text.title, text.org, text.year, text.areas)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-pair", action="store_true", help="every misjudged pair, on standard error")
    args = parser.parse_args()
    rng = random.Random(SEED)
    started = time.perf_counter()
    texts = corpus_texts()
    extract_seconds = (time.perf_counter() - started) / len(texts)
    triples = format_triples()

    pairs: list[tuple[str, Text, Text, bool]] = []
    for md, pdf, docx in triples:
        pairs += [("formats", md, pdf, True), ("formats", md, docx, True), ("formats", pdf, docx, True)]
    for text in texts:
        donors = [t for t in texts if t.name != text.name]
        pairs.append(("versions", text, revised(text, donors, rng), True))
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            if set(a.areas) & set(b.areas):
                pairs.append(("same topic", a, b, False))

    prints: dict[str, Fingerprint] = {}
    t0 = time.perf_counter()
    for _kind, a, b, _dup in pairs:
        for t in (a, b):
            if t.name not in prints:
                prints[t.name] = t.print()
    fingerprint_seconds = (time.perf_counter() - t0) / len(prints)

    rows: dict[str, list] = {}  # kind -> [pairs, judged duplicate, similarities]
    tp = fp = fn = 0
    for kind, a, b, duplicate in pairs:
        judged = same_work(prints[a.name], prints[b.name])
        rows.setdefault(kind, [0, 0, []])
        rows[kind][0] += 1
        rows[kind][1] += judged
        rows[kind][2].append(similarity(prints[a.name], prints[b.name]))
        tp += judged and duplicate
        fp += judged and not duplicate
        fn += duplicate and not judged
        if args.per_pair and judged != duplicate:
            sim = similarity(prints[a.name], prints[b.name])
            print(f"{kind}: {a.name} ~ {b.name}: similarity {sim:.2f}, judged {judged}", file=sys.stderr)

    index = Candidates()
    for name in [t.name for t in texts]:
        index.add(name, prints[name])
    t0 = time.perf_counter()
    for t in texts:
        index.related(prints[t.name])
    lookup_seconds = (time.perf_counter() - t0) / len(texts)

    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    print(
        f"near duplicates over the sample corpus ({len(texts)} documents, {len(triples)} sources built as PDF and DOCX)"
    )
    print()
    print("| pairs | count | judged duplicate | similarity min | median | max |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for kind, (count, judged, found) in rows.items():
        found.sort()
        print(f"| {kind} | {count} | {judged} | {found[0]:.2f} | {found[len(found) // 2]:.2f} | {found[-1]:.2f} |")
    print()
    print(f"precision {precision:.3f}, recall {recall:.3f} over duplicate pairs (true {tp}, false {fp}, missed {fn})")
    print(
        f"cost per document: fingerprint {fingerprint_seconds * 1000:.2f} ms, LSH look-up among {len(texts)} "
        f"{lookup_seconds * 1000:.2f} ms; extraction by ingest {extract_seconds * 1000:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
