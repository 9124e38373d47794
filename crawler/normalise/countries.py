"""Country names, demonyms and regions -> ISO 3166-1 alpha-2 codes (or region keys).

Country names come from data/countries.csv (pycountry plus CLDR names in 14 languages,
built by data/build.py) and a few typed short forms (data/country_aliases.csv: "UK");
demonyms and regions are typed in data/demonyms.csv and data/regions.csv, since no
package ships demonyms.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import pycountry

from crawler.normalise.text import fold, has_letter, keys

UNKNOWN = "unknown"
OTHER = "other"
MULTIPLE = "multiple"
DATA = Path(__file__).resolve().parent / "data"
_SPLIT = re.compile(r"\s*(?:,|/|;|\+|&|\(|\)|\band\b|\boch\b|\by\b|\bund\b)\s*", re.IGNORECASE)


def _read(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _unambiguous(pairs: list[tuple[str, str]]) -> dict[str, str]:
    found: dict[str, set[str]] = defaultdict(set)
    for name, code in pairs:
        for key in keys(name):
            found[key].add(code)
    # a name two countries share ("Guinea" prefixes, "Congo") is not resolved
    return {k: next(iter(v)) for k, v in found.items() if len(v) == 1}


ALPHA2 = tuple(sorted(c.alpha_2 for c in pycountry.countries))
COUNTRY_NAMES = _unambiguous([(r["namn"], r["alpha2"])
                              for f in ("countries.csv", "country_aliases.csv")
                              for r in _read(f)])
DEMONYMS = _unambiguous([(r["demonym"], r["alpha2"]) for r in _read("demonyms.csv")])
REGION_NAMES = _unambiguous([(r["namn"], r["region"]) for r in _read("regions.csv")])
REGIONS = tuple(sorted(set(REGION_NAMES.values())))
NATIONALITY_CATEGORIES = (*ALPHA2, *REGIONS, MULTIPLE, OTHER, UNKNOWN)


def country(name: str) -> str | None:
    """A country *name* ("Norge", "Spain", "España") -> alpha-2, else None."""
    return COUNTRY_NAMES.get(fold(name))


@lru_cache(maxsize=4096)
def nationality(stated: str | None) -> str:
    """A stated nationality -> alpha-2, a region key, "multiple", "other" or "unknown"."""
    if not stated or not has_letter(stated):
        return UNKNOWN
    found = set()
    for part in _SPLIT.split(stated):
        key = fold(part)
        if not key:
            continue
        code = DEMONYMS.get(key) or COUNTRY_NAMES.get(key) or REGION_NAMES.get(key)
        if code is None and key.endswith(("a", "o")) and len(key) > 4:
            # Spanish and Italian gender endings: "colombiano" -> "colombiana"
            code = DEMONYMS.get(key[:-1] + ("a" if key.endswith("o") else "o"))
        found.add(code or OTHER)
    known = found - {OTHER}
    if len(known) > 1:
        return MULTIPLE
    if known:
        return known.pop()  # an unrecognised part beside a known one adds nothing
    return OTHER if found else UNKNOWN
