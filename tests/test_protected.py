"""One snapshot's protection, decided once and shared by every output (crawler/protected.py)."""

from __future__ import annotations

import json
from pathlib import Path

from crawler.disclosure import SECONDARY, Protection
from crawler.protected import VERSION, Protected, protect_snapshot, snapshot_table
from crawler.records import Indicator, RunRecord, SiteRun
from crawler.report.console import summary
from crawler.store import open_store
from crawler.store.base import indicator_key
from tests.reader_support import as_read, ranges

TAKEN = "2026-11-02T06:00:00+00:00"


def ind(scope: str, level: str, value: int, measure: str = "count",
        breakdown: str = "total", category: str = "total") -> Indicator:
    return Indicator("s1", TAKEN, scope, level, measure, breakdown, category, value)


def rows() -> list[Indicator]:
    out = []
    for level, (a, b) in {"hits": (90, 3), "unique": (60, 2), "distinct": (55, 2),
                          "advertisers": (40, 2)}.items():
        out += [ind("a", level, a), ind("b", level, b), ind("all", level, a + b)]
    # unique listings of "all": new + still = count, against the baseline
    out += [ind("all", "unique", 58, breakdown="locality", category="Stockholm"),
            ind("all", "unique", 4, breakdown="locality", category="Kiruna"),
            ind("all", "unique", 57, "new_vs_baseline", "locality", "Stockholm"),
            ind("all", "unique", 1, "still_vs_baseline", "locality", "Stockholm"),
            ind("all", "unique", 4, "new_vs_baseline", "locality", "Kiruna"),
            ind("all", "unique", 0, "still_vs_baseline", "locality", "Kiruna")]
    return out


def stored(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    record = RunRecord("s1", TAKEN, "running", "h", "0.1.0", window_id="w1", is_baseline=True,
                       sites=(SiteRun("a", "ad_board", "ok", 1, 90),
                              SiteRun("b", "ad_board", "ok", 1, 3)))
    with open_store(url) as store:
        store.begin_run(record)
        store.complete_run(RunRecord(**{**record.to_plain(), "status": "complete",
                                        "sites": record.sites}), rows(), [])
    return url


def test_the_table_holds_count_as_new_plus_still_and_site_kinds(tmp_path: Path) -> None:
    with open_store(stored(tmp_path)) as store:
        run = store.runs()[0]
        table = snapshot_table(run, store.indicators())
    lines = {(line.total[1:], tuple(p[1:] for p in line.parts)) for line in table.lines}
    assert (("all", "unique", "count", "locality", "Kiruna"),
            (("all", "unique", "new_vs_baseline", "locality", "Kiruna"),
             ("all", "unique", "still_vs_baseline", "locality", "Kiruna"))) in lines
    # a site's total is its cell in "all"'s site breakdown only where that cell exists;
    # the count totals are partners of last resort
    assert ("s1", "all", "unique", "count", "total", "total") in table.reluctant
    # national counts are spared too, after the totals
    assert table.reluctant[("s1", "all", "unique", "count", "total", "total")] > \
        table.reluctant[("s1", "a", "unique", "count", "total", "total")] > \
        table.reluctant[("s1", "all", "unique", "count", "locality", "Kiruna")]
    assert ("s1", "all", "unique", "new_vs_baseline", "locality", "Kiruna") not in table.reluctant


def test_a_decision_is_made_once_kept_and_read_back_the_same(tmp_path: Path) -> None:
    cache = tmp_path / "protection"
    with open_store(stored(tmp_path)) as store:
        run = store.runs()[0]
        first = Protected(store, Protection(), cache).shown(run)
        files = list(cache.iterdir())
        assert [f.name for f in files] == ["s1.suppress-5.json"]
        held = json.loads(files[0].read_text())
        assert held["version"] == VERSION
        # only the hidden cells' keys and markers: aggregates, no value
        assert {status for _, status in held["hidden"]} <= {"primary", "secondary"}
        assert all(len(key) == 6 for key, _ in held["hidden"])
        again = Protected(store, Protection(), cache).shown(run)
        assert again == first
        # Kiruna (4) is small, and so is its new count; the Stockholm line then needs
        # more hidden, so that 58 - 57 - ... cannot give Kiruna's still count away
        kiruna = ("s1", "all", "unique", "count", "locality", "Kiruna")
        assert first[kiruna].text == "<5"
        new_kiruna = ("s1", "all", "unique", "new_vs_baseline", "locality", "Kiruna")
        assert first[new_kiruna].value is None

        # a decision of another version, or one that would show a small count, is not
        # trusted: decided again
        files[0].write_text(json.dumps({"version": VERSION, "hidden": []}))
        assert Protected(store, Protection(), cache).shown(run) == first
        files[0].write_text(json.dumps({"version": VERSION - 1, "hidden": held["hidden"]}))
        assert Protected(store, Protection(), cache).shown(run) == first


def test_outputs_show_a_snapshot_as_its_one_decision_says(tmp_path: Path) -> None:
    with open_store(stored(tmp_path)) as store:
        run = store.runs()[0]
        decided = Protected(store, Protection()).shown(run)
        text = summary(store)
    # the summary's site table: b is small in every column; for a and "all", what the
    # summary prints is what the decision says, whichever of them it hid
    by_scope = {line.split()[0]: line.split() for line in text.splitlines()
                if line.split() and line.split()[0] in ("a", "b", "all")}
    for scope in ("a", "b", "all"):
        for column, level in enumerate(("hits", "unique", "distinct", "advertisers")):
            cell = decided[("s1", scope, level, "count", "total", "total")]
            assert by_scope[scope][2 + column if scope != "all" else 1 + column] == cell.text
    assert any(decided[indicator_key(i)].text == SECONDARY for i in rows())


def test_a_sites_county_cell_is_the_countys_site_cell() -> None:
    run = RunRecord("s1", TAKEN, "complete", "h", "0.1.0",
                    sites=(SiteRun("a", "ad_board", "ok", 1, 9),))
    county = [ind("a", "unique", 7, breakdown="county", category="SE-M"),
              ind("a", "unique", 2, breakdown="county", category="SE-I"),
              ind("a", "unique", 9),
              ind("county:SE-M", "unique", 7, breakdown="site", category="a"),
              ind("county:SE-M", "unique", 7),
              ind("county:SE-I", "unique", 2, breakdown="site", category="a"),
              ind("county:SE-I", "unique", 2)]
    table = snapshot_table(run, county)
    site_cell = ("s1", "a", "unique", "count", "county", "SE-M")
    county_cell = ("s1", "county:SE-M", "unique", "count", "site", "a")
    assert any(line.total == county_cell and line.parts == (site_cell,) for line in table.lines)
    decided = protect_snapshot(table, Protection())
    # SE-I's 2 is small; the 7 beside it goes in both places or in neither
    assert decided[site_cell].text == decided[county_cell].text == SECONDARY


def test_a_count_gone_since_the_last_snapshot_is_not_left_to_subtraction(tmp_path: Path) -> None:
    # day 0: 10 listings; day 7: 8 of them still there, 2 gone, 6 new (14)
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    day7 = "2026-11-09T06:00:00+00:00"
    site = (SiteRun("a", "ad_board", "ok", 1, 14),)

    def total(sid: str, taken: str, measure: str, value: int) -> Indicator:
        return Indicator(sid, taken, "all", "unique", measure, "total", "total", value)

    first = [total("s1", TAKEN, "count", 10)]
    second = [total("s2", day7, "count", 14)] + [
        total("s2", day7, f"{kind}_vs_{against}", n) for against in ("baseline", "previous")
        for kind, n in (("new", 6), ("still", 8), ("gone", 2))]
    with open_store(url) as store:
        for sid, taken, rows_, baseline in (("s1", TAKEN, first, True),
                                            ("s2", day7, second, False)):
            record = RunRecord(sid, taken, "running", "h", "0.1.0", window_id="w1",
                               is_baseline=baseline, sites=site)
            store.begin_run(record)
            store.complete_run(RunRecord(**{**record.to_plain(), "status": "complete",
                                            "sites": site}), rows_, [])
        runs = store.runs()
        protected = Protected(store, Protection())
        shown = {**protected.shown(runs[0]), **protected.shown(runs[1])}
        alone = protect_snapshot(snapshot_table(runs[1], second), Protection())

    def gone_range(published: dict) -> tuple[float, float]:
        """What a reader of both snapshots can work out of the 2 gone."""
        key = {m: ("s2", "all", "unique", m, "total", "total") for m in
               ("count", "new_vs_previous", "still_vs_previous", "gone_vs_previous")}
        earlier = ("s1", "all", "unique", "count", "total", "total")
        sums = [(earlier, [key["still_vs_previous"], key["gone_vs_previous"]]),
                (key["count"], [key["new_vs_previous"], key["still_vs_previous"]])]
        read = as_read({**published, earlier: shown[earlier]})
        return ranges(sums, *read, of=[key["gone_vs_previous"]])[key["gone_vs_previous"]]

    assert shown[("s1", "all", "unique", "count", "total", "total")].text == "10"
    gone = ("s2", "all", "unique", "gone_vs_previous", "total", "total")
    assert shown[gone].text == "<5"
    # decided alone, day 7 showed 14 and 6 new: 10 - (14 - 6) = 2 gone
    low, high = gone_range(alone)
    assert high - low < 1
    # decided with day 0's published total, it does not
    low, high = gone_range({k: v for k, v in shown.items() if k[0] == "s2"})
    assert high - low >= 1
