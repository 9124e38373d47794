"""Stated locality -> locality category.

Walking-skeleton rule: the stated name, cleaned (whitespace, NFC, capitalisation),
so "  göteborg " and "Göteborg" count together. Resolution to ort, kommun and län
with the reference data is its own stage (issue: normalisation).
"""

from __future__ import annotations

import unicodedata

UNKNOWN = "unknown"


def locality(stated: str | None) -> str:
    if not stated:
        return UNKNOWN
    text = " ".join(unicodedata.normalize("NFC", stated).split())
    if not text or not any(ch.isalpha() for ch in text):
        return UNKNOWN
    return text[:1].upper() + text[1:]
