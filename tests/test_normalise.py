"""Smoke tests of the normalisation entry points; the tables are in test_normalise_*.py."""

from __future__ import annotations

import pytest

from crawler.listing import Listing
from crawler.normalise import profile
from crawler.normalise.geography import locality
from crawler.normalise.languages import languages, stated_languages
from crawler.normalise.person import age_band, gender


@pytest.mark.parametrize("stated, expected", [
    ("Kvinna", "woman"), ("female", "woman"), ("Tjej", "woman"), (" FEMALE ", "woman"),
    ("Man", "man"), ("Male", "man"), ("Kille", "man"),
    ("Trans", "trans"), ("trans TS/TV", "trans"), ("TS", "trans"),
    ("Par", "couple"), ("Couple", "couple"),
    ("", "unknown"), (None, "unknown"), ("banana", "unknown"),
])
def test_gender(stated: str | None, expected: str) -> None:
    assert gender(stated) == expected


@pytest.mark.parametrize("stated, expected", [
    ("18", "18-24"), ("24 år", "18-24"), ("25", "25-29"), ("29 years", "25-29"),
    ("30", "30-39"), ("Ålder: 45", "40-49"), ("50", "50+"), ("73", "50+"),
    ("17", "under-18"), ("16 år", "under-18"),
    ("", "unknown"), (None, "unknown"), ("ung", "unknown"), ("150", "unknown"), ("5", "unknown"),
])
def test_age_band(stated: str | None, expected: str) -> None:
    assert age_band(stated) == expected


@pytest.mark.parametrize("stated, expected", [
    ("engelska, spanska", ("en", "es")),
    ("Svenska, English, Español", ("en", "es", "sv")),
    ("English and Swedish", ("en", "sv")),
    ("rumänska / thailändska", ("ro", "th")),
    ("Русский, Polski, Suomi", ("fi", "pl", "ru")),
    ("Deutsch", ("de",)),
    ("", ("unknown",)), (None, ("unknown",)), ("qwzx", ("unknown",)),
])
def test_languages(stated: str | None, expected: tuple[str, ...]) -> None:
    assert languages(stated) == expected


# a list field's values, as chips, <li> or split parts give them: each one normalised
@pytest.mark.parametrize("stated, expected", [
    (("English", "Svenska"), ("en", "sv")),  # chips: read joined by spaces, only "en" was
    (("English", "Svenska", "Deutsch"), ("de", "en", "sv")),
    (("English, Svenska / Deutsch",), ("de", "en", "sv")),  # one value, separators inside
    (("flytande engelska", "lite spanska"), ("en", "es")),
    (("Engelska", "engelska"), ("en",)),
    (("English", "qwzx"), ("en",)),  # an unknown value beside a known one
    (("qwzx",), ("unknown",)), ((), ("unknown",)),
    ("English, Svenska", ("en", "sv")),  # a plain string as before
])
def test_list_of_languages(stated: tuple[str, ...] | str, expected: tuple[str, ...]) -> None:
    assert stated_languages(stated) == expected


def test_a_profile_reads_every_value_of_a_list_field() -> None:
    p = profile(Listing("a", "ad_board", {"languages": ("English", "Svenska", "Français")}))
    assert p.languages == ("en", "fr", "sv")


@pytest.mark.parametrize("stated, expected", [
    ("Göteborg", "Göteborg"), ("  göteborg ", "Göteborg"), ("Malmö", "Malmö"),
    ("", "unknown"), (None, "unknown"), ("123", "unknown"),
])
def test_locality(stated: str | None, expected: str) -> None:
    assert locality(stated) == expected


def test_profile_holds_categories_only() -> None:
    p = profile(Listing("a", "ad_board", {"text": "secret", "gender": "Kvinna", "age": "24 år",
                                          "languages": "engelska", "locality": "Umeå"}))
    assert (p.site, p.kind, p.locality, p.languages, p.gender, p.age_band) == (
        "a", "ad_board", "Umeå", ("en",), "woman", "18-24")
    assert "secret" not in repr(p)
