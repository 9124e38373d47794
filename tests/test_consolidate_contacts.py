from __future__ import annotations

import pytest

from crawler.consolidate.contacts import emails, handles, identifiers, phones


@pytest.mark.parametrize("text, expected", [
    ("070-174 06 05", ("+46701740605",)),
    ("+46 70 174 06 05", ("+46701740605",)),
    ("0046701740605", ("+46701740605",)),
    ("ring 08-465 004 12 eller 070-174 06 99", ("+46701740699", "+46846500412")),
    ("+44 7700 900123", ("+447700900123",)),
    ("inget nummer här", ()),
])
def test_phones_to_e164(text: str, expected: tuple[str, ...]) -> None:
    assert phones(text) == expected


def test_emails_and_handles_fold_case() -> None:
    assert emails("Skriv till Sol.B@Example.ORG!") == ("sol.b@example.org",)
    assert handles("@Sol_12") == ("sol_12",)


def test_identifiers_are_typed() -> None:
    ids = identifiers("070-174 06 05", "a@example.org", "@a_1")
    assert ids == {"tel:+46701740605", "mail:a@example.org", "handle:a_1"}
    assert identifiers(None, None, None) == set()
