from __future__ import annotations

from crawler.aggregate import Tally, aggregate
from crawler.normalise import Profile


def p(site: str = "a", locality: str = "Malmö", langs: tuple[str, ...] = ("en",)) -> Profile:
    return Profile(site, "ad_board", locality, langs, "woman", "18-24")


def table(indicators: list) -> dict[tuple[str, str, str, str, str], int]:
    return {(i.scope, i.level, i.measure, i.breakdown, i.category): i.value for i in indicators}


def test_levels_and_scopes() -> None:
    rows = table(aggregate("s", "t", [Tally(p(), 3), Tally(p(site="b"), 1)], ["a", "b"]))
    assert rows["a", "hits", "count", "total", "total"] == 3
    assert rows["a", "unique", "count", "total", "total"] == 1
    assert rows["all", "hits", "count", "total", "total"] == 4
    assert rows["all", "unique", "count", "total", "total"] == 2
    assert rows["all", "unique", "count", "locality", "Malmö"] == 2
    assert rows["all", "unique", "count", "site_kind", "ad_board"] == 2


def test_multi_valued_languages_count_under_each() -> None:
    rows = table(aggregate("s", "t", [Tally(p(langs=("en", "sv")), 1)], ["a"]))
    assert rows["a", "unique", "count", "language", "en"] == 1
    assert rows["a", "unique", "count", "language", "sv"] == 1
    assert rows["a", "unique", "count", "total", "total"] == 1


def test_zero_totals_are_stated_for_every_crawled_site() -> None:
    rows = table(aggregate("s", "t", [], ["quiet"]))
    assert rows["quiet", "unique", "count", "total", "total"] == 0
    assert rows["all", "hits", "count", "total", "total"] == 0


def test_new_still_gone() -> None:
    tallies = [Tally(p(), 1, new_vs_baseline=True), Tally(p(), 1, new_vs_baseline=False)]
    rows = table(aggregate("s", "t", tallies, ["a"], gone={("gone_vs_baseline", "a"): 5,
                                                           ("gone_vs_baseline", "all"): 5}))
    assert rows["a", "unique", "new_vs_baseline", "total", "total"] == 1
    assert rows["a", "unique", "still_vs_baseline", "total", "total"] == 1
    assert rows["a", "unique", "gone_vs_baseline", "total", "total"] == 5
    assert rows["all", "unique", "gone_vs_baseline", "total", "total"] == 5
    assert rows["a", "unique", "new_vs_baseline", "locality", "Malmö"] == 1


def test_not_comparable_scopes_are_marked() -> None:
    out = aggregate("s", "t", [Tally(p(), 1), Tally(p(site="b"), 1)], ["a", "b"],
                    not_comparable=["b"])
    flags = {(i.scope, i.comparable) for i in out}
    assert flags == {("a", True), ("b", False), ("all", False)}
