"""The report's words in Swedish: category labels, numbers and dates as a Swedish reader
writes them. Categories come from the codebook (docs/CODEBOOK.md); only their labels are
here."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import langcodes

from crawler.normalise.geography import KOMMUNER

GENDER = {"woman": "Kvinna", "man": "Man", "trans": "Trans", "couple": "Par",
          "unknown": "Ej angivet"}
AGE_BAND = {"18-24": "18–24 år", "25-29": "25–29 år", "30-39": "30–39 år", "40-49": "40–49 år",
            "50+": "50 år och äldre", "under-18": "Under 18 år (uppgiven)",
            "unknown": "Ej angiven"}
SITE_KIND = {"ad_board": "Annonssajt", "profile_directory": "Profilkatalog",
             "sugardating": "Sugardejting"}
LEVEL = {"hits": "Träffar", "unique": "Unika annonser", "distinct": "Distinkta annonser",
         "advertisers": "Annonsörer"}
LEVEL_NOTE = {
    "hits": "allt som syntes, kopior inräknade",
    "unique": "exakta kopior borttagna (2020 års definition)",
    "distinct": "även nästan likadana annonser sammanslagna",
    "advertisers": "annonser kopplade via samma kontaktuppgift eller text",
}
# the weekly summary's lines of what changed (crawler/report/weekly.py CHANGE_ROWS)
CHANGE = {
    ("unique", "new"): "Nya unika annonser",
    ("unique", "reposted"): "varav upplagda igen med ändringar",
    ("unique", "edited"): "ändrad text eller pris, samma sajt och ort",
    ("unique", "moved_locality"): "flyttad till en annan ort på samma sajt",
    ("unique", "moved_site"): "flyttad till en annan sajt",
    ("distinct", "new"): "Nya distinkta annonser",
    ("advertisers", "new"): "Nya annonsörer",
    ("unique", "gone"): "Försvunna unika annonser",
}
CHANGE_NOTE = {
    ("distinct", "new"): "en annons som lagts upp igen med ändringar är inte ny",
    ("advertisers", "new"): "en annonsör med en annons kvar, eller upplagd igen, är inte ny",
}
MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december")


@lru_cache(maxsize=256)
def language(code: str) -> str:
    if code in ("unknown", ""):
        return "Ej angivet"
    try:
        name = langcodes.Language.get(code).display_name("sv")
    except (LookupError, ValueError):
        return code
    return name[:1].upper() + name[1:]


def kommun(code: str) -> str:
    if code in KOMMUNER:
        return KOMMUNER[code][0]
    return {"unknown": "Okänd kommun", "abroad": "Utomlands"}.get(code, code)


def locality(name: str) -> str:
    return {"unknown": "Okänd ort", "abroad": "Utomlands"}.get(name, name)


def day(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def number(value: int) -> str:
    """12 345 with a thin space, as Swedish typesetting groups thousands; a real minus."""
    text = f"{abs(value):,}".replace(",", "\u202f")
    return ("\u2212" if value < 0 else "") + text


def signed(value: int) -> str:
    return "±0" if value == 0 else ("+" if value > 0 else "") + number(value)
