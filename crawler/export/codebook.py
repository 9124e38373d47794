"""codebook.csv: every column of the exported tables with its type, meaning and allowed
values, and every breakdown with its categories and their source.

The categories come from the normaliser's own codebook (crawler/normalise/codebook.py),
so the export lists exactly what a count can be broken down into, never a typed copy.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pycountry

from crawler.export.columns import (
    INDICATOR_COLUMNS,
    RUN_COLUMNS,
    STRING,
    Column,
)
from crawler.normalise import geography
from crawler.normalise.codebook import CODEBOOK
from crawler.normalise.countries import MULTIPLE, OTHER, REGIONS
from crawler.normalise.person import UNDER_18
from crawler.records import COUNTY_PREFIX, SCOPE_ALL
from crawler.vocabulary import (
    BREAKDOWNS,
    INTERNAL_BREAKDOWNS,
    PUBLISHED_STATES,
    SITE_KINDS,
    Breakdown,
    CellState,
)

CODEBOOK_COLUMNS = (
    Column("kind", STRING, "what the row describes",
           "file | column | value | breakdown | category"),
    Column("table", STRING, "the exported table (indicators or runs)"),
    Column("column", STRING, "the column described, or whose value or category is described"),
    Column("breakdown", STRING, "for a category: its breakdown"),
    Column("value", STRING, "the value, breakdown or category described"),
    Column("type", STRING, "a column's type", "string | timestamp | integer | boolean | number"),
    Column("meaning", STRING, "what it means"),
    Column("source", STRING, "where a breakdown's categories come from"),
)

LEVEL_MEANINGS = {
    "hits": "items seen on list or detail pages, before any consolidation",
    "unique": "unique listings: exact content copies on one site counted once (the 2020 "
              "definition)",
    "distinct": "distinct listings: near-duplicates on one site merged as well",
    "advertisers": "listings linked by a shared contact or near-duplicate text, on any site, "
                   "counted once, in one locality. Advertisers are not people",
}
MEASURE_MEANINGS = {
    "count": "counted in the snapshot",
    "new_vs_baseline": "counted now and not in the window's baseline (its first snapshot)",
    "still_vs_baseline": "counted now and in the baseline (a distinct listing or advertiser "
                         "also when it is there as an edited repost)",
    "gone_vs_baseline": "in the baseline and not seen now (totals only)",
    "new_vs_previous": "counted now and not in the previous snapshot of the window",
    "still_vs_previous": "counted now and in the previous snapshot (a distinct listing or "
                         "advertiser also when it is there as an edited repost)",
    "gone_vs_previous": "in the previous snapshot and not seen now (totals only)",
    **{f"{flow}_vs_{against}": f"unique listings new against the {against} snapshot that {what}"
       for against in ("baseline", "previous") for flow, what in (
           ("reposted", "continue one of its listings (an edited repost)"),
           ("edited", "continue one of its listings of the same site and locality"),
           ("moved_locality", "continue one of its listings of the same site only in "
                              "another locality"),
           ("moved_site", "continue one of its listings on another site only"))},
}
SCOPE_KIND_MEANINGS = {
    "all": "every site together; a listing or advertiser counted once",
    "site": "one site",
    "county": "every site's listings whose stated locality lies in one län",
}
SITE_KIND_MEANINGS = {
    "ad_board": "ad board (annonssajt)",
    "profile_directory": "escort profile directory",
    "sugardating": "sugardating site",
}
# breakdown -> (the normaliser's variable, what it is); None: not a normalised variable
DESCRIBED: dict[str, tuple[str | None, str]] = {
    "total": (None, "no breakdown: the scope's total (category total)"),
    "site": (None, "the site (an advertiser: its home listing's site)"),
    "site_kind": (None, "the site's kind"),
    "locality": ("locality", "the stated place resolved to a Swedish ort; abroad; unknown"),
    "kommun": ("kommun", "the ort's kommun (SCB kommunkod)"),
    "county": ("county", "the kommun's län (ISO 3166-2:SE)"),
    "country": ("country", "the locality's country (ISO 3166-1 alpha-2)"),
    "language": ("languages", "each stated language (ISO 639-1); several per listing, so "
                 "categories add up past the total"),
    "gender": ("gender", "the stated gender"),
    "gender_detail": ("gender_detail", "trans sub-label, for listings that state one (a "
                      "subset: does not add up to the total)"),
    "age_band": ("age_band", "the stated age in bands; under-18 is a flagged indicator"),
    "orientation": ("orientation", "the stated sexual orientation"),
    "nationality": ("nationality", "the stated nationality: a country, a region, multiple"),
    "ethnicity": ("ethnicity", "the stated ethnicity label"),
    Breakdown.REACH: (None, "advertisers only: in how many known localities the advertiser "
                            "advertises"),
}
# where the breakdowns that are not normalised variables come from
OWN_SOURCES = {
    "total": "the scope's units",
    "site": "the site definitions (sites/*.yaml)",
    "site_kind": "the site definitions (kind)",
    Breakdown.REACH: "the advertisers' unique listings' localities (docs/METHOD.md)",
}
REACH_CATEGORIES = ("1", "2", "3", "4+", geography.UNKNOWN)
UNKNOWN_MEANING = "not stated, or not resolvable without guessing"


def codebook_rows(sites: dict[str, str]) -> list[tuple[str, ...]]:
    """``sites``: site name -> kind, for the site breakdown and the scopes."""
    rows: list[tuple[str, ...]] = []
    for name, meaning in (("indicators", "one row per snapshot, scope, level, measure, "
                           "breakdown and category"),
                          ("runs", "one row per snapshot and site: what the crawl did")):
        rows.append(("file", name, "", "", name, "", meaning, ""))
    for table, columns in (("indicators", INDICATOR_COLUMNS), ("runs", RUN_COLUMNS)):
        for c in columns:
            allowed = f"; allowed: {c.allowed}" if c.allowed else ""
            empty = "; may be empty" if c.nullable else ""
            rows.append(("column", table, c.name, "", "", c.type, c.meaning + allowed + empty, ""))
    rows += _values("scope_kind", SCOPE_KIND_MEANINGS)
    rows += _values("level", LEVEL_MEANINGS)
    rows += _values("measure", MEASURE_MEANINGS)
    rows += _values("protection", _protection_meanings())
    rows += _values("shown", _marker_meanings())
    rows += _values("scope", dict(_scopes(sites)))
    for breakdown, (variable, meaning) in DESCRIBED.items():
        source = CODEBOOK[variable].source if variable else OWN_SOURCES[breakdown]
        if variable:
            meaning = f"{meaning}. Compares with 2020: {CODEBOOK[variable].in_2020}"
        rows.append(("breakdown", "indicators", "breakdown", "", breakdown, "", meaning, source))
        for category in categories(breakdown, sites):
            rows.append(("category", "indicators", "category", breakdown, category, "",
                         label(breakdown, category, sites), ""))
    assert set(DESCRIBED) == set(BREAKDOWNS) - INTERNAL_BREAKDOWNS, "every breakdown described"
    return rows


def categories(breakdown: str, sites: dict[str, str]) -> Sequence[str]:
    variable = DESCRIBED[breakdown][0]
    if variable:
        # "" is gender_detail's "no sub-label": such a listing is not counted there
        return [c for c in CODEBOOK[variable].categories if c]
    return {"total": ("total",), "site": sorted(sites), "site_kind": SITE_KINDS,
            Breakdown.REACH: REACH_CATEGORIES}[breakdown]


def label(breakdown: str, category: str, sites: dict[str, str]) -> str:
    """What a category is, in words: a kommun's name for its code, and so on."""
    if category == geography.UNKNOWN:
        return UNKNOWN_MEANING
    if category == geography.ABROAD:
        return "a place outside Sweden"
    if breakdown == "locality":
        kommun = geography.ORTER[category]
        return (f"ort in {geography.KOMMUNER[kommun][0]} kommun ({kommun}), "
                f"{_lan(geography.county_of(kommun))}")
    if breakdown == "kommun":
        return f"{geography.KOMMUNER[category][0]} kommun, {_lan(geography.county_of(category))}"
    if breakdown == "county":
        return _lan(category)
    if breakdown in ("country", "nationality"):
        if category in REGIONS:
            return f"region: {category}"
        if category in (MULTIPLE, OTHER):
            return {MULTIPLE: "more than one stated", OTHER: "stated, outside the list"}[category]
        country = pycountry.countries.get(alpha_2=category)
        return country.name if country else category
    if breakdown == "language":
        language = pycountry.languages.get(alpha_2=category)
        return language.name if language else category
    if breakdown == "age_band" and category == UNDER_18:
        return ("a stated age of 10-17: published as a flag (present or not, exact), never "
                "dropped or perturbed")
    if breakdown == "site":
        return f"a site ({sites.get(category, '')})"
    if breakdown == "site_kind":
        return SITE_KIND_MEANINGS.get(category, category)
    if breakdown == Breakdown.REACH:
        return f"advertises in {category} known localit{'y' if category == '1' else 'ies'}"
    if breakdown == "total":
        return "the scope's total"
    return category


def _lan(county: str) -> str:
    names = {iso: name for iso, name in geography.LAN.values()}
    return f"{names.get(county, county)} ({county})"


def _scopes(sites: dict[str, str]) -> Iterable[tuple[str, str]]:
    yield SCOPE_ALL, SCOPE_KIND_MEANINGS["all"]
    for site in sorted(sites):
        yield site, f"the site {site} ({sites[site]})"
    for county in geography.COUNTY_ISO_CODES:
        yield COUNTY_PREFIX + county, f"every site's listings in {_lan(county)}"


def _values(column: str, meanings: dict[str, str]) -> list[tuple[str, ...]]:
    return [("value", "indicators", column, "", value, "", meaning, "")
            for value, meaning in meanings.items()]


def _protection_meanings() -> dict[str, str]:
    meanings: dict[str, str] = {
        CellState.PERTURBED: "published with the cell key method's small, fixed noise",
        CellState.FLAG: "a stated age under 18: whether any listing stated one, exactly",
    }
    assert set(meanings) == set(PUBLISHED_STATES)
    return meanings


def _marker_meanings() -> dict[str, str]:
    return {"a number": "the count with its noise (zero stays zero)",
            "present": "a listing stated an age under 18 (value empty)",
            "not present": "no listing stated an age under 18 (value empty)"}
