from __future__ import annotations

from crawler.aggregate import Unit, aggregate
from crawler.normalise import Profile


def p(site: str = "a", locality: str = "Malmö", langs: tuple[str, ...] = ("en",)) -> Profile:
    return Profile(site, "ad_board", locality, langs, "woman", "18-24")


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
    flags = {(i.scope, i.comparable) for i in out}
    assert flags == {("a", True), ("b", False), ("all", False)}
