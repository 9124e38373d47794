"""Hits -> unique listings -> distinct listings -> advertisers, in memory.

- unique: exact copies within a site removed (``exact.group_copies``);
- distinct: unique listings of one site linked as near-duplicates (``near``);
- advertisers: unique listings on any site linked by a shared contact identifier
  (keyed) or by near-duplicate text, with union-find. A contact that more unique
  listings show than ``max_listings_per_contact`` (an agency's booking number, a
  platform's support handle) is no one's identity: it links nothing and is counted.

Everything that leaves here is a category (``Profile``) or a keyed hash.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from crawler.consolidate.contacts import identifiers
from crawler.consolidate.exact import group_copies
from crawler.consolidate.near import NearDuplicateSettings, Signatures, near_duplicate_pairs
from crawler.consolidate.similarity import bands
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
    # its text's keyed LSH band digests and locality tag (similarity.py; "" for a text
    # too short to compare)
    bands: str = ""


# More unique listings than one advertiser plausibly has at once: the demo market's
# busiest advertiser has 12 (seeds 1, 2, 3, 7; days 0-60), real ones a few more
# (docs/METHOD.md). Configurable as consolidation.max_listings_per_contact.
MAX_LISTINGS_PER_CONTACT = 25


@dataclass(slots=True)
class Consolidation:
    uniques: list[UniqueListing]
    # site -> how many contact values seen there were shared too widely to link
    # (a number per site, never a value)
    shared_contacts: dict[str, int] = field(default_factory=dict)

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
                record_secret: bytes | None = None,
                max_listings_per_contact: int = MAX_LISTINGS_PER_CONTACT) -> Consolidation:
    """``record_secret``: the long-lived secret of the record keys (``KeyRing.record_secret``).
    ``max_listings_per_contact``: a contact shown by more unique listings links none."""
    uniques: list[UniqueListing] = []
    texts: list[str] = []
    for site in sorted(listings):
        for group in group_copies(listings[site], key, record_secret):
            first = group.listing
            contacts = identifiers(first.get("phone"), first.get("email"), first.get("handle"))
            uniques.append(UniqueListing(
                site=site,
                digest=group.digest,
                hits=group.hits,
                profile=profile(first),
                contacts=tuple(sorted(fingerprint(key, "contact", c) for c in contacts)),
                identity=group.identity,
            ))
            texts.append(comparable_text(first))

    shared = _shared(uniques, max_listings_per_contact)
    distinct = UnionFind(len(uniques))
    advertisers = UnionFind(len(uniques))
    signatures: Signatures = [None] * len(texts)
    for i, j in near_duplicate_pairs(texts, settings, signatures):
        advertisers.union(i, j)
        if uniques[i].site == uniques[j].site:
            distinct.union(i, j)
    owner: dict[str, int] = {}
    for i, unique in enumerate(uniques):
        for contact in unique.contacts:
            advertisers.union(i, owner.setdefault(contact, i))
    digests: dict[tuple[int, str], str] = {}  # identical texts share one signature array
    for unique, d, a, signature in zip(uniques, distinct.labels(), advertisers.labels(),
                                       signatures):
        unique.distinct, unique.advertiser = d, a
        if signature is not None:
            place = (id(signature), unique.profile.locality)
            unique.bands = digests.get(place) or digests.setdefault(
                place, bands(key, signature, unique.profile.locality))
    return Consolidation(uniques, shared)


def _shared(uniques: list[UniqueListing], cut: int) -> dict[str, int]:
    """Drop from every unique listing the contacts more than ``cut`` of them show (they
    would link unrelated advertisers, and make them "still" in a later snapshot);
    return how many such contacts each site had."""
    shown = Counter(c for u in uniques for c in u.contacts)
    widely = {c for c, n in shown.items() if n > cut}
    per_site: dict[str, set[str]] = {}
    if widely:
        for u in uniques:
            if not widely.isdisjoint(u.contacts):
                per_site.setdefault(u.site, set()).update(widely.intersection(u.contacts))
                u.contacts = tuple(c for c in u.contacts if c not in widely)
    return {site: len(found) for site, found in sorted(per_site.items())}
