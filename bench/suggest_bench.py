"""How fast the query helpers answer on a large generated index.

Run: ``.venv/bin/python bench/suggest_bench.py [--docs 100000]`` (or ``make bench-suggest``).
The first run builds the index into ``bench/out/`` (several minutes for 100k
documents); later runs reuse it.

Figures, each for an anonymous visitor (public only) and for staff (everything):

* one-off work per index generation: the lexicon, the title index, a vocabulary;
* completions per keystroke (``search.suggest.complete``), cold (first time a
  prefix is seen in this generation) and warm, against a baseline in the same
  run that does the obvious thing: scan every visible title and count every
  word with the prefix over the visibility mask;
* did-you-mean for misspelt queries, against Whoosh's own corrector (which
  knows nothing of visibility);
* related documents for a document page, against Whoosh's ``more_like``
  (unmasked).

Timings are wall-clock on a shared machine: other work running at the same
time makes them noisy, so compare within one run. Exits 0.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench.synthetic import build_index  # noqa: E402
from search.engine.reading.searcher import SearcherPool, Snapshot  # noqa: E402
from search.related import related  # noqa: E402
from search.searching import SearchRequest  # noqa: E402
from search.suggest import complete, did_you_mean  # noqa: E402
from search.titles import TitleEntry, TitleIndex, title_words  # noqa: E402
from search.vocabulary import WORDS, vocabulary  # noqa: E402

PUBLIC = ("public",)
STAFF = ("public", "members", "staff")


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, (time.perf_counter() - start) * 1000


def summary(name: str, millis: list[float]) -> None:
    millis = sorted(millis)
    p95 = millis[min(len(millis) - 1, int(len(millis) * 0.95))]
    print(f"  {name:<44} median {statistics.median(millis):7.2f} ms   p95 {p95:7.2f} ms   max {millis[-1]:7.2f} ms")


def naive_complete(snapshot, entries: list[TitleEntry], text: str, levels) -> list[str]:
    """The baseline: scan every title, count every word with the prefix."""
    typed = title_words(text)
    titles = [
        e.title
        for e in entries
        if e.visibility in levels and all(any(w.startswith(t) for w in title_words(e.title)) for t in typed)
    ][:5]
    reader = snapshot.searcher.reader()
    columns = snapshot.columns
    visible = columns.mask_for("visibility", list(levels)) & columns.live
    counts = []
    for btext in reader.expand_prefix("words", typed[-1]):
        ids = np.fromiter(reader.postings("words", btext).all_ids(), dtype=np.int64)
        counts.append((int(visible[ids].sum()), btext))
    counts.sort(reverse=True)
    return titles + [t for _, t in counts[:5]]


def typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["drop", "swap", "change"])
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "swap":
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    return word[:i] + rng.choice("aeioulnrst") + word[i + 1 :]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(11)
    print(f"query helpers on {args.docs:,} generated documents; {os.cpu_count()} CPUs (shared: timings are noisy)")

    _, build_ms = timed(build_index, args.docs)
    base, docs = build_index(args.docs)
    print(f"index ready in {build_ms / 1000:.1f} s (reused when it was already built)")
    snapshot = SearcherPool(base).get()
    entries = [TitleEntry(d.id, d.title, d.visibility) for d in docs]

    print(
        "\nonce per index generation (on a large collection, in the background: see search/engine/reading/derived.py)"
    )
    _, ms = timed(lambda: snapshot.columns.read(("area", "type", "org", "lang", "year", "visibility")))
    print(f"  facet columns (already used by search)        {ms:8.1f} ms")
    reader = snapshot.searcher.reader()
    lexicon, ms = timed(snapshot.derived, "lexicon", lambda: snapshot.store.lexicon(reader, WORDS), stale_ok=True)
    print(f"  lexicon ({len(lexicon.words):,} words)                    {ms:8.1f} ms")
    titles, ms = timed(snapshot.derived, "titles", lambda: TitleIndex(entries), stale_ok=True)
    print(f"  title index ({len(titles):,} titles)                 {ms:8.1f} ms")
    for levels in (PUBLIC, STAFF):
        _, ms = timed(vocabulary, snapshot, levels)
        print(f"  vocabulary for {'+'.join(levels):<30} {ms:8.1f} ms")

    # Keystrokes: prefixes of 2..8 letters of words from real titles.
    words = [w for e in rng.sample(entries, 2000) for w in title_words(e.title) if len(w) >= 4 and w.isalpha()]
    typed = []
    for word in rng.sample(words, args.samples):
        head = " ".join(title_words(rng.choice(entries).title)[:1]) + " " if rng.random() < 0.3 else ""
        typed.append(head + word[: rng.randint(2, min(8, len(word)))])

    print(f"\ncompletions per keystroke ({len(typed)} typed prefixes)")
    for levels in (PUBLIC, STAFF):
        name = "+".join(levels)
        cold = [timed(complete, snapshot, titles, t, levels)[1] for t in typed]
        warm = [timed(complete, snapshot, titles, t, levels)[1] for t in typed]
        base_ms = [timed(naive_complete, snapshot, entries, t, levels)[1] for t in typed[:20]]
        summary(f"{name}: cold", cold)
        summary(f"{name}: warm", warm)
        summary(f"{name}: baseline, scan titles + count (20)", base_ms)

    # The first keystrokes after a commit: a new generation, tables carried over.
    after = Snapshot(snapshot.searcher, snapshot.folder, snapshot.generation, tables=snapshot.tables.next_generation())
    _, ms = timed(lambda: after.columns)
    print(f"  (new generation: facet columns, which the first search builds anyway: {ms:.0f} ms)")
    first = []
    for t in typed[:20]:
        stale_titles = after.derived("titles", lambda: TitleIndex(entries), stale_ok=True)
        first.append(timed(complete, after, stale_titles, t, PUBLIC)[1])
    summary("public: first 20 keystrokes after a commit", first)
    _, ms = timed(after.tables.join)
    print(f"    (background rebuild finished {ms:.0f} ms after them)")

    queries = [typo(w, rng) for w in rng.sample([w for w in words if len(w) >= 6], min(60, args.samples))]
    print(f"\ndid-you-mean ({len(queries)} misspelt words)")
    searcher = snapshot.searcher
    for levels in (PUBLIC, STAFF):
        results = [timed(did_you_mean, snapshot, SearchRequest(q=q, visibility=levels), 0, False) for q in queries]
        summary(f"{'+'.join(levels)}: did_you_mean (incl. count)", [ms for _, ms in results])
        print(f"    corrected {sum(1 for r, _ in results if r)} of {len(queries)}")
    summary("baseline: Whoosh corrector, no visibility", [timed(searcher.suggest, "words", q)[1] for q in queries])

    picked = rng.sample(docs, min(40, args.samples))
    print(f"\nrelated documents ({len(picked)} document pages)")
    for levels in (PUBLIC, STAFF):
        summary(
            f"{'+'.join(levels)}: related",
            [timed(related, snapshot, d.id, f"{d.title}\n{d.body}", "en", levels)[1] for d in picked],
        )
    summary(
        "baseline: Whoosh more_like, unmasked",
        [
            timed(searcher.more_like, searcher.document_number(id=d.id), "body_en", text=d.body, top=5)[1]
            for d in picked
        ],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
