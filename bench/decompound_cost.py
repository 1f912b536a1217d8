"""What splitting Danish compounds costs at index time, per word (issue #16).

    python bench/decompound_cost.py            # the Danish words of 4,000 speed-corpus reports

The index asks :func:`search.decompound.search_parts` about every Danish word of every document; a word seen
before is a cache hit, a new one is split from wordfreq's frequencies. This prints, in CPU time: loading
wordfreq's Danish and English tables (once per process), a new word (the distinct content words of the speed
corpus's Danish reports, in order), a word seen before, and the memory the caches hold when full (500,000
made-up words). Exits 0; nothing is asserted.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.speed_corpus import _pseudo_words, write_corpus  # noqa: E402
from search.analysis import content_words  # noqa: E402
from search.decompound import search_parts  # noqa: E402


def _rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * 4096 / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=4000, help="speed-corpus reports (a quarter are Danish)")
    args = parser.parse_args()
    files = write_corpus(ROOT / "bench" / "out" / "docs", args.docs)
    texts = [p.read_text(encoding="utf-8") for paths in files.values() for p in paths]
    words = list(dict.fromkeys(w for t in texts if "\nLanguage: da\n" in t for w in content_words(t, "da")))

    start = time.process_time()
    search_parts("vindmøllestøj")
    print(f"wordfreq's tables: {time.process_time() - start:.2f} s CPU, once per process")
    start = time.process_time()
    split = sum(1 for w in words if search_parts(w))
    cold = time.process_time() - start
    print(f"{len(words)} distinct Danish words: {1e6 * cold / len(words):.1f} us CPU per new word, {split} split")
    start = time.process_time()
    for w in words:
        search_parts(w)
    print(f"seen before: {1e6 * (time.process_time() - start) / len(words):.2f} us per word")

    made_up = _pseudo_words(np.random.default_rng(11), 250_000)
    before = _rss_mb()
    for w in [w + "ning" for w in made_up] + made_up:
        search_parts(w)
    print(f"caches filled by 500,000 new words: RSS +{_rss_mb() - before:.0f} MB")


if __name__ == "__main__":
    main()
