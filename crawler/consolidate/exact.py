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
from crawler.record_keys import identity


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
    # the same content hashed with the long-lived record key secret (crawler/record_keys.py)
    identity: bytes = b""
    hits: int = 1


def group_copies(listings: Iterable[Listing], key: bytes,
                 record_secret: bytes | None = None) -> list[CopyGroup]:
    """``record_secret``: the secret of the record keys (default: ``key``, for callers that
    publish nothing, so record keys then change with the window)."""
    secret = key if record_secret is None else record_secret
    groups: dict[str, CopyGroup] = {}
    # reposts usually repeat a listing byte for byte: fold and hash each raw form once
    digests: dict[tuple[str, tuple[object, ...]], str] = {}
    for listing in listings:
        raw = (listing.site, listing.values())
        digest = digests.get(raw)
        if digest is None:
            content = canonical(listing)
            digest = digests[raw] = fingerprint(key, "listing", listing.site, content)
            if digest not in groups:
                groups[digest] = CopyGroup(digest, listing, identity(secret, listing.site, content))
                continue
        groups[digest].hits += 1
    return list(groups.values())
