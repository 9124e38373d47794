"""Normalisation: stated values -> codebook categories. Pure core: no Scrapy.

``profile(listing)`` returns only categories (never content), so what leaves this stage
can be counted and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from crawler.listing import Listing
from crawler.normalise.geography import locality
from crawler.normalise.languages import languages
from crawler.normalise.person import age_band, gender

UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Profile:
    """The counted categories of one listing."""

    site: str
    kind: str
    locality: str
    languages: tuple[str, ...]  # ISO 639-1 codes, or ("unknown",)
    gender: str
    age_band: str


def profile(listing: Listing) -> Profile:
    return Profile(
        site=listing.site,
        kind=listing.kind,
        locality=locality(_one(listing.get("locality"))),
        languages=languages(_one(listing.get("languages"))),
        gender=gender(_one(listing.get("gender"))),
        age_band=age_band(_one(listing.get("age"))),
    )


def _one(value: str | tuple[str, ...] | None) -> str | None:
    if isinstance(value, tuple):
        return ", ".join(value)
    return value
