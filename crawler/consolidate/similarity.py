"""Similarity fingerprints: what recognises an edited repost of a listing in a later
snapshot, kept without its content.

A unique listing's text has a MinHash signature in memory (``near.candidate_pairs``: 2-word
shingles of its sorted words). Its first ``BANDS * ROWS`` values are cut into ``BANDS``
bands of ``ROWS`` values, and each band becomes a 16-bit number: the first two bytes of
keyed BLAKE2b (RFC 7693's MAC mode: a keyed hash as strong as an HMAC, and one C call
instead of HMAC's two hash passes: 200,000 of them per 12,500 listings) with the window's
key over the band's position and values. Only those 15
numbers are kept, with a 16-bit keyed tag of the listing's stated locality (a codebook
category, keyed so that it only says "same locality or not", for the flow "moved
locality"): one ``Subject.SIMILARITY`` fingerprint per unique listing, its group field
holding the 32 bytes as hex. The signature itself never leaves the process.

Two texts whose shingle sets have Jaccard similarity J agree on a band with probability
J ** ROWS, so the number of agreeing bands out of ``BANDS`` estimates J. A later listing
continues an earlier one when they agree on at least ``MIN_BANDS`` bands: with 15 bands of
3 rows that is an estimated Jaccard of (MIN_BANDS / 15) ** (1 / 3), calibrated on the demo
market's reposts (docs/METHOD.md, benchmarks/continuity.py). Two unrelated texts agree on a
band by a 16-bit accident with probability 1 / 65,536: reaching ``MIN_BANDS`` by accident
among a snapshot's listings is far rarer than a true repost (docs/PRIVACY.md).
"""

from __future__ import annotations

import hashlib
import struct
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

import numpy as np

BANDS = 15
ROWS = 3  # 45 of the signature's 96 values
BAND_BYTES = 2  # and as many for the locality tag: 32 bytes, a fingerprint's 64 hex
# bands of 15 that must agree: an estimated Jaccard of 0.64 and more
MIN_BANDS = 4


def bands(key: bytes, signature: np.ndarray | None, locality: str) -> str:
    """One listing's keyed band digests and locality tag, as 64 hex characters ("" for a
    text too short to have a signature)."""
    if signature is None:
        return ""
    raw = np.asarray(signature[: BANDS * ROWS], dtype="<u8").tobytes()
    step = ROWS * 8
    digests = [_keyed(key, b"band%d:" % i + raw[i * step:(i + 1) * step])
               for i in range(BANDS)]
    digests.append(_keyed(key, b"locality:" + locality.encode()))
    return b"".join(digests).hex()


def _keyed(key: bytes, message: bytes) -> bytes:
    return hashlib.blake2b(message, key=key, digest_size=BAND_BYTES).digest()


_NUMBERS = struct.Struct(f">{BANDS + 1}H")


def split(digests: str) -> tuple[tuple[int, ...], int]:
    """The band numbers and the locality tag of a similarity fingerprint's group field."""
    numbers = _NUMBERS.unpack(bytes.fromhex(digests))
    return numbers[:BANDS], numbers[BANDS]


def agreeing(a: str, b: str) -> int:
    """How many bands two listings' digests agree on."""
    return sum(x == y for x, y in zip(split(a)[0], split(b)[0]))


def estimated_jaccard(agree: int) -> float:
    return float((agree / BANDS) ** (1 / ROWS))


class Continued(NamedTuple):
    """An earlier listing that a later one continues."""

    site: str
    digest: str
    same_locality: bool


class SimilarityIndex:
    """Earlier listings' band digests, searchable by a later listing's."""

    def __init__(self, entries: Iterable[tuple[str, str, str]] = (),
                 min_bands: int = MIN_BANDS) -> None:
        """``entries``: (site, listing digest, band digests) of an earlier snapshot."""
        self.min_bands = min_bands
        self.listings: list[tuple[str, str, int]] = []  # (site, digest, locality tag)
        # (position << 16 | band number) -> listings: an int key hashes faster than a pair
        self._buckets: dict[int, list[int]] = defaultdict(list)
        for site, digest, digests in entries:
            if not digests:
                continue
            numbers, locality = split(digests)
            n = len(self.listings)
            self.listings.append((site, digest, locality))
            for position, value in enumerate(numbers):
                self._buckets[position << 16 | value].append(n)

    def __len__(self) -> int:
        return len(self.listings)

    def continued(self, digests: str) -> list[Continued]:
        """The earlier listings that agree with ``digests`` on at least ``min_bands``
        bands, most agreeing first."""
        if not digests or not self.listings:
            return []
        numbers, locality = split(digests)
        agree: dict[int, int] = defaultdict(int)
        for position, value in enumerate(numbers):
            for n in self._buckets.get(position << 16 | value, ()):
                agree[n] += 1
        found = sorted((-a, n) for n, a in agree.items() if a >= self.min_bands)
        return [Continued(site, digest, tag == locality)
                for site, digest, tag in (self.listings[n] for _, n in found)]

