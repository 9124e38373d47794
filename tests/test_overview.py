"""The national overview: its numbers against the demo market's ground truth after a real
crawl, a period summarised as its snapshots plus the last one's tables, shares that never
give away a hidden count, and clear errors for bad input."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from crawler.cli import main
from crawler.commands.snapshot import run_snapshot
from crawler.demo_market.generator import Market, generate
from crawler.demo_market.server import MarketServer
from crawler.disclosure import CELL_KEY, SECONDARY, Protection
from crawler.keys import KeyRing
from crawler.listing import Listing
from crawler.records import SiteRun
from crawler.report.overview import Overview, build, taken_on
from crawler.report.overview_render import CSV_FIELDS, to_csv, to_html, to_text
from crawler.report.overview_tables import HIDDEN_SHARE, NO_LABEL, STATED, OverviewTable, Row
from crawler.sites import load_sites
from crawler.snapshot import Snapshot
from crawler.store import open_store
from tests.conftest import SITES, write_config
from tests.reader_support import ranges

T0 = datetime(2026, 11, 2, 6, tzinfo=UTC)
KEY = bytes(range(32))
COMPOSITIONS = ("site_kind", "locality", "gender", "age_band", "orientation", "nationality",
                "language", "ethnicity")


# --- helpers -------------------------------------------------------------------------------

def column(table: OverviewTable, key: str) -> int:
    return [c.key for c in table.columns].index(key)


def rows(table: OverviewTable, kind: str | None = None) -> list[Row]:
    return [r for r in table.rows if kind is None or r.kind == kind]


def cell(table: OverviewTable, category: str, key: str):
    row = next(r for r in table.rows if r.category == category)
    return row.values[column(table, key)]


def assert_shares_hide_what_counts_hide(overview: Overview) -> int:
    """In every composition table, a share is shown only beside a shown count and a shown
    base (the stated count, the trans count or all listings); returns the shares checked."""
    checked = 0
    for name in COMPOSITIONS:
        table = overview.table(name)
        by_category = {r.category: r for r in table.rows}
        for level in ("unique", "distinct", "advertisers"):
            n = column(table, level)
            for row in table.rows:
                for key, base in ((f"{level}_pct_stated", "trans" if row.kind == "detail"
                                   else STATED), (f"{level}_pct_all", "total")):
                    if key not in [c.key for c in table.columns]:
                        continue
                    value = row.values[column(table, key)]
                    if value.number is None:
                        continue
                    base_value = by_category[base].values[n].number
                    assert row.values[n].number is not None, (name, row.category, key)
                    assert base_value is not None, (name, row.category, key)
                    assert value.number == round(100 * row.values[n].number / base_value, 1)
                    checked += 1
                    if row.values[n].status in ("primary", "secondary"):
                        raise AssertionError((name, row.category, key))
    return checked


# --- a real crawl of the demo market (the HTTP ad board; the browser sites yield nothing) ---

SITE = "annonstavlan"
BROWSER_SITES = tuple(s.name for s in load_sites(SITES) if s.render == "browser")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Market, Path, list[str]]]:
    """Two snapshots, on day 0 and day 7 of the market."""
    directory = tmp_path_factory.mktemp("overview")
    market = generate(seed=7, listings=240)
    with MarketServer(market) as server:
        config = write_config(directory, server.url, browser=False)
        # the ad board, and the browser sites fetched as empty shells; the other HTTP
        # sites would add listings the composition checks below do not expect
        data = yaml.safe_load(config.read_text())
        data["sites"]["enabled"] = [SITE, *BROWSER_SITES]
        config.write_text(yaml.safe_dump(data))
        assert run_snapshot(config, quiet=True) == 0
        market.advance(7)
        assert run_snapshot(config, quiet=True) == 0
    with open_store(f"sqlite:///{directory / 'store.sqlite'}") as store:
        ids = [r.snapshot_id for r in store.runs()]
    assert len(ids) == 2
    yield market, config, ids


def overview_of(config: Path, **kwargs) -> Overview:
    from crawler.config import load_config

    loaded = load_config(config)
    with open_store(loaded.store_url) as store:
        return build(store, kwargs.pop("protection", Protection()),
                     cache_dir=loaded.protection_dir, **kwargs)


def truth_of(market: Market, breakdown: str, day: int = 0) -> Counter:
    truth = market.truth(day)
    return Counter({cat: n for (site, cat), n in truth.unique_by[breakdown].items()
                    if site == SITE})


def check_count(value, expected: int, threshold: int = 5) -> str:
    """A shown count is the truth; a hidden one is in the range its marker states."""
    if value.status == "exact":
        assert value.number == expected
    elif value.status == "primary":
        assert 1 <= expected < threshold
    elif value.status == "secondary":
        # ".." is 5 or more, or a small count masked when "<5" alone would still pin it
        assert expected >= 1
    elif value.status == "hidden":
        pass  # derived from a hidden count: says nothing about its value
    else:
        raise AssertionError(f"unexpected status {value.status}")
    return value.status


@pytest.mark.slow
def test_every_shown_count_is_the_ground_truth_and_hidden_ones_are_in_range(crawled) -> None:
    market, config, ids = crawled
    overview = overview_of(config, snapshot_id=ids[0], top=1000)
    truth = market.truth(0)
    statuses: Counter = Counter()

    sites = overview.table("sites")
    assert cell(sites, SITE, "unique").number == truth.unique[SITE]
    assert cell(sites, SITE, "hits").number == truth.hits[SITE]
    statuses[check_count(cell(sites, SITE, "distinct"), truth.distinct[SITE])] += 1
    statuses[check_count(cell(sites, SITE, "advertisers"), truth.advertisers[SITE])] += 1
    for browser_site in BROWSER_SITES:  # fetched as shells: nothing
        assert cell(sites, browser_site, "unique").number == 0

    total = truth.unique[SITE]
    for name in COMPOSITIONS:
        table = overview.table(name)
        expected = truth_of(market, name)
        unknown = expected.get("unknown", 0)
        shown_categories = {r.category for r in rows(table, "category")}
        # every category the truth has is a row (top=1000: none cut off); site kinds are
        # listed for every kind crawled, with zero where nothing was seen
        in_truth = {c for c, n in expected.items() if n and c != "unknown"}
        assert shown_categories >= in_truth, name
        assert name == "site_kind" or shown_categories == in_truth, name
        for row in rows(table, "category"):
            statuses[check_count(row.values[column(table, "unique")], expected[row.category])] += 1
        assert cell(table, "total", "unique").number == total
        # one site counted: its distinct listings and advertisers are all there are
        statuses[check_count(cell(table, "total", "distinct"), truth.distinct[SITE])] += 1
        statuses[check_count(cell(table, "total", "advertisers"), truth.advertisers[SITE])] += 1
        if name != "site_kind":
            statuses[check_count(cell(table, "unknown", "unique"), unknown)] += 1
            statuses[check_count(cell(table, STATED, "unique"), total - unknown)] += 1
            for row in rows(table, "category"):
                share = row.values[column(table, "unique_pct_stated")]
                if share.number is not None:
                    assert share.number == round(100 * expected[row.category] / (total - unknown), 1)
    # the test saw every kind of cell: exact counts, and small ones hidden
    assert statuses["exact"] > 30 and statuses["primary"] > 10, statuses
    assert assert_shares_hide_what_counts_hide(overview) > 30


@pytest.mark.slow
def test_the_locality_list_is_the_largest_shown_counts_first(crawled) -> None:
    market, config, ids = crawled
    table = overview_of(config, snapshot_id=ids[0], top=3).table("locality")
    listed = rows(table, "category")
    assert len(listed) == 3
    expected = truth_of(market, "locality")
    top = [c for c, _ in sorted(((c, n) for c, n in expected.items()
                                 if c not in ("unknown", "abroad")), key=lambda x: (-x[1], x[0]))]
    shown = [r.values[column(table, "unique")].number for r in listed]
    # ranked by what is shown, hidden counts (secondary suppression reaches mid-sized
    # localities in this small market) after every shown one
    numbers = [n for n in shown if n is not None]
    assert shown == sorted(numbers, reverse=True) + [None] * (len(shown) - len(numbers))
    assert numbers and listed[0].category == top[0]  # the largest is far above 5: exact
    assert any("more categories not shown" in n for n in table.notes)


@pytest.mark.slow
def test_a_period_lists_its_snapshots_and_counts_unique_listings_as_in_2020(crawled) -> None:
    market, config, ids = crawled
    with open_store(f"sqlite:///{config.parent / 'store.sqlite'}") as store:
        runs = store.runs()
    overview = overview_of(config, start=taken_on(runs[0]), end=taken_on(runs[-1]))
    assert overview.snapshots == tuple(ids) and overview.snapshot_id == ids[-1]
    snapshots = overview.table("snapshots")
    assert [r.snapshot_id for r in snapshots.rows] == ids
    day0, day7 = market.truth(0), market.truth(7, baseline_day=0, previous_day=0)
    assert cell(snapshots, ids[0], "unique").number == day0.unique[SITE]
    assert cell(snapshots, ids[1], "unique").number == day7.unique[SITE]
    assert cell(snapshots, ids[1], "new_vs_previous").number == day7.new_vs_previous[SITE]
    assert cell(snapshots, ids[1], "new_vs_baseline").number == day7.new_vs_baseline[SITE]
    assert cell(snapshots, ids[0], "new_vs_previous").text == "-"  # a baseline compares nothing
    # demo postings never come back once gone, so "first + new vs. previous" is exact: every
    # posting live on day 0 or day 7
    over = overview.table("period_unique")
    live = sum(1 for p in market.postings if p.site == SITE and (p.live(0) or p.live(7)))
    assert cell(over, "total", "unique").number == live
    assert day7.new_vs_previous[SITE] > 0
    # the tables from "Sites" on describe the last snapshot
    assert cell(overview.table("sites"), SITE, "unique").number == day7.unique[SITE]
    # and it is the same, cell for cell, as that snapshot shown alone
    alone = overview_of(config, snapshot_id=ids[-1])
    assert alone.table("gender") == overview.table("gender")
    assert alone.table("locality") == overview.table("locality")


@pytest.mark.slow
def test_the_command_writes_text_html_and_a_tidy_csv(crawled, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    _, config, ids = crawled
    overview = overview_of(config, snapshot_id=ids[0])

    assert main(["overview", "--config", str(config), "--snapshot", ids[0]]) == 0
    out = capsys.readouterr().out
    assert out == to_text(overview)
    for table in overview.tables:
        assert table.title in out
    assert "<5" in out and "Small-cell protection" in out

    page = tmp_path / "overview.html"
    assert main(["overview", "--config", str(config), "--snapshot", ids[0], "--format", "html",
                 "--out", str(page)]) == 0
    parsed = PageParser()
    parsed.feed(page.read_text(encoding="utf-8"))
    assert parsed.tables == len(overview.tables)
    assert parsed.external == [] and parsed.scripts == 0, "self-contained: no external asset"
    assert "<5" in parsed.text and "&lt;5" in page.read_text(encoding="utf-8")

    table_file = tmp_path / "overview.csv"
    assert main(["overview", "--config", str(config), "--snapshot", ids[0], "--format", "csv",
                 "--out", str(table_file)]) == 0
    import pandas as pd

    frame = pd.read_csv(table_file, dtype={"text": str, "row": str, "label": str},
                        keep_default_na=False)
    assert tuple(frame.columns) == CSV_FIELDS
    assert len(frame) == sum(len(t.rows) * len(t.columns) for t in overview.tables)
    gender = frame[(frame.table == "gender") & (frame.column == "unique")]
    shown = {r.category: r.values[column(overview.table("gender"), "unique")]
             for r in overview.table("gender").rows}
    for _, line in gender.iterrows():
        assert line.text == shown[line.row].text
        assert (line.value == "") == (shown[line.row].number is None)
        if line.value != "":
            assert float(line.value) == shown[line.row].number
    assert set(frame.snapshot_id) == {ids[0]}


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables = 0
        self.scripts = 0
        self.external: list[str] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tables += tag == "table"
        self.scripts += tag in ("script", "link", "img", "iframe")
        self.external += [v for k, v in attrs if k in ("src", "href") and v]

    def handle_data(self, data: str) -> None:
        self.text += data


# --- stores built from listings made in the test ------------------------------------------

def listings(site: str, kind: str, prefix: str, n: int, **fields: str) -> list[Listing]:
    return [Listing(site, kind, {"text": f"{prefix} nummer {i}", **fields}) for i in range(n)]


def take(directory: Path, when: datetime, by_site: dict[str, list[Listing]],
         failed: tuple[str, ...] = ()) -> str:
    kinds = {"a": "ad_board", "b": "profile_directory"}
    with open_store(f"sqlite:///{directory / 'store.sqlite'}") as store:
        snap = Snapshot(store, KeyRing(directory / "keys"), window_days=30, config_hash="h",
                        now=when)
        snap.begin()
        sites = []
        for site, items in by_site.items():
            filled = Counter(name for listing in items for name in listing.filled())
            sites.append(SiteRun(site, kinds[site], "failed" if site in failed else "ok",
                                 pages=1, items=len(items), filled=dict(filled)))
        run = snap.finish({s: ([] if s in failed else v) for s, v in by_site.items()}, sites,
                          finished=when)
    return run.snapshot_id


def gender_market(unknown: int = 3) -> dict[str, list[Listing]]:
    """40 women and 12 men on an ad board, 2 trans listings (one with a sub-label) and
    ``unknown`` without a stated gender on a profile site."""
    return {
        "a": [*listings("a", "ad_board", "kvinna annons", 40, gender="kvinna", locality="Lund"),
              *listings("a", "ad_board", "man annons", 12, gender="man", locality="Malmö")],
        "b": [Listing("b", "profile_directory", {"text": "profil ett", "gender": "shemale",
                                                  "locality": "Lund"}),
              Listing("b", "profile_directory", {"text": "profil två", "gender": "trans",
                                                  "locality": "Lund"}),
              *listings("b", "profile_directory", "profil utan", unknown, locality="Visby")],
    }


def reader_bounds(table: OverviewTable, level: str = "unique") -> dict[str, tuple[float, float]]:
    """What a reader of the gender table can work out about each hidden count: its least
    and greatest value, from every shown count, what the markers say, and the sums a
    reader knows (the categories and "not stated" make all listings; the categories make
    the stated ones; the sub-labels and "no sub-label" make the trans listings)."""
    n = column(table, level)
    value = {r.category: r.values[n] for r in table.rows}
    categories = [r.category for r in rows(table, "category")]
    details = [r.category for r in rows(table, "detail")]
    equations = [("total", [*categories, "unknown"]), (STATED, categories),
                 ("total", [STATED, "unknown"])]
    if details:
        equations.append(("trans", details))
    # "..": at least 1 (a masked small count shows as ".." too); derived: at least 0
    limits = {c: (1, 4) if v.status == "primary" else (1, None) if v.status == "secondary"
              else (0, None) for c, v in value.items() if v.number is None}
    counts = {c: v.number for c, v in value.items() if v.number is not None}
    return ranges(equations, counts, limits)


@pytest.mark.parametrize("unknown", [3, 10])
def test_shares_of_hidden_cells_are_hidden_and_nothing_small_can_be_worked_out(
        tmp_path: Path, unknown: int) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9")
    take(tmp_path, T0, gender_market(unknown))
    overview = overview_of(config)
    gender = overview.table("gender")
    u, stated_share, all_share = (column(gender, k) for k in
                                  ("unique", "unique_pct_stated", "unique_pct_all"))

    assert cell(gender, "woman", "unique").text == "40"
    assert cell(gender, "trans", "unique").text == "<5"
    if unknown == 10:
        # 64 - 40 - 12 - 10 would give the 2 trans listings away: one more count goes
        assert [r.category for r in gender.rows
                if r.values[u].status == "secondary"] in (["man"], ["unknown"])
    # a share of a hidden count would be the count divided by a shown base
    for row in gender.rows:
        if row.values[u].number is None:
            assert row.values[stated_share].text in (HIDDEN_SHARE, "-")
            assert row.values[all_share].text in (HIDDEN_SHARE, "-")
    # the sub-labels sit under trans: one "shemale", one without a sub-label
    details = {r.category: r for r in rows(gender, "detail")}
    assert set(details) == {"shemale", NO_LABEL}
    assert details["shemale"].values[u].text == "<5"
    # trans minus its sub-labels, from hidden counts: hidden too
    assert details[NO_LABEL].values[u].text == HIDDEN_SHARE
    assert all(r.values[stated_share].statistic == "share_of_trans" for r in details.values())
    if unknown == 3:
        # "not stated" is small, so the stated count (54) cannot stand beside the total
        # (57): one of them is hidden, and every share over a hidden base is hidden with it
        assert cell(gender, "unknown", "unique").text == "<5"
        stated, total = cell(gender, STATED, "unique"), cell(gender, "total", "unique")
        assert stated.number is None or total.number is None
        if stated.number is None:
            assert all(r.values[stated_share].number is None for r in gender.rows)
    # the reader's arithmetic leaves every small count more than one value
    for category, (low, high) in reader_bounds(gender).items():
        if cell(gender, category, "unique").status == "primary":
            assert high - low >= 1 - 1e-6, (category, low, high)
    assert assert_shares_hide_what_counts_hide(overview) > 0


def test_the_stated_rate_stands_beside_the_2020_one(tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9")
    market = gender_market()
    market["a"] += listings("a", "ad_board", "utan kön", 20, locality="Lund")
    take(tmp_path, T0, market)
    stated = overview_of(config).table("stated")
    # 54 of 77 state a gender; the 2020 mapping: 7512 of 12474
    assert cell(stated, "gender", "unique_stated").number == 54
    assert cell(stated, "gender", "unique_pct_all").number == round(100 * 54 / 77, 1)
    assert cell(stated, "gender", "reference_2020_stated").number == 7512
    assert cell(stated, "gender", "reference_2020_pct_all").text == "60.2 %"
    gender = overview_of(config).table("gender")
    assert cell(gender, "woman", "reference_2020").text == "79.8 %"
    assert cell(gender, "woman", "unique_pct_stated").number == round(100 * 40 / 54, 1)


def test_with_the_cell_key_method_shares_are_of_the_noisy_counts(tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9")
    take(tmp_path, T0, gender_market())
    protection = Protection(CELL_KEY, key=KEY)
    first = overview_of(config, protection=protection)
    assert first == overview_of(config, protection=protection), "the same noise every time"
    text = to_text(first)
    assert "<5" not in text and SECONDARY not in text.split("Sites", 1)[1].split("Small-cell")[0]
    assert assert_shares_hide_what_counts_hide(first) > 10
    gender = first.table("gender")
    assert all(v.status in ("perturbed", "share", "na", "reference")
               for r in gender.rows for v in r.values)
    assert abs(cell(gender, "woman", "unique").number - 40) <= 2


def period_store(tmp_path: Path) -> list[str]:
    """Four snapshots: days 0, 7 and 14 in one window (ads that go on day 7 come back on
    day 14), and day 40, the baseline of a new window. No count that goes between them is
    small: one would hide what is new too (test_protected shows why)."""
    ads = lambda prefix, n: listings("a", "ad_board", prefix, n, locality="Lund")  # noqa: E731
    ids = [take(tmp_path, T0, {"a": ads("första", 10)})]
    day7 = [*ads("första", 5), *ads("andra", 6)]  # första 5 to 9 gone; 6 new
    ids.append(take(tmp_path, T0 + timedelta(days=7), {"a": day7}))
    day14 = [*ads("första", 10), *ads("andra", 6), *ads("tredje", 5)]  # 5 back, 5 new
    ids.append(take(tmp_path, T0 + timedelta(days=14), {"a": day14}))
    ids.append(take(tmp_path, T0 + timedelta(days=40), {"a": ads("fjärde", 12)}))
    return ids


def test_a_period_within_one_window(tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9")
    ids = period_store(tmp_path)
    overview = overview_of(config, start=T0.date(), end=(T0 + timedelta(days=14)).date())
    assert overview.snapshots == tuple(ids[:3]) and overview.period == ("2026-11-02",
                                                                        "2026-11-16")
    snapshots = overview.table("snapshots")
    assert [cell(snapshots, i, "unique").number for i in ids[:3]] == [10, 11, 21]
    assert [cell(snapshots, i, "new_vs_previous").text for i in ids[:3]] == ["-", "6", "10"]
    assert cell(snapshots, ids[0], "note").text == "baseline"
    # 2020 style: 10 + 6 + 10 = 26; the five that came back count again (21 were ever seen)
    over = overview.table("period_unique")
    assert cell(over, "total", "unique").number == 26
    assert "upper bound" in over.notes[0]
    assert cell(overview.table("sites"), "a", "unique").number == 21  # the last snapshot's


def test_a_period_across_windows_or_with_a_failed_site_is_not_summed(tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9")
    ids = period_store(tmp_path)
    across = overview_of(config, start=T0.date(), end=(T0 + timedelta(days=40)).date())
    assert across.snapshots == tuple(ids)
    assert "period_unique" not in [t.name for t in across.tables]
    assert any("2 baseline windows" in line for line in across.heading)
    assert cell(across.table("snapshots"), ids[3], "note").text == "baseline"

    later = T0 + timedelta(days=41)
    take(tmp_path, later, {"a": listings("a", "ad_board", "fjärde", 12, locality="Lund"),
                           "b": listings("b", "profile_directory", "profil", 6)}, failed=("b",))
    partial = overview_of(config, start=(T0 + timedelta(days=40)).date(), end=later.date())
    assert "period_unique" not in [t.name for t in partial.tables]
    assert any("did not crawl every site" in line for line in partial.heading)
    sites = partial.table("sites")
    assert cell(sites, "b", "status").text == "failed: not counted"
    assert cell(sites, "b", "unique").text == "-"


def test_one_snapshot_is_a_period_of_one(tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9")
    ids = period_store(tmp_path)
    day7 = (T0 + timedelta(days=7)).date()
    overview = overview_of(config, start=day7, end=day7)
    assert overview.snapshots == (ids[1],)
    assert cell(overview.table("period_unique"), "total", "unique").number == 11


def test_the_latest_snapshot_is_the_default(tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9")
    ids = period_store(tmp_path)
    overview = overview_of(config)
    assert overview.snapshot_id == ids[-1] and overview.period is None
    assert cell(overview.table("sites"), "a", "unique").number == 12


def test_html_escapes_what_it_shows() -> None:
    from crawler.report.overview_tables import Column, Value

    table = OverviewTable("t", "<b>bold</b>", (Column("n", "n<"),),
                          (Row("x", "<script>x</script>", (Value("<5", None, "primary"),)),))
    page = to_html(Overview("o & p", "s", "2026-11-02T06:00:00+00:00", ("<i>",), (table,), ()))
    assert "<script>x" not in page and "&lt;script&gt;" in page and "<b>bold" not in page
    assert "o &amp; p" in page
    lines = list(csv.reader(io.StringIO(to_csv(Overview("o", "s", "", (), (table,), ())))))
    assert lines[1][CSV_FIELDS.index("text")] == "<5" and lines[1][CSV_FIELDS.index("value")] == ""


# --- bad input, through the command line ----------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["--snapshot", "20990101T000000Z-ffff"], "no snapshot '20990101T000000Z-ffff'"),
    (["--from", "2026-13-01"], "--from '2026-13-01' is not a date"),
    (["--to", "yesterday"], "--to 'yesterday' is not a date"),
    (["--from", "2026-11-20", "--to", "2026-11-01"], "starts after it ends"),
    (["--from", "2030-01-01", "--to", "2030-12-31"], "no complete snapshot taken from 2030-01-01"),
    (["--snapshot", "x", "--from", "2026-11-01"], "either --snapshot or a period"),
    (["--top", "0"], "--top must be 1 or more"),
    (["--out", "/nonexistent-dir/overview.txt"], "no such directory"),
])
def test_bad_input_is_named_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         args: list[str], message: str) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9")
    take(tmp_path, T0, {"a": listings("a", "ad_board", "annons", 8, locality="Lund")})
    assert main(["overview", "--config", str(config), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_an_empty_store_or_a_failed_snapshot_has_nothing_to_show(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9")
    assert main(["overview", "--config", str(config)]) == 2
    assert "no complete snapshot yet" in capsys.readouterr().err
    failed = take(tmp_path, T0, {"a": listings("a", "ad_board", "annons", 8)}, failed=("a",))
    assert main(["overview", "--config", str(config), "--snapshot", failed]) == 2
    assert f"snapshot {failed} is failed" in capsys.readouterr().err
