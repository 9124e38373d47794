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
    # a candidate's MinHash values must agree in at least this share of lsh_threshold
    # (0.3 of the permutations at the defaults) before it is scored: see ``_agreeing``
    agreement: float = 0.75


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
    # into MinHashLSH one text and one band at a time was a fifth of consolidation).
    # datasketch's default scheme (affine32) gives 32-bit values: half the bytes to compare
    lsh = MinHashLSH(threshold=settings.lsh_threshold, num_perm=settings.num_perm)
    matrix = np.vstack([mh.hashvalues for mh in minhashes]).astype(np.uint32, copy=False)
    rows = np.unique(np.concatenate(
        [_band_pairs(matrix[:, band * lsh.r:(band + 1) * lsh.r], settings.max_bucket)
         for band in range(lsh.b)]))
    rows = _agreeing(matrix, rows, settings.agreement * settings.lsh_threshold)
    positions = np.array([i for i, _ in keep], dtype=np.int64)
    first_rows, second_rows = np.divmod(rows, len(keep))
    pairs.update(zip(positions[first_rows].tolist(), positions[second_rows].tolist()))
    return pairs


def _band_pairs(band: np.ndarray, max_bucket: int) -> np.ndarray:
    """Pairs of rows whose values in ``band`` are equal (a bucket), as ``a * n + b``
    (a < b, n rows), all pairs of a bucket of up to ``max_bucket``, a star from its first
    row past that. Rows are mixed into one 64-bit number first: sorting numbers is several
    times faster than sorting rows, and equal rows stay equal. Two unequal rows mix to one
    number with a chance of about 1 in 10^10 at 150,000 texts, and would only add a
    candidate pair, which the agreement check and the verification judge like any other."""
    n = len(band)
    mixed = np.zeros(n, dtype=np.uint64)
    for column in band.T:
        mixed = mixed * np.uint64(0x9E3779B97F4A7C15) + column.astype(np.uint64)
    order = np.argsort(mixed, kind="stable")  # a bucket's rows stay in ascending order
    value = mixed[order]
    opens = np.empty(n, dtype=bool)
    opens[:1] = True
    opens[1:] = value[1:] != value[:-1]
    starts = np.flatnonzero(opens)
    sizes = np.diff(np.append(starts, n))
    bucket = np.cumsum(opens) - 1
    size = sizes[bucket]
    found: list[np.ndarray] = []
    # every pair of a small bucket: row k with the row d places after it, for each d
    # while some bucket still holds two rows that far apart
    small = (size >= 2) & (size <= max_bucket)
    members, of = order[small].astype(np.int64), bucket[small]
    for d in range(1, max_bucket):
        same = of[d:] == of[:-d]
        if not same.any():
            break
        found.append(members[:-d][same] * n + members[d:][same])
    for start, count in zip(starts[sizes > max_bucket], sizes[sizes > max_bucket]):
        hub = np.int64(order[start])
        found.append(hub * n + order[start + 1:start + count].astype(np.int64))
    return np.concatenate(found) if found else np.empty(0, dtype=np.int64)


def _agreeing(matrix: np.ndarray, pairs: np.ndarray, least: float) -> np.ndarray:
    """The pairs (``a * n + b``) whose MinHash values agree in at least ``least`` of the
    permutations: an estimate of their shingles' Jaccard similarity. One band shared by
    chance (ads of one site's template) proposes pairs far below the LSH threshold; on
    the benchmark's 1.5M-hit market 80 % of the candidates agreed in under 0.3 and none of
    them scored at the verification's threshold (the lowest accepted pair agreed in 0.42,
    docs/BENCHMARKS.md)."""
    needed = int(np.ceil(least * matrix.shape[1] - 1e-9))
    first, second = np.divmod(pairs, len(matrix))
    return pairs[agreements(matrix, first, second) >= needed]


def agreements(matrix: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """For each pair of rows (``first[k]``, ``second[k]``), how many of their MinHash
    values are equal. Taken in chunks: the compared rows are 4 bytes x num_perm each."""
    counts = [(matrix[a] == matrix[b]).sum(axis=1)
              for a, b in zip(np.array_split(first, max(1, len(first) // 65_536)),
                              np.array_split(second, max(1, len(second) // 65_536)))]
    return np.concatenate(counts) if counts else np.empty(0, dtype=np.int64)


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
