"""Linked domains -> indicators: counted by site, listing and advertiser; the floor."""

from __future__ import annotations

from crawler.consolidate import consolidate
from crawler.discovery.tally import OTHER_DOMAINS, Floor, Outlinks, linked_domain_indicators, tally
from crawler.listing import Listing
from crawler.records import CELL_KEY_RANGE

KEY = b"k" * 32


WORDS = ("äpple båt cykel dörr eld fisk gran hus is jord kanal lampa moln nät ost park "
         "regn sol tåg ugn vind yxa zon ärm öga berg dal hav skog äng").split()


def listing(site: str, n: int, phone: str) -> Listing:
    # texts with no words in common: no two listings are near-duplicates
    words = " ".join(f"{WORDS[(n * 7 + i) % len(WORDS)]}{n}x{i}" for i in range(8))
    return Listing(site, "ad_board", {"title": f"rubrik{n}", "text": words,
                                      "phone": (phone,)})


def cells(outlinks: Outlinks, listings: dict[str, list[Listing]], floor: Floor) -> dict:
    c = consolidate(listings, KEY)
    found = tally(outlinks, c, KEY, sorted(listings))
    out = linked_domain_indicators("s1", "2026-01-01T00:00:00+00:00", found, c, floor)
    assert all(0 <= i.cell_key < CELL_KEY_RANGE for i in out)
    return {(i.scope, i.level, i.category): i.value for i in out}


def test_advertisers_floor_and_one_listing_never_named() -> None:
    a = [listing("a", n, f"07012345{n:02d}") for n in range(6)]
    # the same advertiser twice (shared phone): two listings, one advertiser
    b = [listing("b", 10, "0701234500"), listing("b", 11, "0709999999")]
    copy = listing("a", 0, "0701234500")  # an exact copy of a[0]: one more hit
    outlinks = Outlinks(
        {"a": [(x, frozenset({"booking.test"})) for x in [*a, copy]],
         "b": [(b[0], frozenset({"booking.test", "own-page.test"}))]},
        {"a": set(), "b": set()})
    found = cells(outlinks, {"a": [*a, copy], "b": b}, Floor(sites=2, advertisers=6))
    assert found["all", "hits", "booking.test"] == 8
    assert found["all", "unique", "booking.test"] == 7
    assert found["all", "advertisers", "booking.test"] == 6
    assert found["a", "unique", "booking.test"] == 6 and found["b", "unique", "booking.test"] == 1
    assert not any("own-page" in key[2] for key in found)
    assert found["all", "unique", OTHER_DOMAINS] == 1
    # one advertiser fewer than the floor: not named either
    assert "booking.test" not in {k[2] for k in cells(
        outlinks, {"a": [*a, copy], "b": b}, Floor(sites=2, advertisers=7))}


def test_sites_floor_counts_own_pages_only() -> None:
    a, b = [listing("a", 1, "0701111111")], [listing("b", 2, "0702222222")]
    listed = Outlinks({"a": [(a[0], frozenset({"x.test"}))], "b": [(b[0], frozenset({"x.test"}))]},
                      {})
    # two sites, but only through one listing each: could be one person's own page
    assert not any(k[2] == "x.test" for k in cells(listed, {"a": a, "b": b}, Floor()))
    footer = Outlinks({}, {"a": {"x.test"}, "b": {"x.test"}})
    found = cells(footer, {"a": a, "b": b}, Floor())
    assert found["a", "hits", "x.test"] == 0 and found["b", "unique", "x.test"] == 0
    assert found["all", "advertisers", "x.test"] == 0
    # a failed site (not counted) adds nothing
    c = consolidate({"a": a}, KEY)
    assert tally(footer, c, KEY, ["a"])["x.test"].own_pages == {"a"}


def test_a_domain_of_the_sites_own_pages_is_not_counted_for_its_listings() -> None:
    """A footer that is a plain <div> is read with a detail page's listing: the domain is
    the site's (its list pages link to it too), so its listings do not count for it; a
    domain only the listings link to still counts."""
    a = [listing("a", n, f"07012345{n:02d}") for n in range(12)]
    outlinks = Outlinks({"a": [(x, frozenset({"partner.test", "booking.test"})) for x in a]},
                        {"a": {"partner.test"}, "b": {"partner.test"}})
    found = cells(outlinks, {"a": a, "b": []}, Floor())
    assert found["all", "advertisers", "partner.test"] == 0
    assert found["a", "unique", "partner.test"] == 0
    assert found["all", "advertisers", "booking.test"] == 12
