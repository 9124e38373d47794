"""A län as a person names it: "Västra Götalands län", "Västra Götaland", "14", "SE-O"
or "O". The reference data is the normalisation's (crawler/normalise/data/lan.csv)."""

from __future__ import annotations

import unicodedata

from rapidfuzz import process

from crawler.errors import AdcensusError
from crawler.normalise.geography import COUNTIES, County


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def _names(county: County) -> set[str]:
    bare = county.name.removesuffix(" län")
    # "Västra Götalands" -> "Västra Götaland"; "Skåne" has no genitive s to drop
    stem = bare[:-1] if bare.endswith("s") and not bare.endswith("ss") else bare
    return {_fold(n) for n in (county.name, bare, stem, county.iso, county.iso[3:], county.code,
                               str(int(county.code)))}


_BY_NAME = {name: county for county in COUNTIES for name in _names(county)}


def resolve(text: str) -> County:
    """The län ``text`` names, or an error that lists the closest names."""
    found = _BY_NAME.get(_fold(text))
    if found:
        return found
    close = process.extract(_fold(text), [_fold(c.name) for c in COUNTIES], limit=3,
                            score_cutoff=60)
    hint = (f"; did you mean {', '.join(repr(COUNTIES[i].name) for _, _, i in close)}?"
            if close else "")
    raise AdcensusError(f"unknown län {text!r}: give its name (\"Västra Götalands län\"), "
                        f"its länskod (\"14\") or its ISO 3166-2 code (\"SE-O\"){hint}")
