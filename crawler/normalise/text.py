"""Folding stated text into lookup keys, shared by the runtime and the data build.

Ads write the same name many ways ("Göteborg", "GÖTEBORG", "Goteborg", "Goeteborg"),
so every lookup compares folded keys: NFKC, case-folded, diacritics removed,
punctuation as spaces. The German-style transliteration (ö -> oe) is a second key,
added at index time, so "Malmoe" and "Malmo" both find Malmö.
"""

from __future__ import annotations

import re
import unicodedata

_PUNCT = re.compile(r"[\s\-_.,·•:;!?\"'`´’*#~=|\\/()\[\]{}<>+&]+")
# letters that NFD does not decompose
_SPECIAL = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ð": "d", "þ": "th",
                          "ł": "l", "đ": "d", "ı": "i"})
_TRANSLIT = str.maketrans({"ö": "oe", "ä": "ae", "å": "aa", "ü": "ue", "ø": "oe",
                           "æ": "ae"})


def clean(text: str) -> str:
    """NFKC, case-folded, whitespace collapsed, control characters dropped; diacritics
    kept. (A NUL reached langcodes' trie as a corrupt key: found by the property test.)"""
    text = unicodedata.normalize("NFKC", text).casefold()
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split())


def spaced(text: str) -> str:
    """clean, with punctuation as single spaces ("Upplands-Bro" -> "upplands bro")."""
    return " ".join(_PUNCT.sub(" ", clean(text)).split())


def fold(text: str) -> str:
    """The lookup key: spaced, without diacritics; keeps the number of words."""
    text = spaced(text).translate(_SPECIAL)
    return "".join(ch for ch in unicodedata.normalize("NFD", text)
                   if not unicodedata.combining(ch))


def keys(name: str) -> set[str]:
    """Every key a name is found under: its fold and its transliterated fold."""
    return {k for k in (fold(name), fold(clean(name).translate(_TRANSLIT))) if k}


def has_letter(text: str) -> bool:
    return any(ch.isalpha() for ch in text)
