"""The cell key method as every output publishes it, and what an attacker gets from it.

The attackers here are written from the method's definition (a published count is the
true count plus a perturbation read from the p-table by the cell key), not from the code
that publishes: they see only published numbers and, in the worst case, the p-table
itself (which value each true count can be published as)."""

from __future__ import annotations

import random
from collections import defaultdict
from itertools import product

import pytest

from crawler.aggregate import Unit, aggregate
from crawler.normalise import Profile
from crawler.protection import Protection, flag
from crawler.ptable import PTable, PTableParameters
from crawler.record_keys import named_cell_key
from crawler.records import CELL_KEY_RANGE, Indicator
from crawler.vocabulary import CellState

SECRET = bytes(range(32))
LOCALITIES = ("Lund", "Malmö", "Ystad", "Eslöv", "Höör", "Hörby")


def indicator(value: int, cell_key: int | None, category: str = "Lund",
              breakdown: str = "locality", snapshot: str = "s1") -> Indicator:
    return Indicator(snapshot, "2026-03-02T06:00:00+00:00", "all", "unique", "count",
                     breakdown, category, value, cell_key=cell_key)


def market(seed: int, cells: int = 6, largest: int = 6) -> list[Unit]:
    """Unique listings in a few localities, most of them small, each with a random record
    key, as the snapshot process gives them."""
    rng = random.Random(seed)
    units = []
    for locality in LOCALITIES[:cells]:
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3, largest])):
            key = rng.randrange(CELL_KEY_RANGE)
            p = Profile("a", "ad_board", locality, ("en",), "woman", "18-24", county="SE-M")
            units += [Unit("unique", "a", p, record_key=key), Unit("unique", "all", p, record_key=key)]
    return units


def table(units: list[Unit], snapshot: str = "s1") -> dict[str, Indicator]:
    """The locality breakdown of scope "all" and its total, by category."""
    return {i.category: i for i in aggregate(snapshot, "t", units, ["a"])
            if i.scope == "all" and i.level == "unique" and i.measure == "count"
            and i.breakdown in ("locality", "total")}


# -- what is published ----------------------------------------------------------------------

def test_a_published_count_is_a_function_of_count_and_cell_key_alone() -> None:
    protection = Protection()
    ptable = PTable.build(protection.parameters)
    for value, key in product((0, 1, 2, 3, 7, 150, 5091), (0, 1, 2047, 4095)):
        shown = protection.cell(indicator(value, key))
        assert shown.state == CellState.PERTURBED and shown.value == ptable.published(value, key)
        assert shown.text == str(shown.value)
        # another category, another snapshot, another Protection: the same number
        assert Protection().cell(indicator(value, key, "Malmö", snapshot="s9")) == shown


def test_zero_stays_zero_and_no_count_is_published_as_one_or_two() -> None:
    protection = Protection()
    d = protection.parameters.max_deviation
    for value in range(0, 30):
        published = {protection.published(indicator(value, key)) for key in range(CELL_KEY_RANGE)}
        if value == 0:
            assert published == {0}
        assert not published & {1, 2}
        assert all(abs(p - value) <= d and p >= 0 for p in published)


def test_an_indicator_without_a_cell_key_is_published_by_its_name_never_exact() -> None:
    protection = Protection(secret=SECRET)
    old = indicator(1, None)
    shown = protection.cell(old)
    key = named_cell_key(SECRET, "s1", "all", "unique", "count", "locality", "Lund")
    assert shown.value == PTable.build().published(1, key) != 1
    assert protection.cell(old) == shown, "the same number every time"
    with pytest.raises(ValueError, match="no cell key"):
        Protection().cell(old)


def test_a_stated_age_under_18_is_a_flag_never_perturbed_to_zero() -> None:
    protection = Protection()
    for value, key in product((0, 1, 2), range(0, CELL_KEY_RANGE, 97)):
        shown = protection.cell(indicator(value, key, "under-18", "age_band"))
        assert shown.state == CellState.FLAG and shown.value is None
        assert shown.text == ("present" if value else "not present")
    assert flag([indicator(0, 5, "under-18", "age_band"),
                 indicator(1, 5, "under-18", "age_band")]).present


# -- risk: attackers written from the method's definition ------------------------------------

def support(ptable: PTable, top: int = 60) -> dict[int, set[int]]:
    """Published value -> the true counts that can be published as it (what an attacker
    who knows the p-table can say of a published number)."""
    behind: dict[int, set[int]] = defaultdict(set)
    for true in range(top):
        for published in ptable.transition(true):
            behind[published].add(true)
    return behind


def test_a_reader_of_every_output_and_run_gets_one_value_per_cell() -> None:
    # (a) averaging: the same units counted in two tables, two runs, two snapshots of an
    # unchanged cell: the attacker collects every published copy of the cell
    units = market(seed=1)
    copies = defaultdict(set)
    for run in range(3):
        protection = Protection(secret=SECRET)
        for i in aggregate(f"s{run}", "t", units, ["a"]):
            if i.level == "unique" and i.measure == "count" and i.breakdown == "locality":
                copies[i.scope, i.category].add(protection.published(i))
            if i.level == "unique" and i.breakdown == "total" and i.scope.startswith("county:"):
                copies["all", "county total"].add(protection.published(i))
    # the county's locality cells are the same units as "all"'s: one value for both
    for locality in LOCALITIES:
        values = copies["all", locality] | copies["county:SE-M", locality]
        assert len(values) <= 1, (locality, values)


def test_differencing_two_weeks_shows_no_change_where_the_listings_did_not_change() -> None:
    # (b) week 2 = week 1 with one locality's listings replaced by others of the same count
    week1 = market(seed=2)
    rng = random.Random(3)
    week2 = [u if u.profile.locality != "Lund" else
             Unit(u.level, u.scope, u.profile, record_key=rng.randrange(CELL_KEY_RANGE))
             for u in week1]
    protection = Protection()
    one, two = table(week1, "w1"), table(week2, "w2")
    for locality in LOCALITIES[1:]:
        if locality in one:
            assert protection.published(one[locality]) == protection.published(two[locality])


def test_counts_of_one_and_two_are_published_exactly_as_often_as_the_p_table_promises() -> None:
    # (c) many cells of true count 1 and 2, each with its own units and record keys
    rng = random.Random(4)
    for parameters in (Protection().parameters, PTableParameters(3, 2.0, 1)):
        protection, ptable = Protection(parameters), PTable.build(parameters)
        for true in (1, 2):
            trials = 20_000
            exact = sum(
                protection.published(indicator(true, sum(rng.randrange(CELL_KEY_RANGE)
                                                         for _ in range(true)) % CELL_KEY_RANGE))
                == true for _ in range(trials))
            promised = ptable.transition(true).get(true, 0.0)
            # four standard errors of a binomial share
            tolerance = 4 * (max(promised, 1e-3) * (1 - promised) / trials) ** 0.5
            assert abs(exact / trials - promised) <= tolerance, (parameters, true)
            if parameters.smallest_published == 3:
                assert exact == 0, "the ABS rule: no 1 or 2 is ever published"


def test_a_reader_of_a_whole_table_cannot_pin_a_one() -> None:
    # (d) the attacker reads every published cell of a table and its total, knows the
    # p-table, and asks which true values the target can have
    ptable = PTable.build(Protection().parameters)
    behind = support(ptable)
    protection = Protection()
    ones = pinned = 0
    pinned_knowing_others = 0
    for seed in range(400):
        cells = table(market(seed, largest=12))
        total = cells.pop("total")
        for category, target in cells.items():
            if target.value != 1:
                continue
            ones += 1
            others = [c for k, c in cells.items() if k != category]
            can_be = behind[protection.published(target)]
            low = min(behind[protection.published(total)]) - sum(
                max(behind[protection.published(o)]) for o in others)
            high = max(behind[protection.published(total)]) - sum(
                min(behind[protection.published(o)]) for o in others)
            seen = {x for x in can_be if low <= x <= high}
            assert 1 in seen
            pinned += seen == {1}
            # worst case: the attacker knows every other cell exactly
            exact_rest = sum(o.value for o in others)
            known = {x for x in can_be if x + exact_rest in behind[protection.published(total)]}
            pinned_knowing_others += known == {1}
    assert ones > 300
    assert pinned == 0, "from published numbers, a true 1 is never certain"
    # knowing every other count exactly is more than any reader of adcensus's outputs has;
    # even then a 1 is pinned only when the total's and the cell's perturbations both sit
    # at the edges of their range
    print(f"true 1s: {ones}; pinned by an attacker who knows every other count exactly: "
          f"{pinned_knowing_others}")
    assert pinned_knowing_others / ones < 0.05, (pinned_knowing_others, ones)



# -- every output: one number per cell ---------------------------------------------------------

def test_the_summary_overview_weekly_report_and_export_publish_a_cell_as_one_number(
        tmp_path, capsys) -> None:
    import csv
    from datetime import UTC, datetime, timedelta

    from crawler.cli import main
    from crawler.config import load_config
    from crawler.keys import KeyRing
    from crawler.listing import Listing
    from crawler.protection import protection_for
    from crawler.records import SiteRun
    from crawler.report import lan
    from crawler.report.weekly import build
    from crawler.report.weeks import week_of
    from crawler.snapshot import Snapshot
    from crawler.store import open_store
    from tests.conftest import write_config

    config = write_config(tmp_path, "http://127.0.0.1:9", browser=False)
    loaded = load_config(config)
    taken = datetime(2026, 11, 11, 12, tzinfo=UTC)  # a Wednesday: week 46 in Stockholm
    sizes = {"Lund": 9, "Malmö": 14, "Ystad": 1, "Eslöv": 2, "Höör": 4}
    for week in range(2):
        batch = [Listing("annonstavlan", "ad_board",
                         {"text": f"a neutral synthetic text {place} {n} {week * (n % 3)}",
                          "locality": place, "age": "25"})
                 for place, size in sizes.items() for n in range(size)]
        with open_store(loaded.store_url) as store:
            moment = taken + timedelta(days=7 * week)
            snap = Snapshot(store, KeyRing(loaded.keys_dir), 91, "h", now=moment)
            snap.begin()
            snap.finish({"annonstavlan": batch},
                        [SiteRun("annonstavlan", "ad_board", "ok", pages=1, items=len(batch))],
                        finished=moment)
    capsys.readouterr()

    # the summary: its table of localities (unique listings, all sites)
    assert main(["summary", "--config", str(config)]) == 0
    lines = capsys.readouterr().out.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("Top localities"))
    summary = {}
    for line in lines[start + 2:]:
        parts = line.split()
        if len(parts) != 3 or parts[0] not in sizes:
            break
        summary[parts[0]] = int(parts[1])

    # the overview, as CSV: the localities table's unique counts
    assert main(["overview", "--config", str(config), "--format", "csv"]) == 0
    overview = {row["row"]: int(row["value"])
                for row in csv.DictReader(capsys.readouterr().out.splitlines())
                if row["table"] == "locality" and row["column"] == "unique"
                and row["row"] in sizes}

    # the weekly report of Skåne: its orter are the county scope's cells of the same units
    with open_store(loaded.store_url) as store:
        report = build(store, lan.resolve("Skåne län"), week_of(taken + timedelta(days=7)),
                       protection_for(loaded))
    weekly = {row.key: row.now.value for row in report.orter}

    # the export: the latest snapshot's rows of scope all and of the county
    out = tmp_path / "export"
    assert main(["export", "--config", str(config), "--from", "2026-11-01", "--to",
                 "2026-11-30", "--out", str(out)]) == 0
    with (out / "indicators.csv").open(encoding="utf-8") as table_file:
        rows = list(csv.DictReader(table_file))
    latest = max(row["taken_at"] for row in rows)
    exported = {(row["scope"], row["category"]): int(row["value"]) for row in rows
                if row["taken_at"] == latest and row["level"] == "unique"
                and row["measure"] == "count" and row["breakdown"] == "locality"}

    assert set(summary) == set(overview) == set(weekly) == set(sizes)
    for place in sizes:
        values = {summary[place], overview[place], weekly[place], exported["all", place],
                  exported["county:SE-M", place]}
        assert len(values) == 1, (place, summary[place], overview[place], weekly[place],
                                  exported["all", place], exported["county:SE-M", place])
    # nothing is hidden, and small counts are not published as 1 or 2
    assert not {1, 2} & set(summary.values())
