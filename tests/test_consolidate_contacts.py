from __future__ import annotations

import pytest

from crawler.consolidate import consolidate
from crawler.consolidate.contacts import deobfuscated, emails, handles, identifiers, phones
from crawler.listing import Listing

KEY = b"contacts-test-key-32-bytes-long!"

# every way the market (and real ads) write one number
PHONES = [
    ("070-174 06 05", ("+46701740605",)),
    ("070 174 06 05", ("+46701740605",)),
    ("0701740605", ("+46701740605",)),
    ("070-1740605", ("+46701740605",)),
    ("070.174.06.05", ("+46701740605",)),
    ("(070) 174 06 05", ("+46701740605",)),
    ("+46 70 174 06 05", ("+46701740605",)),
    ("+46 (0)70-174 06 05", ("+46701740605",)),
    ("+46701740605", ("+46701740605",)),
    ("0046 70-174 06 05", ("+46701740605",)),
    ("0046701740605", ("+46701740605",)),
    ("08-465 004 12", ("+46846500412",)),
    ("+46 8 465 004 12", ("+46846500412",)),
    ("ring 08-465 004 12 eller 070-174 06 99", ("+46701740699", "+46846500412")),
    ("070-174 06 05 · Bokning: 08-465 004 12", ("+46701740605", "+46846500412")),
    ("+44 7700 900123", ("+447700900123",)),
    ("+1 (212) 555-0123", ("+12125550123",)),
    ("inget nummer här", ()),
]


@pytest.mark.parametrize("text, expected", PHONES)
def test_phones_to_e164(text: str, expected: tuple[str, ...]) -> None:
    assert phones(text) == expected


EMAILS = [
    ("Skriv till Sol.B@Example.ORG!", ("sol.b@example.org",)),
    ("sol12@example.org.", ("sol12@example.org",)),
    ("sol12 at example punkt org", ("sol12@example.org",)),
    ("sol12 AT example DOT org", ("sol12@example.org",)),
    ("sol12 [at] example [dot] org", ("sol12@example.org",)),
    ("sol12(at)example.org", ("sol12@example.org",)),
    ("sol12 (at) example (punkt) org", ("sol12@example.org",)),
    ("sol12{at}example{dot}org", ("sol12@example.org",)),
    ("sol12 snabel-a example.org", ("sol12@example.org",)),
    ("mejla mig at sol12 at example dot org", ("sol12@example.org",)),
    ("åsa.ö at exempel punkt se", ("åsa.ö@exempel.se",)),
    ("a@example.org, b [at] example [dot] net", ("a@example.org", "b@example.net")),
    ("mejla gärna", ()),
    ("ses at nine", ()),  # an "at" with no dot after it is no address
]


@pytest.mark.parametrize("text, expected", EMAILS)
def test_emails_and_their_obfuscations(text: str, expected: tuple[str, ...]) -> None:
    assert emails(text) == expected


def test_a_plain_address_is_left_as_it_is() -> None:
    assert deobfuscated("anna.at.home@example.org") == "anna.at.home@example.org"


HANDLES = [
    ("@Sol_12", ("sol_12",)),
    ("sol_12", ("sol_12",)),
    ("Snap: anna_x", ("snapchat:anna_x",)),
    ("snap:anna_x", ("snapchat:anna_x",)),
    ("Snapchat anna_x", ("snapchat:anna_x",)),
    ("snapchat @Anna_X", ("snapchat:anna_x",)),
    ("SC - anna_x", ("snapchat:anna_x",)),
    ("Kik: @bella.k", ("kik:bella.k",)),
    ("kik=bella.k", ("kik:bella.k",)),
    ("Telegram @cora99", ("telegram:cora99",)),
    ("TG: cora99", ("telegram:cora99",)),
    ("IG: dora_b", ("instagram:dora_b",)),
    ("insta/dora_b", ("instagram:dora_b",)),
    ("Instagram: @dora_b", ("instagram:dora_b",)),
    ("lägg till mig på snap: anna_x", ("snapchat:anna_x",)),
    ("add me on kik bella.k", ("kik:bella.k",)),
    ("Snap: anna_x, Kik: @bella.k", ("kik:bella.k", "snapchat:anna_x")),
    ("Snap: anna_x eller @anna_y", ("anna_y", "snapchat:anna_x")),
    ("snapanna", ("snapanna",)),  # a name that starts like a platform word is a name
    ("Snapchat", ()),  # the platform word alone is no handle
    ("Kik:", ()),
    ("WhatsApp: 070-174 06 05", ()),  # a number is not a handle (read it as a phone field)
    ("@sol_12 eller 070 174 06 05", ("sol_12",)),
]


@pytest.mark.parametrize("text, expected", HANDLES)
def test_handles_with_and_without_a_platform(text: str, expected: tuple[str, ...]) -> None:
    assert handles(text) == expected


def test_identifiers_are_typed() -> None:
    ids = identifiers("070-174 06 05", "a@example.org", "@a_1")
    assert ids == {"tel:+46701740605", "mail:a@example.org", "handle:a_1"}
    assert identifiers(None, None, None) == set()


def test_identifiers_of_several_values() -> None:
    ids = identifiers(("070-174 06 05", "+46 8 465 004 12"), ("a [at] example [dot] org",),
                      ("Snap: a_1", "@a_1"))
    assert ids == {"tel:+46701740605", "tel:+46846500412", "mail:a@example.org",
                   "handle:snapchat:a_1", "handle:a_1"}


def test_a_platform_handle_and_a_bare_one_of_the_same_name_are_two_identifiers() -> None:
    # decided in docs/METHOD.md: they do not link
    assert identifiers(None, None, "Snap: anna_x") != identifiers(None, None, "@anna_x")
    assert identifiers(None, None, "Snap: anna_x") != identifiers(None, None, "Kik: anna_x")
    assert identifiers(None, None, "Snap: anna_x") == identifiers(None, None, "snapchat @ANNA_X")


def _ads(n: int, shared: str) -> list[Listing]:
    # n unrelated advertisers, each with its own number, all showing one booking number
    return [Listing("tavla", "ad_board", {
        "text": f"annons nummer {i}", "phone": f"070-174 06 {i:02d} · Bokning: {shared}"})
        for i in range(n)]


@pytest.mark.parametrize("advertisers, cut, found, shared", [
    (30, 25, 30, {"tavla": 1}),  # over the cut: the booking number links no one
    (25, 25, 1, {}),  # at the cut it still counts as an identity...
    (25, 24, 25, {"tavla": 1}),
    (30, 40, 1, {}),  # ...as under any more generous cut
])
def test_a_contact_shown_by_too_many_listings_links_none(
        advertisers: int, cut: int, found: int, shared: dict[str, int]) -> None:
    c = consolidate({"tavla": _ads(advertisers, "08-465 004 12")}, KEY,
                    max_listings_per_contact=cut)
    assert len({u.advertiser for u in c.uniques}) == found
    assert c.shared_contacts == shared
    # nor does it survive as a hash to call an advertiser "still" next time
    per_listing = {len(u.contacts) for u in c.uniques}
    assert per_listing == ({1} if shared else {2})
