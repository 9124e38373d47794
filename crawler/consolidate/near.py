"""Near-duplicates: candidate pairs from MinHash LSH, verified by a rapidfuzz score.

All-pairs comparison is quadratic (hours at the 2020 market's size); LSH proposes only
pairs whose word-shingle sets are likely similar, and rapidfuzz scores just those pairs
(``cpdist``: one vectorised call, no similarity matrix). ``token_sort_ratio`` ignores
word order, so a reposted ad with its sentences reordered still scores 100, while an
edited word or two costs a few points.

The candidates must be what the verification would accept, so the shingles are taken
over the words in sorted order, as ``token_sort_ratio`` compares them: a sentence moved
changes no shingle (over the text's own order it changed those across every moved
boundary, and such reposts, scoring 100, were lost), an edited word changes two.
Measured against every pair at or above the threshold (benchmarks/recall_candidates.py,
docs/BENCHMARKS.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from datasketch import MinHash, MinHashLSH
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist


@dataclass(frozen=True, slots=True)
class NearDuplicateSettings:
    # chosen from the measured precision/recall curve (docs/BENCHMARKS.md)
    threshold: float = 90.0  # token_sort_ratio, 0-100
    lsh_threshold: float = 0.4  # estimated Jaccard of shingle sets for a candidate pair
    num_perm: int = 96
    shingle_words: int = 2  # over the sorted words
    min_words: int = 5  # shorter texts are never called near-duplicates
    seed: int = 1
    # a band bucket larger than this is mostly texts that share a site's template, not one
    # ad's reposts: its members are checked against one of them, not against each other
    # (pairs grow with the bucket, not with its square); one market of 150,000 hits has no
    # bucket past 50
    max_bucket: int = 50


def shingles(text: str, width: int) -> list[bytes]:
    words = text.split()
    if len(words) <= width:
        return [" ".join(words).encode()] if words else []
    return [" ".join(words[i : i + width]).encode() for i in range(len(words) - width + 1)]


Signatures = list["np.ndarray | None"]


def candidate_pairs(texts: Sequence[str], settings: NearDuplicateSettings,
                    signatures: Signatures | None = None) -> set[tuple[int, int]]:
    """Pairs (i < j) that LSH puts in a common bucket; identical texts always pair.
    ``signatures``: a list as long as ``texts`` that receives each text's MinHash values
    (None for a text too short to compare), for the similarity fingerprints."""
    pairs: set[tuple[int, int]] = set()
    # identical texts (a price or locality edit leaves the text as it was) pair directly:
    # cheaper than hashing, and certain
    first: dict[str, int] = {}
    unique_positions: list[int] = []
    for i, text in enumerate(texts):
        if len(text.split()) < settings.min_words:
            continue  # "Hej!" on two ads says nothing about them being one ad
        j = first.setdefault(text, i)
        if j != i:
            pairs.add((j, i))
        else:
            unique_positions.append(i)
    sets = [shingles(" ".join(sorted(texts[i].split())), settings.shingle_words)
            for i in unique_positions]
    keep = [(i, s) for i, s in zip(unique_positions, sets) if s]
    if not keep or (len(keep) < 2 and signatures is None):
        return pairs
    minhashes = MinHash.bulk([s for _, s in keep], num_perm=settings.num_perm, seed=settings.seed)
    if signatures is not None:
        for (i, _), mh in zip(keep, minhashes):
            signatures[i] = mh.hashvalues
        for j, i in pairs:  # an identical text has its first copy's signature
            signatures[i] = signatures[j]
    # datasketch chooses the bands (b bands of r values) for the threshold; its buckets
    # are the texts whose values in a band are equal, which numpy groups at once (inserting
    # into MinHashLSH one text and one band at a time was a fifth of consolidation)
    lsh = MinHashLSH(threshold=settings.lsh_threshold, num_perm=settings.num_perm)
    matrix = np.vstack([mh.hashvalues for mh in minhashes])
    positions = np.array([i for i, _ in keep])
    for band in range(lsh.b):
        for members in _buckets(matrix[:, band * lsh.r:(band + 1) * lsh.r], positions):
            # a pair sharing a bucket is a candidate (what lsh.query gives, bucket by
            # bucket, so that an oversized one can be treated apart)
            if len(members) > settings.max_bucket:
                pairs.update((members[0], j) for j in members[1:])
            else:
                pairs.update(combinations(members, 2))
    return pairs


def _buckets(band: np.ndarray, positions: np.ndarray) -> list[list[int]]:
    """The texts (by position) whose rows of ``band`` are equal, sorted, in groups of two
    or more. Rows are mixed into one 64-bit number first: sorting numbers is several times
    faster than sorting rows, and equal rows stay equal. Two unequal rows mix to one number
    with a chance of about 1 in 10^10 at 150,000 texts, and would only add a candidate
    pair, which the verification scores like any other."""
    mixed = np.zeros(len(band), dtype=np.uint64)
    for column in band.T:
        mixed = mixed * np.uint64(0x9E3779B97F4A7C15) + column.astype(np.uint64)
    _, group, sizes = np.unique(mixed, return_inverse=True, return_counts=True)
    group = group.ravel()
    shared = sizes[group] > 1
    if not shared.any():
        return []
    order = np.lexsort((positions[shared], group[shared]))
    grouped, members = group[shared][order], positions[shared][order]
    starts = np.flatnonzero(np.diff(grouped)) + 1
    return [part.tolist() for part in np.split(members, starts)]


def near_duplicate_pairs(texts: Sequence[str],
                         settings: NearDuplicateSettings = NearDuplicateSettings(),
                         signatures: Signatures | None = None) -> list[tuple[int, int]]:
    """Verified pairs: candidates whose score reaches the threshold (``signatures``: see
    ``candidate_pairs``)."""
    candidates = sorted(candidate_pairs(texts, settings, signatures))
    if not candidates:
        return []
    left = [texts[i] for i, _ in candidates]
    right = [texts[j] for _, j in candidates]
    scores = cpdist(left, right, scorer=fuzz.token_sort_ratio, workers=-1, dtype=np.float32)
    return [pair for pair, score in zip(candidates, scores) if score >= settings.threshold]
