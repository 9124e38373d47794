from __future__ import annotations

from crawler.aggregate import COUNTY_SCOPES, Unit, aggregate, county_gone
from crawler.normalise import Profile


def p(site: str = "a", locality: str = "Malmö", langs: tuple[str, ...] = ("en",),
      county: str = "SE-M") -> Profile:
    return Profile(site, "ad_board", locality, langs, "woman", "18-24", county=county)


def table(indicators: list) -> dict[tuple[str, str, str, str, str], int]:
    return {(i.scope, i.level, i.measure, i.breakdown, i.category): i.value for i in indicators}


def both(level: str, profile: Profile, **kw: object) -> list[Unit]:
    return [Unit(level, profile.site, profile, **kw), Unit(level, "all", profile, **kw)]  # type: ignore[arg-type]


def test_levels_and_scopes() -> None:
    units = [*both("hits", p(), weight=3), *both("unique", p()),
             *both("hits", p(site="b")), *both("unique", p(site="b"))]
    rows = table(aggregate("s", "t", units, ["a", "b"]))
    assert rows["a", "hits", "count", "total", "total"] == 3
    assert rows["a", "unique", "count", "total", "total"] == 1
    assert rows["all", "hits", "count", "total", "total"] == 4
    assert rows["all", "unique", "count", "total", "total"] == 2
    assert rows["all", "unique", "count", "locality", "Malmö"] == 2
    assert rows["all", "unique", "count", "site_kind", "ad_board"] == 2
    # levels with no unit yet still state their zero
    assert rows["a", "advertisers", "count", "total", "total"] == 0


def test_multi_valued_languages_count_under_each() -> None:
    rows = table(aggregate("s", "t", both("unique", p(langs=("en", "sv"))), ["a"]))
    assert rows["a", "unique", "count", "language", "en"] == 1
    assert rows["a", "unique", "count", "language", "sv"] == 1
    assert rows["a", "unique", "count", "total", "total"] == 1


def test_zero_totals_are_stated_for_every_crawled_site() -> None:
    rows = table(aggregate("s", "t", [], ["quiet"]))
    assert rows["quiet", "unique", "count", "total", "total"] == 0
    assert rows["all", "hits", "count", "total", "total"] == 0


def test_new_still_gone_and_reach() -> None:
    units = [*both("unique", p(), new_vs_baseline=True), *both("unique", p(), new_vs_baseline=False),
             Unit("advertisers", "a", p(), new_vs_baseline=True, reach="2")]
    rows = table(aggregate("s", "t", units, ["a"],
                           gone={("unique", "gone_vs_baseline", "a"): 5,
                                 ("unique", "gone_vs_baseline", "all"): 5}))
    assert rows["a", "unique", "new_vs_baseline", "total", "total"] == 1
    assert rows["a", "unique", "still_vs_baseline", "total", "total"] == 1
    assert rows["a", "unique", "gone_vs_baseline", "total", "total"] == 5
    assert rows["all", "unique", "gone_vs_baseline", "total", "total"] == 5
    assert rows["a", "unique", "new_vs_baseline", "locality", "Malmö"] == 1
    assert rows["a", "advertisers", "count", "reach", "2"] == 1
    assert rows["a", "advertisers", "new_vs_baseline", "reach", "2"] == 1
    # every level that can be compared states its zeros once a comparison exists
    assert rows["a", "distinct", "gone_vs_baseline", "total", "total"] == 0
    assert ("a", "hits", "new_vs_baseline", "total", "total") not in rows


def test_not_comparable_scopes_are_marked() -> None:
    out = aggregate("s", "t", [*both("unique", p()), *both("unique", p(site="b"))], ["a", "b"],
                    not_comparable=["b"])
    flags = {(i.scope, i.comparable) for i in out if not i.scope.startswith("county:")}
    assert flags == {("a", True), ("b", False), ("all", False)}
    # a county's counts take in every site, the unhealthy one too
    assert {i.comparable for i in out if i.scope.startswith("county:")} == {False}


def test_every_breakdown_exists_per_county_and_sites_are_a_breakdown() -> None:
    units = [*both("unique", p()), *both("unique", p(site="b", locality="Lund")),
             *both("unique", p(locality="Umeå", county="SE-AC", langs=("sv",))),
             *both("unique", p(locality="abroad", county="abroad")),
             *both("unique", p(locality="unknown", county="unknown"))]
    rows = table(aggregate("s", "t", units, ["a", "b"]))
    assert rows["county:SE-M", "unique", "count", "total", "total"] == 2
    assert rows["county:SE-M", "unique", "count", "locality", "Lund"] == 1
    assert rows["county:SE-M", "unique", "count", "site", "b"] == 1
    assert rows["county:SE-M", "unique", "count", "language", "en"] == 2
    assert rows["county:SE-AC", "unique", "count", "language", "sv"] == 1
    # abroad and unknown belong to no county; the national total has them
    assert rows["all", "unique", "count", "total", "total"] == 5
    assert sum(rows["county:" + c, "unique", "count", "total", "total"]
               for c in ("SE-M", "SE-AC")) == 3
    assert rows["all", "unique", "count", "site", "a"] == 4
    # every län states its zero, and a site's own scope has no "site" breakdown
    assert len(COUNTY_SCOPES) == 21
    assert rows["county:SE-AB", "advertisers", "count", "total", "total"] == 0
    assert not any(k[0] == "a" and k[3] == "site" for k in rows)


def test_gone_per_county_is_what_was_there_and_is_not_still() -> None:
    units = [*both("unique", p(), new_vs_baseline=False),
             *both("unique", p(locality="Lund"), new_vs_baseline=True),
             *both("unique", p(locality="Umeå", county="SE-AC"), new_vs_baseline=False)]
    gone = county_gone(units, {"baseline": {"county:SE-M": 4, "county:SE-AC": 1,
                                            "county:SE-O": 2}})
    assert gone == {("unique", "gone_vs_baseline", "county:SE-M"): 3,
                    ("unique", "gone_vs_baseline", "county:SE-AC"): 0,
                    ("unique", "gone_vs_baseline", "county:SE-O"): 2}
    rows = table(aggregate("s", "t", units, ["a"], gone=gone))
    assert rows["county:SE-M", "unique", "new_vs_baseline", "total", "total"] == 1
    assert rows["county:SE-M", "unique", "still_vs_baseline", "total", "total"] == 1
    assert rows["county:SE-M", "unique", "gone_vs_baseline", "total", "total"] == 3
    assert rows["county:SE-O", "unique", "gone_vs_baseline", "total", "total"] == 2


def test_the_ort_of_a_stated_age_under_18_is_kept_per_scope_for_the_alert() -> None:
    young = Profile("a", "ad_board", "Lund", ("sv",), "woman", "under-18", county="SE-M",
                    under_18=True)
    rows = table(aggregate("s", "t", [*both("unique", young), *both("unique", p())], ["a"]))
    found = {k: v for k, v in rows.items() if k[3] == "under_18_locality"}
    # the site's scope gives (site, ort), the län's its orter; an adult listing gives none
    assert found == {("a", "unique", "count", "under_18_locality", "Lund"): 1,
                     ("all", "unique", "count", "under_18_locality", "Lund"): 1,
                     ("county:SE-M", "unique", "count", "under_18_locality", "Lund"): 1}
