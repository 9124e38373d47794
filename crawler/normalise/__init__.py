"""Normalisation: stated values -> codebook categories. Pure core: no Scrapy.

``profile(listing)`` returns only categories (never content), so what leaves this stage
can be counted and nothing else. The categories are listed in codebook.CODEBOOK and
docs/CODEBOOK.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from crawler.listing import Listing
from crawler.normalise import countries, geography, languages, person

UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Profile:
    """The counted categories of one listing."""

    site: str
    kind: str
    locality: str  # ort name, "abroad" or "unknown"
    languages: tuple[str, ...]  # ISO 639-1 codes, or ("unknown",)
    gender: str  # woman, man, trans, couple, unknown
    age_band: str  # 18-24, 25-29, 30-39, 40-49, 50+, under-18, unknown
    kommun: str = UNKNOWN  # SCB kommunkod ("0180"), "abroad" or "unknown"
    county: str = UNKNOWN  # län as ISO 3166-2 ("SE-AB"), "abroad" or "unknown"
    country: str = UNKNOWN  # ISO 3166-1 alpha-2 of the locality ("SE", "NO") or "unknown"
    gender_detail: str = ""  # trans sub-label key, else ""
    age: int | None = None  # stated years, 10..99
    under_18: bool = False  # a stated age under 18: its own flagged indicator
    orientation: str = UNKNOWN
    nationality: str = UNKNOWN  # ISO 3166-1 alpha-2, a region key, multiple, other, unknown
    ethnicity: str = UNKNOWN


def profile(listing: Listing) -> Profile:
    place = geography.place(_one(listing.get("locality")))
    stated_gender = person.gender_of(_one(listing.get("gender")))
    age = person.age_of(_one(listing.get("age")))
    return Profile(
        site=listing.site,
        kind=listing.kind,
        locality=place.locality,
        languages=languages.stated_languages(listing.get("languages")),
        gender=stated_gender.gender,
        age_band=age.band,
        kommun=place.kommun,
        county=place.county,
        country=place.country,
        gender_detail=stated_gender.detail,
        age=age.age,
        under_18=age.under_18,
        orientation=person.orientation(_one(listing.get("orientation"))),
        nationality=countries.nationality(_one(listing.get("nationality"))),
        ethnicity=person.ethnicity(_one(listing.get("ethnicity"))),
    )


def clear_caches() -> None:
    """Forget the stated strings the lookups cached (they live in memory only; a
    snapshot process may call this when it ends)."""
    for cached in (geography.place, person.gender_of, person.age_of, person.orientation,
                   person.ethnicity, languages.languages, languages.language,
                   countries.nationality):
        cached.cache_clear()


def _one(value: str | tuple[str, ...] | None) -> str | None:
    if isinstance(value, tuple):
        return ", ".join(value)
    return value
