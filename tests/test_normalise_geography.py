"""Locality -> ort -> kommun -> län: reference data, real-world spellings, the unknown."""

from __future__ import annotations

import csv
import re

import pycountry
import pytest

from crawler.normalise import geography as g
from crawler.normalise.geography import Place, place

# --- the reference data ------------------------------------------------------------------


def test_all_290_kommuner_and_21_lan_with_their_codes() -> None:
    assert len(g.KOMMUNER) == 290
    assert all(re.fullmatch(r"\d{4}", kod) for kod in g.KOMMUNER)
    assert len(g.LAN) == 21
    assert {kod[:2] for kod in g.KOMMUNER} == set(g.LAN)  # every kommun's län exists
    per_lan = {kod: sum(k.startswith(kod) for k in g.KOMMUNER) for kod in g.LAN}
    assert per_lan["01"] == 26 and per_lan["14"] == 49 and per_lan["12"] == 33
    assert per_lan["09"] == 1 and per_lan["25"] == 14


@pytest.mark.parametrize("kod, kommun, county", [
    ("0180", "Stockholm", "SE-AB"), ("1480", "Göteborg", "SE-O"), ("1280", "Malmö", "SE-M"),
    ("0380", "Uppsala", "SE-C"), ("2584", "Kiruna", "SE-BD"), ("0114", "Upplands Väsby", "SE-AB"),
    ("0980", "Gotland", "SE-I"), ("1440", "Ale", "SE-O"), ("2380", "Östersund", "SE-Z"),
    ("0305", "Håbo", "SE-C"), ("0643", "Habo", "SE-F"), ("2023", "Malung-Sälen", "SE-W"),
])
def test_kommun_spot_checks(kod: str, kommun: str, county: str) -> None:
    assert g.KOMMUNER[kod][0] == kommun
    assert g.county_of(kod) == county


@pytest.mark.parametrize("lanskod, iso, name", [
    ("01", "SE-AB", "Stockholms län"), ("14", "SE-O", "Västra Götalands län"),
    ("12", "SE-M", "Skåne län"), ("25", "SE-BD", "Norrbottens län"),
    ("03", "SE-C", "Uppsala län"), ("09", "SE-I", "Gotlands län"),
])
def test_lan_spot_checks(lanskod: str, iso: str, name: str) -> None:
    assert g.LAN[lanskod] == (iso, name)


def test_lan_agree_with_pycountry_installed_now() -> None:
    subdivisions = {s.code: s.name for s in pycountry.subdivisions.get(country_code="SE")}
    assert {iso: f"{name} [SE-{kod}]" for kod, (iso, name) in g.LAN.items()} == subdivisions


def test_every_ort_has_a_kommun_and_every_kommun_its_central_ort() -> None:
    assert set(g.ORTER.values()) == set(g.KOMMUNER)
    for kod, (_, seat) in g.KOMMUNER.items():
        assert g.ORTER[seat] == kod, seat
    assert len(g.ORTER) > 600


def test_data_files_say_where_they_come_from() -> None:
    readme = (g.DATA / "README.md").read_text(encoding="utf-8")
    for name in ("kommuner.csv", "lan.csv", "orter.csv", "ortnamn.csv", "aliases.csv",
                 "utland.csv", "countries.csv", "demonyms.csv", "regions.csv",
                 "country_aliases.csv"):
        assert (g.DATA / name).exists() and name in readme, name
        with open(g.DATA / name, encoding="utf-8", newline="") as f:
            assert len(list(csv.DictReader(f))) > 0, name


# --- spellings -------------------------------------------------------------------------

SE = "SE"


def sw(ort: str, kod: str, county: str) -> Place:
    return Place(ort, kod, county, SE)


STOCKHOLM = sw("Stockholm", "0180", "SE-AB")
GOTEBORG = sw("Göteborg", "1480", "SE-O")
MALMO = sw("Malmö", "1280", "SE-M")


@pytest.mark.parametrize("stated", [
    "Stockholm", "stockholm", "STOCKHOLM", "  Stockholm  ", "Sthlm", "STHLM", "sthlm",
    "Stockholm C", "Stockholm c", "Stockholm centrum", "Stockholm City", "Stockholm city",
    "Stockholm Central", "Stockholms stad", "Stockholms kommun", "i Stockholm",
    "centrala Stockholm", "Stockholm, Sweden", "Stockholm, Sverige", "Stockholm (Sweden)",
    "Södermalm", "Sodermalm", "Stockholm Södermalm", "Södermalm, Stockholm", "Kista",
    "Östermalm", "Vasastan", "Stokholm", "Stockolm", "Stockhlom", "Escort Stockholm",
    "Stockholm - incall", "Estocolmo", "Stoccolma",
])
def test_stockholm(stated: str) -> None:
    assert place(stated) == STOCKHOLM


@pytest.mark.parametrize("stated", [
    "Göteborg", "göteborg", "GÖTEBORG", "Goteborg", "Goeteborg", "Gothenburg", "GBG", "Gbg",
    "gbg", "Göteborg C", "Göteborg centrum", "Gothenburg City", "Göteborgs kommun",
    "Göteborgs stad", "Gothenburg, Sweden", "Hisingen", "Frölunda", "Angered", "Götebrog",
    "Gotenburg", "Göteborg, Västra Götaland",
])
def test_goteborg(stated: str) -> None:
    assert place(stated) == GOTEBORG


@pytest.mark.parametrize("stated", [
    "Malmö", "Malmo", "MALMÖ", "Malmoe", "Malmø", "Malmö C", "Malmö centrum", "Malmo, Sweden",
    "Möllevången", "Limhamn", "Malmö, Skåne",
])
def test_malmo(stated: str) -> None:
    assert place(stated) == MALMO


@pytest.mark.parametrize("stated, expected", [
    ("Örebro", sw("Örebro", "1880", "SE-T")), ("Orebro", sw("Örebro", "1880", "SE-T")),
    ("Oerebro", sw("Örebro", "1880", "SE-T")), ("Uppsala", sw("Uppsala", "0380", "SE-C")),
    ("Upsala", sw("Uppsala", "0380", "SE-C")), ("Helsingborg", sw("Helsingborg", "1283", "SE-M")),
    ("Hbg", sw("Helsingborg", "1283", "SE-M")), ("Helsinborg", sw("Helsingborg", "1283", "SE-M")),
    ("Hälsingborg", sw("Helsingborg", "1283", "SE-M")),
    ("Västerås", sw("Västerås", "1980", "SE-U")),
    ("Vasteras", sw("Västerås", "1980", "SE-U")),
    ("Linkoping", sw("Linköping", "0580", "SE-E")), ("Lkpg", sw("Linköping", "0580", "SE-E")),
    ("Jkpg", sw("Jönköping", "0680", "SE-F")), ("Jonkoping", sw("Jönköping", "0680", "SE-F")),
    ("Norrkoping", sw("Norrköping", "0581", "SE-E")), ("Umea", sw("Umeå", "2480", "SE-AC")),
    ("Lulea", sw("Luleå", "2580", "SE-BD")), ("Kiruna", sw("Kiruna", "2584", "SE-BD")),
    ("Gavle", sw("Gävle", "2180", "SE-X")), ("Vaxjo", sw("Växjö", "0780", "SE-G")),
    ("Ö-vik", sw("Örnsköldsvik", "2284", "SE-Y")),
    ("Övik", sw("Örnsköldsvik", "2284", "SE-Y")),
    ("Visby", sw("Visby", "0980", "SE-I")), ("Gotland", sw("Visby", "0980", "SE-I")),
    ("Solna", sw("Solna", "0184", "SE-AB")), ("Solna, Stockholm", sw("Solna", "0184", "SE-AB")),
    ("Täby", sw("Täby", "0160", "SE-AB")), ("Taby", sw("Täby", "0160", "SE-AB")),
    ("Sollentuna", sw("Sollentuna", "0163", "SE-AB")),
    ("Sollentona", sw("Sollentuna", "0163", "SE-AB")),
    ("Södertälje", sw("Södertälje", "0181", "SE-AB")),
    ("Sodertalje", sw("Södertälje", "0181", "SE-AB")),
    ("Upplands Väsby", sw("Upplands Väsby", "0114", "SE-AB")),
    ("Upplands-Väsby", sw("Upplands Väsby", "0114", "SE-AB")),
    ("Upplands Vasby", sw("Upplands Väsby", "0114", "SE-AB")),
    ("Upplands-Bro", sw("Kungsängen", "0139", "SE-AB")),  # a kommun counts as its central ort
    ("Österåker", sw("Åkersberga", "0117", "SE-AB")),
    ("Arlanda", sw("Märsta", "0191", "SE-AB")),
    ("Håbo", sw("Bålsta", "0305", "SE-C")), ("Habo", sw("Habo", "0643", "SE-F")),
    ("Lund", sw("Lund", "1281", "SE-M")), ("Malung", sw("Malung", "2023", "SE-W")),
    ("Malung-Sälen", sw("Malung", "2023", "SE-W")),
    ("Brevik (Lidingö)", sw("Brevik (Lidingö)", "0186", "SE-AB")),
])
def test_other_places(stated: str, expected: Place) -> None:
    assert place(stated) == expected


# --- only a county, several places, abroad, unknown ----------------------------------

@pytest.mark.parametrize("stated, county", [
    ("Skåne", "SE-M"), ("Skane", "SE-M"), ("Skåne län", "SE-M"), ("Stockholms län", "SE-AB"),
    ("Stockholm county", "SE-AB"), ("Storstockholm", "SE-AB"), ("Västra Götaland", "SE-O"),
    ("Norrbotten", "SE-BD"), ("Dalarna", "SE-W"), ("Örebro län", "SE-T"),
    # two places of one län: the county is known, the locality is not
    ("Stockholm/Solna", "SE-AB"), ("Malmö & Lund", "SE-M"), ("Malmö eller Lund", "SE-M"),
])
def test_only_the_county_is_known(stated: str, county: str) -> None:
    assert place(stated) == Place("unknown", "unknown", county, SE)


@pytest.mark.parametrize("stated, country", [
    ("Oslo", "NO"), ("Oslo, Norway", "NO"), ("Oslo, Norge", "NO"), ("Copenhagen", "DK"),
    ("Köpenhamn", "DK"), ("København", "DK"), ("Kopenhamn", "DK"), ("Helsinki", "FI"),
    ("Helsingfors", "FI"), ("London", "GB"), ("London, UK", "GB"), ("Paris, France", "FR"),
    ("Berlin", "DE"), ("Madrid", "ES"), ("Riga", "LV"), ("Tallinn", "EE"), ("Norge", "NO"),
    ("Spain", "ES"), ("Bergen", "NO"), ("Warszawa", "PL"),
    ("Barcelona", "unknown"),  # Spain's and Venezuela's: abroad, the country not known
    ("Valencia, Spain", "ES"),  # the stated country settles it
])
def test_abroad(stated: str, country: str) -> None:
    assert place(stated) == Place("abroad", "abroad", "abroad", country)


@pytest.mark.parametrize("stated", [
    None, "", "   ", "123", "!!!", "banana", "xyzzy", "Fake Town", "Incall", "Outcall",
    "Nkpg",  # Norrköping or Nyköping
    "Kstad",  # Karlstad or Kristianstad
    "Berga",  # a dozen villages share it
    "Norrland", "Innerstan", "Stockholm/Oslo", "Stockholm, Norway", "Oslo, Sweden",
    "Sthlm Gbg",  # two cities in two län
    "Stockhausen", "Malmberg", "Stockholmsvägen", "x" * 500,
])
def test_unknown_is_never_a_guess(stated: str | None) -> None:
    assert place(stated).locality == "unknown"
    assert place(stated).kommun == "unknown"


def test_sweden_alone_names_the_country_only() -> None:
    assert place("Sverige") == place("Sweden") == Place("unknown", "unknown", "unknown", SE)


# --- the fuzzy threshold ----------------------------------------------------------------

@pytest.mark.parametrize("stated, ort", [
    ("Stokholm", "Stockholm"), ("Stockhollm", "Stockholm"), ("Götebrog", "Göteborg"),
    ("Helsinborg", "Helsingborg"), ("Sundsval", "Sundsvall"), ("Eskilstun", "Eskilstuna"),
    ("Norrkjöping", "Norrköping"), ("Trolhättan", "Trollhättan"),
])
def test_misspellings_within_the_threshold(stated: str, ort: str) -> None:
    assert place(stated).locality == ort


@pytest.mark.parametrize("stated", [
    "Stckhlmm", "Gtbrg", "Sundbyholm", "Uppsalaa nord", "Kalmarsund", "Lundagård", "Kalmor",
    "Helsingør",  # Denmark's Helsingør is not a misspelt Helsingborg
])
def test_beyond_the_threshold_stays_unknown(stated: str) -> None:
    assert place(stated).locality in ("unknown", "abroad")


def test_threshold_constants_are_the_tested_ones() -> None:
    # the cases above were chosen around these values; changing them needs new cases
    assert (g.FUZZY_THRESHOLD, g.FUZZY_MIN_LENGTH) == (85, 6)
