"""Normalising 150,000 listings shaped like the 2020 market: wall time and peak memory.

    .venv/bin/python benchmarks/bench_normalise.py
    .venv/bin/python benchmarks/bench_normalise.py --listings 1500000 --unique-share 0.02

The listings are synthetic: 32 sites (5 ad boards, 27 profile sites), ~200 localities
weighted like 2020 (Stockholm ~40 %), each written in the spellings ads use (see
SPELLINGS), languages stated on ~30 %, gender on ~60 %, age on ~40 %, orientation,
nationality and ethnicity on profile sites. A share of values (--unique-share) is made
unique per listing ("Stockholm 4711", misspellings with a random letter) so the caches
miss as they would on real, messy data. The timed part is ``profile(listing)`` for every
listing in a fresh process (cold caches, reference data already imported; the import is
timed apart).
"""

from __future__ import annotations

import argparse
import random
import resource
import string
import sys
import time

LOCALITIES = {
    "Stockholm": 40.0, "Göteborg": 8.0, "Malmö": 6.0, "Helsingborg": 1.5, "Uppsala": 1.2,
    "Örebro": 1.1, "Linköping": 1.0, "Västerås": 1.0, "Norrköping": 0.9, "Jönköping": 0.9,
    "Solna": 0.8, "Umeå": 0.8, "Lund": 0.8, "Gävle": 0.7, "Borås": 0.7, "Sundsvall": 0.6,
}
SPELLINGS = {
    "Stockholm": ("Stockholm", "Sthlm", "STHLM", "Stockholm C", "Stockholm centrum",
                  "stockholm", "Stockholm City", "Stockholm, Sweden", "Södermalm", "Kista",
                  "Stokholm", "i Stockholm"),
    "Göteborg": ("Göteborg", "Gothenburg", "Goteborg", "GBG", "Gbg", "Göteborg C",
                 "Gothenburg, Sweden", "Götebrog"),
    "Malmö": ("Malmö", "Malmo", "Malmö C", "Malmoe", "MALMÖ"),
}
OTHER_PLACES = ("Oslo", "Copenhagen", "Köpenhamn", "Skåne", "Stockholms län", "Nkpg",
                "Incall", "Sverige", "Stockholm/Solna", "Solna, Stockholm", "Berga")
LANGUAGES = ("English", "engelska", "English, Svenska", "Engelska, spanska", "Español",
             "English, Español", "eng", "EN/SV", "Svenska", "English, Deutsch", "Français",
             "Русский, English", "Polski", "Română, English", "ไทย")
GENDERS = ("Kvinna", "Female", "Tjej", "Woman", "Man", "Male", "Kille", "Trans",
           "trans TS/TV", "TS", "Transsexuell (pre-op)", "Shemale", "Par", "Couple")
AGES = tuple(f"{n} år" for n in range(18, 56)) + tuple(str(n) for n in range(18, 56)) + (
    "17", "ung", "20-25")
ORIENTATIONS = ("Heterosexual", "Hetero", "Bisexual", "Bi", "Homosexual", "Gay")
NATIONALITIES = ("Svensk", "Swedish", "Spanish", "Española", "Italian", "Colombian",
                 "Brazilian", "Romanian", "Latina", "Scandinavian", "Thai", "Russian")
ETHNICITIES = ("European", "White", "European/White", "Latin", "Caucasian",
               "Caucasian (White)", "Asian", "Ebony", "Ebony/Black", "Mixed", "Coloured")


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _noisy(rng: random.Random, value: str) -> str:
    # a value seen once: a number added or one letter changed
    if rng.random() < 0.5:
        return f"{value} {rng.randint(1, 99999)}"
    i = rng.randrange(len(value))
    return value[:i] + rng.choice(string.ascii_lowercase) + value[i + 1:]


def make_values(n: int, unique_share: float, seed: int = 2020) -> list[tuple[str, str, dict]]:
    rng = random.Random(seed)
    sites = [(f"board{i}", "ad_board") for i in range(5)] + [
        (f"profiles{i}", "profile_directory") for i in range(27)]
    places = list(LOCALITIES) + ["Kiruna", "Visby", "Falun", "Kalmar", "Växjö", "Luleå",
                                 "Östersund", "Karlstad", "Halmstad", "Eskilstuna"]
    weights = [LOCALITIES.get(p, 0.3) for p in places]
    out = []

    def pick(options, share=1.0):
        if rng.random() >= share:
            return None
        value = rng.choice(options)
        return _noisy(rng, value) if rng.random() < unique_share else value

    for _ in range(n):
        site, kind = rng.choice(sites)
        place = rng.choices(places, weights)[0]
        if rng.random() < 0.05:
            locality = rng.choice(OTHER_PLACES)
        else:
            locality = rng.choice(SPELLINGS.get(place, (place, place.upper())))
        if rng.random() < unique_share:
            locality = _noisy(rng, locality)
        values = {"locality": locality, "languages": pick(LANGUAGES, 0.3),
                  "gender": pick(GENDERS, 0.6), "age": pick(AGES, 0.4)}
        if kind == "profile_directory":
            values |= {"orientation": pick(ORIENTATIONS, 0.3),
                       "nationality": pick(NATIONALITIES, 0.3),
                       "ethnicity": pick(ETHNICITIES, 0.25)}
        out.append((site, kind, {k: v for k, v in values.items() if v}))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=150_000)
    parser.add_argument("--unique-share", type=float, default=0.01,
                        help="share of values made unique per listing (default 0.01)")
    args = parser.parse_args()

    started = time.perf_counter()
    from crawler.listing import Listing
    from crawler.normalise import profile
    from crawler.normalise.codebook import violations
    imported = time.perf_counter() - started

    values = make_values(args.listings, args.unique_share)
    listings = [Listing(site, kind, v) for site, kind, v in values]
    before = rss_mib()

    started = time.perf_counter()
    profiles = [profile(listing) for listing in listings]
    wall = time.perf_counter() - started

    assert all(not violations(p) for p in profiles[:: max(1, len(profiles) // 2000)])
    distinct = len({v.get("locality") for _, _, v in values})
    print(f"command: {' '.join([sys.executable.split('/')[-1], *sys.argv])}")
    print(f"python {sys.version.split()[0]}, listings {len(listings):,}, "
          f"distinct locality strings {distinct:,}, unique share {args.unique_share}")
    print(f"import of crawler.normalise (reference data): {imported:.2f} s")
    print(f"normalise {len(listings):,} listings: {wall:.2f} s "
          f"({len(listings) / wall:,.0f} listings/s)")
    print(f"peak RSS: {rss_mib():.0f} MiB (before normalising: {before:.0f} MiB)")


if __name__ == "__main__":
    main()
