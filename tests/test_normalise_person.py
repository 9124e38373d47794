"""Gender (and trans sub-labels), age, orientation, ethnicity, nationality, languages:
real-world spellings per field, and the unknown cases."""

from __future__ import annotations

import pytest

from crawler.normalise.countries import nationality
from crawler.normalise.languages import languages
from crawler.normalise.person import Age, Gender, age_of, ethnicity, gender_of, orientation


@pytest.mark.parametrize("stated, expected", [
    ("Kvinna", "woman"), ("kvinna", "woman"), ("KVINNA", "woman"), ("female", "woman"),
    ("Female", "woman"), (" FEMALE ", "woman"), ("Tjej", "woman"), ("tjejer", "woman"),
    ("Woman", "woman"), ("Girl", "woman"), ("Lady", "woman"), ("Dam", "woman"), ("F", "woman"),
    ("Mujer", "woman"), ("Chica", "woman"), ("Frau", "woman"),
    ("Man", "man"), ("MAN", "man"), ("Male", "man"), ("Kille", "man"), ("Guy", "man"),
    ("Herr", "man"), ("M", "man"), ("Hombre", "man"), ("Män", "man"),
    ("Par", "couple"), ("Couple", "couple"), ("Pareja", "couple"), ("Man & Kvinna", "couple"),
    ("Kvinna och man", "couple"), ("M/F", "couple"),
    ("", "unknown"), (None, "unknown"), ("banana", "unknown"), ("?", "unknown"),
    ("Ej angivet", "unknown"), ("Not stated", "unknown"),
])
def test_gender(stated: str | None, expected: str) -> None:
    assert gender_of(stated) == Gender(expected, "")


@pytest.mark.parametrize("stated, detail", [
    ("trans TS/TV", "trans-ts-tv"), ("Trans TS/TV", "trans-ts-tv"),
    ("Trans (TS/TV)", "trans-ts-tv"),
    ("Trans - TS / TV", "trans-ts-tv"), ("transsexuell (pre-op)", "transsexual-pre-op"),
    ("Transsexuell (pre op)", "transsexual-pre-op"), ("Transsexual pre-op", "transsexual-pre-op"),
    ("Pre-op", "transsexual-pre-op"), ("Transsexuell (post-op)", "transsexual-post-op"),
    ("Shemale", "shemale"), ("She-male", "shemale"), ("TS/TV", "ts-tv"), ("TV/TS", "ts-tv"),
    ("TS", "ts"), ("ts", "ts"), ("T-girl", "ts"), ("TV", "tv"), ("Transvestit", "tv"),
    ("Crossdresser", "crossdresser"), ("Cross-dresser", "crossdresser"), ("CD", "crossdresser"),
    ("Transsexuell", "transsexual"), ("Transexual", "transsexual"),
    ("Transgender", "transgender"), ("Transperson", "transgender"),
    ("Transkvinna", "trans-woman"), ("Trans woman", "trans-woman"), ("MtF", "trans-woman"),
    ("Transman", "trans-man"), ("FtM", "trans-man"), ("Ladyboy", "ladyboy"),
    ("Icke-binär", "non-binary"), ("Non-binary", "non-binary"),
    ("Trans", ""), ("TRANS", ""), ("trans (other label)", ""),
])
def test_trans_and_its_sub_labels(stated: str, detail: str) -> None:
    assert gender_of(stated) == Gender("trans", detail)


def test_the_2020_sub_labels_are_all_kept_apart() -> None:
    labels = ["trans TS/TV", "transsexuell (pre-op)", "shemale", "TS/TV", "crossdresser",
              "TV", "TS", "Transsexuell (post-op)", "Transgender", "Transkvinna", "Transman"]
    assert len({gender_of(s).detail for s in labels}) == len(labels)


@pytest.mark.parametrize("stated, expected", [
    ("18", Age(18, "18-24", False)), ("24 år", Age(24, "18-24", False)),
    ("24år", Age(24, "18-24", False)), ("24 yo", Age(24, "18-24", False)),
    ("24y/o", Age(24, "18-24", False)), ("25", Age(25, "25-29", False)),
    ("29 years", Age(29, "25-29", False)), ("Age: 29", Age(29, "25-29", False)),
    ("30", Age(30, "30-39", False)), ("Ålder: 45", Age(45, "40-49", False)),
    ("49", Age(49, "40-49", False)), ("50", Age(50, "50+", False)),
    ("73 år", Age(73, "50+", False)), ("99", Age(99, "50+", False)),
    # under 18: its own flagged category, never dropped
    ("17", Age(17, "under-18", True)), ("16 år", Age(16, "under-18", True)),
    ("10", Age(10, "under-18", True)),
    ("", Age(None, "unknown", False)), (None, Age(None, "unknown", False)),
    ("ung", Age(None, "unknown", False)), ("150", Age(None, "unknown", False)),
    ("5", Age(None, "unknown", False)), ("20-25", Age(None, "unknown", False)),
    ("20 till 25", Age(None, "unknown", False)), ("1995", Age(None, "unknown", False)),
    ("24, 26", Age(None, "unknown", False)), ("٢٤", Age(24, "18-24", False)),
])
def test_age(stated: str | None, expected: Age) -> None:
    assert age_of(stated) == expected


@pytest.mark.parametrize("stated, expected", [
    ("Heterosexual", "heterosexual"), ("Heterosexuell", "heterosexual"), ("Hetero", "heterosexual"),
    ("straight", "heterosexual"), ("Bisexual", "bisexual"), ("Bisexuell", "bisexual"),
    ("Bi", "bisexual"), ("bi-curious", "bisexual"), ("Homosexual", "homosexual"),
    ("Homosexuell", "homosexual"), ("Gay", "homosexual"), ("Lesbian", "homosexual"),
    ("Lesbisk", "homosexual"), ("Pansexual", "other"), ("Queer", "other"),
    ("", "unknown"), (None, "unknown"), ("banana", "unknown"), ("-", "unknown"),
])
def test_orientation(stated: str | None, expected: str) -> None:
    assert orientation(stated) == expected


@pytest.mark.parametrize("stated, expected", [
    ("European", "european"), ("Europeisk", "european"), ("White", "white"), ("Vit", "white"),
    ("European/White", "european-white"), ("European - White", "european-white"),
    ("Latin", "latin"), ("Latina", "latin"), ("Latino", "latin"), ("Caucasian", "caucasian"),
    ("Caucasian (White)", "caucasian-white"), ("Asian", "asian"), ("Asiatisk", "asian"),
    ("Ebony", "ebony"), ("Ebony/Black", "ebony-black"), ("Ebony (Black)", "ebony-black"),
    ("Mixed", "mixed"), ("Mixed race", "mixed"), ("Coloured", "coloured"),
    ("Colored", "coloured"), ("Black", "black"), ("African", "african"), ("Arab", "arab"),
    ("Middle Eastern", "middle-eastern"), ("Indian", "indian"),
    ("Mediterranean", "mediterranean"), ("Scandinavian", "scandinavian"),
    ("Hispanic", "hispanic"), ("Martian", "other"), ("", "unknown"), (None, "unknown"),
    ("???", "unknown"),
])
def test_ethnicity(stated: str | None, expected: str) -> None:
    assert ethnicity(stated) == expected


@pytest.mark.parametrize("stated, expected", [
    ("Svensk", "SE"), ("svensk", "SE"), ("Swedish", "SE"), ("Sverige", "SE"), ("Sweden", "SE"),
    ("Spanish", "ES"), ("española", "ES"), ("Español", "ES"), ("Spansk", "ES"),
    ("España", "ES"), ("Spanien", "ES"), ("Italian", "IT"), ("Italiensk", "IT"),
    ("Italia", "IT"), ("Colombian", "CO"), ("Colombiana", "CO"), ("Colombiano", "CO"),
    ("Venezolana", "VE"), ("Brazilian", "BR"), ("Brasileira", "BR"), ("Norsk", "NO"),
    ("Norwegian", "NO"), ("Norge", "NO"), ("Dansk", "DK"), ("Finsk", "FI"), ("Polish", "PL"),
    ("Polsk", "PL"), ("Romanian", "RO"), ("Rumänsk", "RO"), ("Russian", "RU"),
    ("Ukrainian", "UA"), ("Thai", "TH"), ("British", "GB"), ("English", "GB"), ("UK", "GB"),
    ("German", "DE"), ("Tysk", "DE"), ("Deutschland", "DE"), ("French", "FR"),
    ("Hungarian", "HU"), ("Czech", "CZ"), ("Dutch", "NL"), ("Holland", "NL"),
    ("Scandinavian", "nordic"), ("Latina", "latin-american"), ("European", "european"),
    ("Swedish/Spanish", "multiple"), ("Svensk, spansk", "multiple"),
    ("Martian", "other"), ("", "unknown"), (None, "unknown"), ("123", "unknown"),
])
def test_nationality(stated: str | None, expected: str) -> None:
    assert nationality(stated) == expected


@pytest.mark.parametrize("stated, expected", [
    ("engelska, spanska", ("en", "es")), ("Svenska, English, Español", ("en", "es", "sv")),
    ("English and Swedish", ("en", "sv")), ("Engelska och svenska", ("en", "sv")),
    ("rumänska / thailändska", ("ro", "th")),
    ("Русский, Polski, Suomi", ("fi", "pl", "ru")),
    ("Deutsch", ("de",)), ("Français", ("fr",)), ("Italiano", ("it",)),
    ("Português", ("pt",)), ("Română", ("ro",)), ("ไทย", ("th",)), ("Norsk", ("no",)),
    ("eng", ("en",)), ("swe", ("sv",)), ("ENG, SWE", ("en", "sv")), ("en/sv", ("en", "sv")),
    ("spa", ("es",)), ("EN", ("en",)), ("English (fluent)", ("en",)),
    ("Flytande engelska", ("en",)), ("Lite tyska", ("de",)), ("Arabiska, Farsi", ("ar", "fa")),
    ("English, English", ("en",)),
    ("", ("unknown",)), (None, ("unknown",)), ("qwzx", ("unknown",)), ("-", ("unknown",)),
])
def test_languages(stated: str | None, expected: tuple[str, ...]) -> None:
    assert languages(stated) == expected
