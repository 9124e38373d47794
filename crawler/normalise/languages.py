"""Stated languages -> ISO 639-1 codes, many per listing.

Names in any language CLDR knows come from langcodes (Swedish "engelska", English
"English", the language's own "Español"); codes ("en", "eng", "swe") from its tag
parser. The categories are ISO 639-1 as pycountry lists it.
"""

from __future__ import annotations

import re
from functools import lru_cache

import langcodes
import pycountry

from crawler.normalise.text import fold, spaced

UNKNOWN = "unknown"
ISO_639_1 = tuple(sorted(lang.alpha_2 for lang in pycountry.languages
                         if hasattr(lang, "alpha_2")))
LANGUAGE_CATEGORIES = (*ISO_639_1, UNKNOWN)
_CODES = frozenset(ISO_639_1)
_SPLIT = re.compile(r"\s*(?:,|/|;|\+|&|\||\(|\)|\band\b|\boch\b|\by\b|\bund\b|\bet\b|\be\b)\s*",
                    re.IGNORECASE)
# words around a language name that are not one ("flytande engelska", "basic English")
_FILLER = frozenset({"flytande", "fluent", "lite", "little", "basic", "bra", "good",
                     "god", "native", "modersmal", "perfekt", "perfect", "some", "lite grann",
                     "grundlaggande", "spoken", "talar", "speak", "speaks", "i", "jag",
                     "language", "languages", "sprak", "spraket"})


def stated_languages(stated: str | tuple[str, ...] | None) -> tuple[str, ...]:
    """A languages field, one string or several values (chips, list items): every value
    normalised on its own, the codes of all of them together."""
    if not isinstance(stated, tuple):
        return languages(stated)
    codes = {code for value in stated for code in languages(value) if code != UNKNOWN}
    return tuple(sorted(codes)) or (UNKNOWN,)


@lru_cache(maxsize=4096)
def languages(stated: str | None) -> tuple[str, ...]:
    if not stated:
        return (UNKNOWN,)
    codes = {code for part in _SPLIT.split(stated[:300]) if (code := language(part)) != UNKNOWN}
    return tuple(sorted(codes)) or (UNKNOWN,)


@lru_cache(maxsize=4096)
def language(name: str) -> str:
    """One stated language -> its ISO 639-1 code, or "unknown"."""
    key = spaced(name)  # keeps letters: "Русский" must not lose its breve
    if len(key) < 2:
        return UNKNOWN
    if len(key) <= 3 and key.isascii() and key.isalpha():
        return _code(key)  # "en", "eng", "swe"; langcodes.find would read "en" as a prefix
    code = _named(key)
    if code == UNKNOWN and " " in key:
        words = [w for w in key.split() if fold(w) not in _FILLER]
        if len(words) == 1:
            word = words[0]
            code = _named(word) if len(word) > 3 or not word.isascii() else _code(word)
    return code


def _code(tag: str) -> str:
    try:
        code = langcodes.get(tag).language or ""
    except (LookupError, ValueError):
        return UNKNOWN
    return code if code in _CODES else UNKNOWN


def _named(name: str) -> str:
    try:
        code = langcodes.find(name).language or ""
    except (LookupError, ValueError):  # ValueError: its trie on odd bytes
        return UNKNOWN
    # only plain languages with a two-letter code: anything langcodes cannot reduce to
    # ISO 639-1 is not a category of the codebook
    return code if code in _CODES else UNKNOWN
