"""Near-duplicate texts (ingest/near_duplicates.py): one work in two formats or revised is found, different
documents are not, and a kept signature compares as the one it was made from."""

from __future__ import annotations

import random

from ingest.near_duplicates import Candidates, fingerprint, from_bytes, same_work, shingles, similarity

WORDS = tuple(
    " ".join(
        [
            "hearing aid users in noisy restaurants reported that speech was hard to follow when music played",
            "and the directional microphones helped most when the talker stood in front while the noise came",
            "from behind the listener and the fitting was verified with real ear measurements in the clinic",
        ]
    ).split(" ")
)


def text(seed: int, words: int = 600) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) + ("." if rng.random() < 0.08 else "") for _ in range(words))


def revise(body: str, share: float, seed: int) -> str:
    rng = random.Random(seed)
    words = body.split()
    for _ in range(int(len(words) * share)):
        words[rng.randrange(len(words))] = rng.choice(["ørepropper", "klinik", "måling", "støj"])
    return " ".join(words)


def test_the_same_text_in_another_layout_is_the_same_work():
    body = text(1)
    relaid = body.upper().replace(". ", ".\n\n")  # case and line breaks are not content
    assert similarity(fingerprint(body), fingerprint(relaid)) == 1.0
    assert shingles("Ét Hus, to HUSE") == shingles("ét hus to huse")


def test_a_revision_is_the_same_work_and_another_text_is_not():
    body = text(2)
    assert same_work(fingerprint(body), fingerprint(revise(body, 0.08, 3)))
    assert not same_work(fingerprint(body), fingerprint(text(4)))


def test_metadata_decides_only_in_the_band_below():
    body = text(5)
    far = revise(body, 0.25, 6)  # a heavy revision: similarity between SUPPORTED and SAME_WORK
    plain = similarity(fingerprint(body), fingerprint(far))
    assert 0.3 <= plain < 0.45, plain
    assert not same_work(fingerprint(body), fingerprint(far))
    a = fingerprint(body, "Noise in restaurants 2020", "Aurora Hearing A/S", 2020)
    b = fingerprint(far, "Noise in restaurants, revised", "Aurora Hearing A/S", 2022)
    assert same_work(a, b)
    assert not same_work(a, fingerprint(far, "Noise in restaurants, revised", "Another Org", 2022))


def test_a_kept_signature_compares_as_the_original_and_the_index_finds_it():
    body = text(7)
    kept = from_bytes(fingerprint(body).to_bytes())
    assert similarity(kept, fingerprint(body)) == 1.0
    index = Candidates()
    index.add("a", fingerprint(body))
    index.add("b", fingerprint(text(8)))
    assert [doc for doc, _sim in index.related(fingerprint(revise(body, 0.05, 9)))] == ["a"]
    index.remove("a")
    assert index.related(fingerprint(body)) == [] and len(index) == 1


def test_the_permutations_drawn_once_give_the_signature_a_fresh_minhash_gives():
    from datasketch import MinHash

    from ingest.near_duplicates import PERMUTATIONS, SCHEME, SEED

    body = text(10)
    fresh = MinHash(num_perm=PERMUTATIONS, seed=SEED, scheme=SCHEME)
    fresh.update_batch(list(shingles(body)))
    assert list(fingerprint(body).signature.hashvalues) == list(fresh.hashvalues)
