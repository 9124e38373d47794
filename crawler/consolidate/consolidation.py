"""Hits -> unique listings -> distinct listings -> advertisers, in memory.

- unique: exact copies within a site removed (``exact.group_copies``);
- distinct: unique listings of one site linked as near-duplicates (``near``);
- advertisers: unique listings on any site linked by a shared contact identifier
  (keyed) or by near-duplicate text, with union-find.

Everything that leaves here is a category (``Profile``) or a keyed hash.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from crawler.consolidate.contacts import identifiers
from crawler.consolidate.exact import group_copies
from crawler.consolidate.near import NearDuplicateSettings, near_duplicate_pairs
from crawler.keys import fingerprint
from crawler.listing import Listing
from crawler.normalise import Profile, profile
from crawler.unionfind import UnionFind


@dataclass(slots=True)
class UniqueListing:
    """One unique listing as the later stages see it: categories and keyed hashes."""

    site: str
    digest: str  # keyed hash of site + canonical content
    hits: int
    profile: Profile
    contacts: tuple[str, ...]  # keyed hashes of its contact identifiers
    identity: bytes = b""  # its content hashed with the record key secret (record_keys.py)
    distinct: int = -1  # index (into Consolidation.uniques) of its distinct cluster's first member
    advertiser: int = -1  # index of its advertiser cluster's first member


@dataclass(slots=True)
class Consolidation:
    uniques: list[UniqueListing]

    def anchor(self, label: int) -> str:
        """A stable keyed name for a cluster: the digest of its first member."""
        return self.uniques[label].digest


def comparable_text(listing: Listing) -> str:
    """Title and free text, folded like the canonical form (NFKC, case, whitespace)."""
    parts = [listing.get("title"), listing.get("text")]
    text = " ".join(p if isinstance(p, str) else " ".join(p) for p in parts if p)
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def consolidate(listings: Mapping[str, Sequence[Listing]], key: bytes,
                settings: NearDuplicateSettings = NearDuplicateSettings(),
                record_secret: bytes | None = None) -> Consolidation:
    """``record_secret``: the long-lived secret of the record keys (``KeyRing.record_secret``)."""
    uniques: list[UniqueListing] = []
    texts: list[str] = []
    for site in sorted(listings):
        for group in group_copies(listings[site], key, record_secret):
            first = group.listing
            contacts = identifiers(_text(first.get("phone")), _text(first.get("email")),
                                   _text(first.get("handle")))
            uniques.append(UniqueListing(
                site=site,
                digest=group.digest,
                hits=group.hits,
                profile=profile(first),
                contacts=tuple(sorted(fingerprint(key, "contact", c) for c in contacts)),
                identity=group.identity,
            ))
            texts.append(comparable_text(first))

    distinct = UnionFind(len(uniques))
    advertisers = UnionFind(len(uniques))
    for i, j in near_duplicate_pairs(texts, settings):
        advertisers.union(i, j)
        if uniques[i].site == uniques[j].site:
            distinct.union(i, j)
    owner: dict[str, int] = {}
    for i, unique in enumerate(uniques):
        for contact in unique.contacts:
            advertisers.union(i, owner.setdefault(contact, i))
    for unique, d, a in zip(uniques, distinct.labels(), advertisers.labels()):
        unique.distinct, unique.advertiser = d, a
    return Consolidation(uniques)


def _text(value: str | tuple[str, ...] | None) -> str | None:
    return " ".join(value) if isinstance(value, tuple) else value
