"""New, still and gone against an earlier snapshot known only by its fingerprints: exact
at the unique level, through edited reposts at the distinct and advertiser levels."""

from __future__ import annotations

from crawler.consolidate import consolidate
from crawler.consolidate.baseline import Comparison, Earlier
from crawler.listing import Listing
from crawler.records import SCOPE_ALL
from crawler.vocabulary import Measure, Subject

KEY = b"baseline-test-key-32-bytes-long!"
SITES = ["annonstavlan", "sockerdejt"]
A = "hej jag heter alva och bor centralt. jag tycker om yoga och långa promenader."
B = "välkommen till en lugn stund med massage. skriv ett meddelande så svarar jag snart."
C = "trevlig tjej söker sällskap för middag och samtal. jag finns här i helgen också."
D = "ny i stan och nyfiken på det mesta. hör av dig om du vill ses över en kaffe."


def ad(site: str, text: str, locality: str, phone: str) -> Listing:
    kind = "ad_board" if site == "annonstavlan" else "sugardating"
    return Listing(site, kind, {"text": text, "locality": locality, "phone": phone})


def snapshot(listings: list[Listing], earlier: Earlier | None = None) -> Comparison:
    by_site = {s: [x for x in listings if x.site == s] for s in SITES}
    return Comparison(consolidate(by_site, KEY), earlier, earlier)


def earlier_of(comparison: Comparison) -> Earlier:
    return Earlier.from_fingerprints(comparison.fingerprints("w", "s0"), SITES)


BEFORE = [ad("annonstavlan", A, "Stockholm", "070-111 11 11"),
          ad("annonstavlan", B, "Malmö", "070-222 22 22"),
          ad("annonstavlan", C, "Umeå", "070-333 33 33")]
# A edited (a word, and a new number), B moved to Lund, C moved to another site,
# D new: no exact content is the same, every phone number is new
AFTER = [ad("annonstavlan", A.replace("långa", "korta"), "Stockholm", "070-444 44 44"),
         ad("annonstavlan", B, "Lund", "070-555 55 55"),
         ad("sockerdejt", C, "Umeå", "070-666 66 66"),
         ad("annonstavlan", D, "Umeå", "070-777 77 77")]


def counts(comparison: Comparison, level: str, scope: str) -> tuple[int, int]:
    units = [u for u in comparison.units() if u.level == level and u.scope == scope]
    return (sum(1 for u in units if u.new_vs_baseline),
            sum(1 for u in units if u.new_vs_baseline is False))


def test_the_similarity_fingerprints_are_kept_per_unique_listing() -> None:
    before = snapshot(BEFORE)
    fps = before.fingerprints("w", "s0")
    similar = [f for f in fps if f.subject == Subject.SIMILARITY]
    listings = {f.digest for f in fps if f.subject == Subject.LISTING}
    assert len(similar) == 3 and {f.digest for f in similar} == listings
    assert all(len(f.group) == 64 for f in similar)


def test_edited_reposts_are_still_there_at_the_distinct_and_advertiser_levels() -> None:
    now = snapshot(AFTER, earlier_of(snapshot(BEFORE)))
    assert counts(now, "unique", "annonstavlan") == (3, 0)  # exact: every content is new
    assert counts(now, "distinct", "annonstavlan") == (1, 2)  # D new; A and B continue
    assert counts(now, "distinct", "sockerdejt") == (1, 0)  # C is new on this site
    assert counts(now, "advertisers", SCOPE_ALL) == (1, 3)  # only D's is new
    gone = now.gone(SITES)
    assert gone["unique", "gone_vs_baseline", "annonstavlan"] == 3
    assert gone["distinct", "gone_vs_baseline", "annonstavlan"] == 1  # C left this site
    assert gone["advertisers", "gone_vs_baseline", SCOPE_ALL] == 0
    assert gone["advertisers", "gone_vs_baseline", "annonstavlan"] == 1


def test_flows_say_how_the_new_listings_continue_earlier_ones() -> None:
    now = snapshot(AFTER, earlier_of(snapshot(BEFORE)))
    flows = [m for u in now.units() if u.level == "unique" and u.scope == SCOPE_ALL
             for m in u.flows]
    assert sorted(flows) == sorted([
        Measure.REPOSTED_VS_BASELINE, Measure.EDITED_VS_BASELINE,
        Measure.REPOSTED_VS_BASELINE, Measure.MOVED_LOCALITY_VS_BASELINE,
        Measure.REPOSTED_VS_BASELINE, Measure.MOVED_SITE_VS_BASELINE,
        Measure.REPOSTED_VS_PREVIOUS, Measure.EDITED_VS_PREVIOUS,
        Measure.REPOSTED_VS_PREVIOUS, Measure.MOVED_LOCALITY_VS_PREVIOUS,
        Measure.REPOSTED_VS_PREVIOUS, Measure.MOVED_SITE_VS_PREVIOUS])


def test_without_similarity_fingerprints_edits_are_gone_and_new() -> None:
    fps = [f for f in snapshot(BEFORE).fingerprints("w", "s0")
           if f.subject != Subject.SIMILARITY]
    now = snapshot(AFTER, Earlier.from_fingerprints(fps, SITES))
    assert counts(now, "distinct", "annonstavlan") == (3, 0)
    assert counts(now, "advertisers", SCOPE_ALL) == (4, 0)
    assert not any(u.flows for u in now.units())


def test_a_site_not_compared_has_no_flows_and_continues_nothing() -> None:
    earlier = earlier_of(snapshot(BEFORE))
    by_site = {s: [x for x in AFTER if x.site == s] for s in SITES}
    now = Comparison(consolidate(by_site, KEY), earlier, earlier, compared=["sockerdejt"])
    assert not any(u.flows for u in now.units() if u.profile.site == "annonstavlan")
