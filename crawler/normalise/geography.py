"""Stated locality -> ort -> kommun -> län, or "abroad", or "unknown".

Reference data lives in data/ (see data/README.md). Resolution, in order, for each part
of the stated text ("Solna, Stockholm" has two): exact name with Swedish letters,
folded name (ASCII, "oe" forms), single words, then a fuzzy match for misspellings.
A Swedish name wins over a foreign one; a name several places share is "unknown",
never a guess, unless exactly one of them is a kommun's central ort.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from rapidfuzz import fuzz, process

from crawler.normalise.countries import country as country_name
from crawler.normalise.text import fold, has_letter, keys, spaced
from crawler.records import county_scope

UNKNOWN = "unknown"
ABROAD = "abroad"
SWEDEN = "SE"
DATA = Path(__file__).resolve().parent / "data"

# rapidfuzz's ratio counts a wrong letter as two edits. Tested in
# tests/test_normalise_geography.py: a missing or extra letter scores 89-95
# ("Sundsval"), a swapped pair in an 8-letter name 87.5 ("Götebrog"), a wrong letter
# in a 10-letter name 90 ("Sollentona"); a wrong letter in a 6-letter name (83) and
# unrelated names of similar shape stay below.
FUZZY_THRESHOLD = 85
FUZZY_MIN_LENGTH = 6
# Fuzzy candidates are the places ads name often: central orter and towns >= 10,000,
# so a tiny village cannot absorb a misspelt city.
FUZZY_MIN_POPULATION = 10_000

# Place names that are also everyday words: counted when they are the whole part
# ("Mark"), never when found as one word inside a longer text ("mark" in a sentence).
WORD_LIKE = frozenset({"mark", "berg", "vara", "nora", "kil", "sala", "mora", "ale", "eda",
                       "bro", "ed", "hova", "vik", "as", "by", "lit", "tun", "norr", "soder",
                       "haga", "nol"})
_PARTS = re.compile(r"\s*(?:[,/;|&+()\[\]]|\s-\s|\boch\b|\band\b|\beller\b|\bor\b)\s*",
                    re.IGNORECASE)
_PREFIX = re.compile(r"^(?:i|in|near|nara|runt|around|centrala|central|downtown|city|"
                     r"centre of|center of|centrum|utanfor|outside|omkring)\s+")
_SUFFIX = re.compile(r"\s+(?:c|city|centrum|center|centre|central|centralen|innerstad|"
                     r"downtown|area|omradet|omnejd|med omnejd|och omnejd|tatort|"
                     r"kommun|stad|municipality|sweden|sverige)$")


class Place(NamedTuple):
    locality: str  # ort name, "abroad" or "unknown"
    kommun: str  # kommunkod, "abroad" or "unknown"
    county: str  # ISO 3166-2 code of the län ("SE-AB"), "abroad" or "unknown"
    country: str  # ISO 3166-1 alpha-2 ("SE" for Swedish places) or "unknown"


UNKNOWN_PLACE = Place(UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN)


def _read(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# --- reference data --------------------------------------------------------------------

LAN = {r["lanskod"]: (r["iso"], r["lan"]) for r in _read("lan.csv")}
COUNTY_BY_LANSKOD = {kod: iso for kod, (iso, _) in LAN.items()}
KOMMUNER = {r["kommunkod"]: (r["kommun"], r["centralort"]) for r in _read("kommuner.csv")}
_ORTER = _read("orter.csv")
ORTER = {r["ort"]: r["kommunkod"] for r in _ORTER}
POPULATION = {r["ort"]: int(r["population"]) for r in _ORTER}
CENTRAL_ORTER = frozenset(seat for _, seat in KOMMUNER.values())


@dataclass(frozen=True, slots=True)
class County:
    """A län: the county scope's key, SCB's code and the name a person reads."""

    iso: str  # ISO 3166-2, "SE-O": the county scope's key
    code: str  # SCB länskod, "14"
    name: str  # "Västra Götalands län"

    @property
    def scope(self) -> str:
        return county_scope(self.iso)


# the 21 län in SCB's order (by länskod), as reports list them
COUNTIES = tuple(sorted((County(iso, code, name) for code, (iso, name) in LAN.items()),
                        key=lambda c: c.code))
# their ISO codes in alphabetical order, as the codebook and the exports list them
COUNTY_ISO_CODES = tuple(sorted(c.iso for c in COUNTIES))


def county_of(kommunkod: str) -> str:
    return COUNTY_BY_LANSKOD[kommunkod[:2]]


# the largest ort of each län: "Solna, Stockholm" reads as Solna in the Stockholm area
PRINCIPAL = {county: max((o for o, k in ORTER.items() if county_of(k) == county),
                         key=lambda o: POPULATION[o]) for county in COUNTY_ISO_CODES}


# --- the name index --------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Target:
    kind: str  # "ort", "county", "abroad", "country", "ambiguous"
    value: str = ""


def _bare(ort: str) -> str:
    return ort.split(" (")[0]


def _build_index() -> tuple[dict[str, set[_Target]], dict[str, set[_Target]]]:
    exact: dict[str, set[_Target]] = defaultdict(set)
    folded: dict[str, set[_Target]] = defaultdict(set)

    def add(name: str, target: _Target) -> None:
        exact[spaced(name)].add(target)
        for key in keys(name):
            folded[key].add(target)

    for ort in ORTER:
        add(_bare(ort), _Target("ort", ort))
        if ort != _bare(ort):
            add(ort, _Target("ort", ort))
    for name, seat in KOMMUNER.values():
        add(name, _Target("ort", seat))  # a kommun's name counts as its central ort
    for r in _read("ortnamn.csv"):
        add(r["namn"], _Target("ort", r["ort"]))
    for iso, name in LAN.values():
        add(name, _Target("county", iso))
        stem = re.sub(r"s? län$", "", name)
        add(f"{stem} county", _Target("county", iso))
        add(f"region {stem}", _Target("county", iso))
    for r in _read("aliases.csv"):
        kind, _, value = r["target"].partition(":")
        add(r["namn"], _Target(kind, value) if value else
            _Target("ambiguous") if kind == "ambiguous" else _Target("ort", kind))
    return exact, folded


_EXACT, _FOLDED = _build_index()
_ABROAD: dict[str, set[str]] = defaultdict(set)
for _row in _read("utland.csv"):
    for _key in keys(_row["namn"]):
        _ABROAD[_key].add(_row["country"])



def _fuzzy_choices() -> dict[str, set[_Target]]:
    """Folded names of central orter and towns >= FUZZY_MIN_POPULATION; typed
    abbreviations ("Stkhlm") are left out, they are too short to misspell reliably."""
    def wanted(ort: str) -> bool:
        return ort in CENTRAL_ORTER or POPULATION.get(ort, 0) >= FUZZY_MIN_POPULATION

    names = [(ort, ort) for ort in ORTER] + [(name, seat) for name, seat in KOMMUNER.values()]
    names += [(r["namn"], r["ort"]) for r in _read("ortnamn.csv")]
    choices: dict[str, set[_Target]] = defaultdict(set)
    for name, ort in names:
        if wanted(ort):
            for key in keys(_bare(name)):
                if len(key) >= FUZZY_MIN_LENGTH - 1:
                    choices[key].add(_Target("ort", ort))
    return choices


_FUZZY_CHOICES = _fuzzy_choices()
_FUZZY_KEYS = list(_FUZZY_CHOICES)


# --- resolution ------------------------------------------------------------------------

def _pick(targets: set[_Target]) -> set[_Target]:
    """One target, or several when the name is ambiguous; Swedish beats foreign."""
    swedish = {t for t in targets if t.kind in ("ort", "county", "ambiguous")}
    if any(t.kind == "ambiguous" for t in swedish):
        return {_Target("ambiguous")}
    orter = {t for t in swedish if t.kind == "ort"}
    if len(orter) > 1:
        seats = {t for t in orter if t.value in CENTRAL_ORTER}
        return seats if len(seats) == 1 else {_Target("ambiguous")}
    return orter or swedish or targets


def _lookup(text: str) -> set[_Target]:
    """``text`` is spaced(); exact spelling first, then the folded key."""
    found = _EXACT.get(text)
    if found:
        return _pick(found)
    key = fold(text)
    found = _FOLDED.get(key)
    if found:
        return _pick(found)
    if key in _ABROAD:
        return {_Target("abroad", cc) for cc in _ABROAD[key]}
    cc = country_name(key)
    if cc:
        return {_Target("country", cc)}
    return set()


def _strip(text: str) -> tuple[str, bool]:
    """Drop "i", "centrum", "C", "kommun"... from spaced text; True when a kommun or
    stad suffix went (then "Göteborgs" may be a genitive)."""
    genitive = False
    while True:
        before = text
        m = _PREFIX.match(fold(text))
        if m:
            text = " ".join(text.split()[len(m.group(0).split()):])
        m = _SUFFIX.search(fold(text))
        if m:
            genitive = genitive or m.group(0).strip() in ("kommun", "stad", "municipality")
            words = text.split()
            text = " ".join(words[:len(words) - len(m.group(0).split())])
        if text == before or not text:
            return text, genitive


def _resolve_part(part: str) -> set[_Target]:
    text, genitive = _strip(spaced(part))
    if not text or not has_letter(text):
        return set()
    found = _lookup(text)
    if not found and genitive and text.endswith("s"):
        found = _lookup(text[:-1])  # "Göteborgs kommun", "Stockholms stad"
    if found:
        return found
    words = fold(text).split()
    if len(words) > 1:
        # "Stockholm Södermalm", "Escort Stockholm": whole words or word pairs only
        hits = set()
        for n in (3, 2, 1):
            for i in range(len(words) - n + 1):
                gram = " ".join(words[i:i + n])
                if n == 1 and (gram in WORD_LIKE or len(gram) < 3):
                    continue
                hits |= _lookup(gram)
        return hits
    return _fuzzy(fold(text))


def _fuzzy(key: str) -> set[_Target]:
    if len(key) < FUZZY_MIN_LENGTH:
        return set()
    matches = process.extract(key, _FUZZY_KEYS, scorer=fuzz.ratio,
                              score_cutoff=FUZZY_THRESHOLD, limit=8)
    if not matches:
        return set()
    best = matches[0][1]
    # near-ties between different places are ambiguous, not a coin toss
    targets = set().union(*(_FUZZY_CHOICES[k] for k, score, _ in matches if score >= best - 3))
    return targets if len(targets) == 1 else {_Target("ambiguous")}


def _swedish(ort: str) -> Place:
    kommun = ORTER[ort]
    return Place(ort, kommun, county_of(kommun), SWEDEN)


def _combine(parts: list[set[_Target]]) -> Place:
    targets = [t for part in parts for t in part]
    orter = list(dict.fromkeys(t.value for t in targets if t.kind == "ort"))
    counties = {t.value for t in targets if t.kind == "county"}
    countries = {t.value for t in targets if t.kind == "country"}
    abroad = [{t.value for t in part if t.kind == "abroad"} for part in parts]
    abroad = [ccs for ccs in abroad if ccs]
    ambiguous = any(t.kind == "ambiguous" for t in targets)
    foreign = countries - {SWEDEN}

    if orter:
        if abroad or foreign:
            return UNKNOWN_PLACE  # a Swedish and a foreign place: which one?
        first = county_of(ORTER[orter[0]])
        # a later part naming the first one's län or its largest ort only qualifies it
        orter = [o for i, o in enumerate(orter) if i == 0 or o != PRINCIPAL[first]]
        kommuner = {ORTER[o] for o in orter}
        places_counties = {county_of(k) for k in kommuner} | counties
        if len(orter) == 1 and not ambiguous and places_counties == {first}:
            return _swedish(orter[0])
        county = places_counties.pop() if len(places_counties) == 1 else UNKNOWN
        kommun = kommuner.pop() if len(kommuner) == 1 and not ambiguous else UNKNOWN
        return Place(UNKNOWN, kommun, county, SWEDEN)
    if ambiguous:
        return UNKNOWN_PLACE
    if counties:
        if abroad or foreign or len(counties) > 1:
            return UNKNOWN_PLACE
        return Place(UNKNOWN, UNKNOWN, counties.pop(), SWEDEN)
    if abroad or foreign:
        if SWEDEN in countries:
            return UNKNOWN_PLACE  # "Oslo, Sweden"
        candidates = set.intersection(*abroad) if abroad else set(foreign)
        if foreign:
            candidates &= foreign
        cc = candidates.pop() if len(candidates) == 1 else UNKNOWN
        return Place(ABROAD, ABROAD, ABROAD, cc)
    if countries == {SWEDEN}:
        return Place(UNKNOWN, UNKNOWN, UNKNOWN, SWEDEN)
    return UNKNOWN_PLACE


@lru_cache(maxsize=16384)
def place(stated: str | None) -> Place:
    """Resolve a stated locality; never raises, returns codebook categories only."""
    if not stated or not has_letter(stated):
        return UNKNOWN_PLACE
    stated = stated[:200]  # a locality field longer than this is text, not a place
    whole = _lookup(spaced(stated))  # names with brackets or "och" in them
    if whole:
        return _combine([whole])
    parts = [found for part in _PARTS.split(stated) if part and has_letter(part)
             for found in [_resolve_part(part)] if found]
    return _combine(parts) if parts else UNKNOWN_PLACE


def locality(stated: str | None) -> str:
    return place(stated).locality
