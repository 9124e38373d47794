"""Stated gender, age, orientation and ethnicity -> codebook categories.

Word lists are typed here: they are the codebook's mapping rules (docs/CODEBOOK.md
prints them), and no package knows the labels profile sites use.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from crawler.normalise.text import fold

UNKNOWN = "unknown"
OTHER = "other"

# --- gender ----------------------------------------------------------------------------

GENDERS = ("woman", "man", "trans", "couple", UNKNOWN)
_GENDER_WORDS = {
    "woman": ("kvinna", "kvinnor", "kvinnlig", "woman", "women", "female", "tjej", "tjejer",
              "girl", "lady", "dam", "f", "w", "mujer", "chica", "frau", "femme", "donna",
              "kobieta", "she her"),
    "man": ("man", "män", "manlig", "male", "kille", "killar", "guy", "herr", "m", "hombre",
            "chico", "mann", "homme", "uomo", "mezczyzna", "he him", "gentleman"),
    "couple": ("par", "couple", "pair", "pareja", "paar", "man och kvinna", "kvinna och man",
               "man kvinna", "kvinna man", "mf", "fm", "m f", "f m", "mm", "ff", "tva tjejer",
               "two girls", "duo"),
}
_GENDER = {fold(w): g for g, words in _GENDER_WORDS.items() for w in words}

# Trans and crossdressing labels as sites state them, as neutral keys. The 2020 mapping
# counted eleven; the first four are its most common ones, in its order.
GENDER_DETAILS = ("trans-ts-tv", "transsexual-pre-op", "shemale", "ts-tv", "transsexual",
                  "transsexual-post-op", "transgender", "trans-woman", "trans-man", "ts",
                  "tv", "crossdresser", "ladyboy", "non-binary")
_TRANS_LABELS = {
    "trans ts tv": "trans-ts-tv", "trans tv ts": "trans-ts-tv",
    "transsexuell pre op": "transsexual-pre-op", "transsexual pre op": "transsexual-pre-op",
    "pre op": "transsexual-pre-op", "preop": "transsexual-pre-op",
    "ts pre op": "transsexual-pre-op",
    "transsexuell post op": "transsexual-post-op", "transsexual post op": "transsexual-post-op",
    "post op": "transsexual-post-op", "postop": "transsexual-post-op",
    "ts post op": "transsexual-post-op",
    "shemale": "shemale", "she male": "shemale",
    "ts tv": "ts-tv", "tv ts": "ts-tv", "ts/tv": "ts-tv",
    "transsexuell": "transsexual", "transsexual": "transsexual", "transexual": "transsexual",
    "transsexuel": "transsexual",
    "transgender": "transgender", "transperson": "transgender", "trans person": "transgender",
    "transkvinna": "trans-woman", "trans kvinna": "trans-woman", "trans woman": "trans-woman",
    "transwoman": "trans-woman", "mtf": "trans-woman", "trans female": "trans-woman",
    "transman": "trans-man", "trans man": "trans-man", "ftm": "trans-man",
    "trans male": "trans-man",
    "ts": "ts", "tgirl": "ts", "t girl": "ts",
    "tv": "tv", "transvestit": "tv", "transvestite": "tv",
    "crossdresser": "crossdresser", "cross dresser": "crossdresser", "cd": "crossdresser",
    "crossdressing": "crossdresser",
    "ladyboy": "ladyboy", "lady boy": "ladyboy",
    "ickebinar": "non-binary", "icke binar": "non-binary", "non binary": "non-binary",
    "nonbinary": "non-binary", "enby": "non-binary",
    "trans": "",
}


class Gender(NamedTuple):
    gender: str
    detail: str  # a GENDER_DETAILS key for trans, else ""


@lru_cache(maxsize=4096)
def gender_of(stated: str | None) -> Gender:
    if not stated:
        return Gender(UNKNOWN, "")
    key = fold(stated)
    if key in _GENDER:
        return Gender(_GENDER[key], "")
    if key in _TRANS_LABELS:
        return Gender("trans", _TRANS_LABELS[key])
    if key.startswith("trans"):
        # "trans (TS/TV)", "Trans - pre-op": the words after "trans" name the sub-label
        rest = key.removeprefix("trans").strip()
        detail = _TRANS_LABELS.get(f"trans {rest}") or _TRANS_LABELS.get(rest, "")
        return Gender("trans", detail)
    return Gender(UNKNOWN, "")


def gender(stated: str | None) -> str:
    return gender_of(stated).gender


# --- age -------------------------------------------------------------------------------

UNDER_18 = "under-18"
AGE_BANDS = ("18-24", "25-29", "30-39", "40-49", "50+", UNDER_18, UNKNOWN)
_BANDS = ((18, 24, "18-24"), (25, 29, "25-29"), (30, 39, "30-39"), (40, 49, "40-49"),
          (50, 99, "50+"))
_NUMBER = re.compile(r"(?<!\d)(\d{1,4})(?!\d)")
_RANGE = re.compile(r"(?<!\d)\d{1,3}\s*(?:-|–|to|till)\s*\d{1,3}(?!\d)")
MIN_AGE = 10  # a smaller number in an age field is not an age ("5" stars, "1" hour)
MAX_AGE = 99


class Age(NamedTuple):
    age: int | None
    band: str
    under_18: bool


@lru_cache(maxsize=4096)
def age_of(stated: str | None) -> Age:
    """One stated age -> (years, band, flag). A range or several numbers is unknown:
    "20-25" could be either band."""
    if not stated or _RANGE.search(stated):
        return Age(None, UNKNOWN, False)
    numbers = _NUMBER.findall(stated)
    if len(numbers) != 1:
        return Age(None, UNKNOWN, False)
    age = int(numbers[0])
    if age < MIN_AGE or age > MAX_AGE:
        return Age(None, UNKNOWN, False)
    if age < 18:
        # never dropped: counted in its own flagged category for the county coordinators
        return Age(age, UNDER_18, True)
    band = next(b for low, high, b in _BANDS if low <= age <= high)
    return Age(age, band, False)


def age_band(stated: str | None) -> str:
    return age_of(stated).band


# --- orientation -----------------------------------------------------------------------

ORIENTATIONS = ("heterosexual", "bisexual", "homosexual", OTHER, UNKNOWN)
_ORIENTATION_WORDS = {
    "heterosexual": ("heterosexual", "heterosexuell", "hetero", "straight", "heterosexuel",
                     "heterosexuelle", "heterosexuale"),
    "bisexual": ("bisexual", "bisexuell", "bi", "bisexuel", "bisexuelle", "bi curious",
                 "bi nyfiken", "bicurious", "bisessuale"),
    "homosexual": ("homosexual", "homosexuell", "homo", "gay", "lesbian", "lesbisk",
                   "lesbienne", "lesbiana", "gay lesbian", "bog", "homosexuel"),
    OTHER: ("pansexual", "pansexuell", "queer", "asexual", "asexuell", "fluid",
            "sexually fluid"),
}
_ORIENTATION = {fold(w): o for o, words in _ORIENTATION_WORDS.items() for w in words}


@lru_cache(maxsize=1024)
def orientation(stated: str | None) -> str:
    if not stated:
        return UNKNOWN
    key = fold(stated)
    if not key:
        return UNKNOWN
    return _ORIENTATION.get(key, _ORIENTATION.get(key.split()[0], UNKNOWN))


# --- ethnicity -------------------------------------------------------------------------

# The labels profile sites offer; the 2020 mapping reported 28, its most common first.
ETHNICITIES = (
    "european", "white", "european-white", "latin", "caucasian", "caucasian-white",
    "asian", "ebony", "ebony-black", "mixed", "coloured",
    "black", "african", "arab", "middle-eastern", "indian", "south-asian", "mediterranean",
    "nordic", "scandinavian", "slavic", "eastern-european", "hispanic", "oriental",
    "exotic", "mulatto", "brown", "native-american", OTHER, UNKNOWN)
_ETHNICITY_SYNONYMS = {
    "latina": "latin", "latino": "latin", "latin american": "latin",
    "latinamerikansk": "latin", "europeisk": "european", "vit": "white",
    "kaukasisk": "caucasian", "asiatisk": "asian", "svart": "black",
    "afrikansk": "african", "arabisk": "arab", "mellanostern": "middle-eastern",
    "middle east": "middle-eastern", "mixad": "mixed", "blandad": "mixed",
    "mixed race": "mixed", "mix": "mixed", "multiracial": "mixed", "colored": "coloured",
    "nordisk": "nordic", "skandinavisk": "scandinavian", "slavisk": "slavic",
    "east european": "eastern-european", "osteuropeisk": "eastern-european",
    "indisk": "indian", "hispanic latina": "hispanic", "medelhavs": "mediterranean",
    "mulatta": "mulatto", "native american": "native-american",
}


@lru_cache(maxsize=1024)
def ethnicity(stated: str | None) -> str:
    """Labels as stated, as keys: "European / White" -> "european-white"."""
    if not stated:
        return UNKNOWN
    key = fold(stated)
    if not key:
        return UNKNOWN
    key = _ETHNICITY_SYNONYMS.get(key, key)
    words = [_ETHNICITY_SYNONYMS.get(w, w) for w in key.replace("-", " ").split()]
    for candidate in (key.replace(" ", "-"), "-".join(words), "-".join(dict.fromkeys(words))):
        if candidate in ETHNICITIES:
            return candidate
    return OTHER
