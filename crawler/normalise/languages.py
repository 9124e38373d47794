"""Stated languages -> ISO 639-1 codes, from names in any language langcodes knows."""

from __future__ import annotations

import re
from functools import lru_cache

import langcodes

UNKNOWN = "unknown"
_SPLIT = re.compile(r"\s*(?:,|/|;|\+|&|\band\b|\boch\b|\by\b|\bund\b|\bet\b)\s*", re.IGNORECASE)


def languages(stated: str | None) -> tuple[str, ...]:
    if not stated:
        return (UNKNOWN,)
    codes = {code for part in _SPLIT.split(stated) if (code := language(part)) != UNKNOWN}
    return tuple(sorted(codes)) or (UNKNOWN,)


@lru_cache(maxsize=4096)
def language(name: str) -> str:
    name = name.strip().strip(".").strip()
    if len(name) < 2:
        return UNKNOWN
    try:
        tag = langcodes.find(name)
    except LookupError:
        return UNKNOWN
    # only plain languages with a two-letter code: "eng" or "Chinese (Taiwan)" map fine,
    # anything langcodes cannot reduce to ISO 639-1 is not a category of the codebook
    code = tag.language or ""
    return code if len(code) == 2 else UNKNOWN
