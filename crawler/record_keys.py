"""Record keys and cell keys: the cell key method's side of the snapshot process.

Every counted unit (a hit, a unique listing, a distinct listing, an advertiser) gets a
*record key*: a uniform integer in [0, CELL_KEY_RANGE) derived with a long-lived secret
from what identifies the unit, so the same unit has the same key in every breakdown,
every week and across baseline windows. An indicator stores its *cell key*, the sum of
its units' record keys modulo the range: the same units give the same cell key, so a
published count (``crawler/cellkey.py``) is the same wherever they are counted.

A unit is identified by its listing's canonical content (site included), hashed with the
secret (HMAC-SHA-256) in memory; the identity and the record keys die with the process.
A distinct listing or an advertiser takes the record key of its member whose identity
sorts first, so a cluster of one listing has that listing's key (a cell that counts the
same listings at two levels gets the same cell key, not two noisy draws to average). A
unique listing seen as n hits has n hit keys: the first is its own record key, the
others derived from its identity and the copy's number.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from crawler.records import CELL_KEY_RANGE


def identity(secret: bytes, site: str, canonical: str) -> bytes:
    """A unit's keyed identity: without the secret it cannot be tested against a guess."""
    message = "\x1f".join(("record", site, canonical)).encode("utf-8")
    return hmac.new(secret, message, hashlib.sha256).digest()


def record_key(unit_identity: bytes) -> int:
    # CELL_KEY_RANGE divides 2**64, so the remainder is uniform
    return int.from_bytes(unit_identity[:8], "big") % CELL_KEY_RANGE


def hit_keys(unit_identity: bytes, hits: int) -> int:
    """The sum (modulo the range) of the record keys of a unique listing's ``hits`` copies."""
    total = record_key(unit_identity)
    for copy in range(1, hits):
        total += record_key(hashlib.sha256(unit_identity + copy.to_bytes(4, "big")).digest())
    return total % CELL_KEY_RANGE


def cluster_key(member_identities: Iterable[bytes]) -> int:
    """A distinct listing's or an advertiser's record key: its first member's."""
    return record_key(min(member_identities))


def cell_key(record_keys: Iterable[int]) -> int:
    return sum(record_keys) % CELL_KEY_RANGE


def named_cell_key(secret: bytes, *names: str) -> int:
    """A cell key from a cell's name, for a cell whose units are not at hand (an
    indicator written before cell keys existed): consistent for that cell, but not shared
    with other cells that count the same units (docs/PRIVACY.md)."""
    message = "\x1f".join(("cell", *names)).encode("utf-8")
    return record_key(hmac.new(secret, message, hashlib.sha256).digest())
