"""Exact copies: a listing's canonical content and the groups of hits that share it.

Canonical form: every field (indicators and transient content alike, in the fixed
order of FIELDS) in Unicode NFKC, case-folded, with whitespace collapsed. NFKC keeps
å, ä, ö and digits; it only folds compatibility forms (full-width digits, ligatures).
Copies are looked for within one site: the same text on two sites is two listings,
which the advertiser level links.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from crawler.keys import fingerprint
from crawler.listing import FIELDS, Listing


def canonical(listing: Listing) -> str:
    parts = []
    for name in FIELDS:
        value = listing.get(name)
        if isinstance(value, tuple):
            value = "\x1e".join(value)
        parts.append(_fold(value) if value else "")
    return "\x1d".join(parts)


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


@dataclass(slots=True)
class CopyGroup:
    """Hits with one canonical content on one site: one unique listing."""

    digest: str  # keyed fingerprint of site + canonical content
    listing: Listing  # the first hit; the others are copies of it
    hits: int = 1


def group_copies(listings: Iterable[Listing], key: bytes) -> list[CopyGroup]:
    groups: dict[str, CopyGroup] = {}
    # reposts usually repeat a listing byte for byte: fold and hash each raw form once
    digests: dict[tuple[str, tuple[object, ...]], str] = {}
    for listing in listings:
        raw = (listing.site, listing.values())
        digest = digests.get(raw)
        if digest is None:
            digest = digests[raw] = fingerprint(key, "listing", listing.site, canonical(listing))
        group = groups.get(digest)
        if group is None:
            groups[digest] = CopyGroup(digest, listing)
        else:
            group.hits += 1
    return list(groups.values())
