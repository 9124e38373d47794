"""Stated gender and age -> codebook categories."""

from __future__ import annotations

import re

UNKNOWN = "unknown"

_GENDER = {
    "woman": ("kvinna", "woman", "female", "tjej", "girl", "lady", "dam", "f"),
    "man": ("man", "male", "kille", "guy", "herr", "m"),
    "trans": ("trans", "ts", "tv", "ts/tv", "transsexual", "transgender", "shemale"),
    "couple": ("par", "couple", "pair"),
}
_GENDER_LOOKUP = {word: category for category, words in _GENDER.items() for word in words}

AGE_BANDS = ((18, 24, "18-24"), (25, 29, "25-29"), (30, 39, "30-39"), (40, 49, "40-49"))
UNDER_18 = "under-18"


def gender(stated: str | None) -> str:
    if not stated:
        return UNKNOWN
    key = " ".join(stated.casefold().split())
    if key in _GENDER_LOOKUP:
        return _GENDER_LOOKUP[key]
    if key.startswith("trans"):
        return "trans"
    return UNKNOWN


_AGE = re.compile(r"\d{1,3}")


def age_band(stated: str | None) -> str:
    if not stated:
        return UNKNOWN
    match = _AGE.search(stated)
    if match is None:
        return UNKNOWN
    age = int(match.group())
    if age < 18:
        # never dropped: counted apart for the county coordinators
        return UNDER_18 if age >= 10 else UNKNOWN
    for low, high, band in AGE_BANDS:
        if low <= age <= high:
            return band
    return "50+" if age <= 99 else UNKNOWN
