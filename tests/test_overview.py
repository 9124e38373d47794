"""The national overview: its numbers against the demo market's ground truth after a real
crawl, a period summarised as its snapshots plus the last one's tables, every count the
cell key method's publication of the stored count (shares of published counts, nothing
hidden, under-18 an exact flag), and clear errors for bad input."""

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
from crawler.demo_market.generator import generate
from crawler.demo_market.market import Market
from crawler.demo_market.server import MarketServer
from crawler.demo_market.truth import compute_truth
from crawler.keys import RECORD_SECRET_ENV, KeyRing
from crawler.listing import Listing
from crawler.normalise.person import UNDER_18
from crawler.protection import Protection, protection_for
from crawler.records import SCOPE_ALL, Indicator, SiteRun
from crawler.report.overview import Overview, build, taken_on
from crawler.report.overview_render import CSV_FIELDS, to_csv, to_html, to_text
from crawler.report.overview_tables import NO_LABEL, STATED, OverviewTable, Row
from crawler.sites import load_sites
from crawler.snapshot import Snapshot
from crawler.store import open_store
from crawler.vocabulary import CellState
from scheduler.runner import run_snapshot
from tests.conftest import SITES, write_config

T0 = datetime(2026, 11, 2, 6, tzinfo=UTC)
COMPOSITIONS = ("site_kind", "locality", "gender", "age_band", "orientation", "nationality",
                "language", "ethnicity")
D = Protection().parameters.max_deviation  # the largest perturbation (3 by default)
# what a cell of the overview may be: a published count, a share of published counts,
# text, not applicable ("-"), a 2020 figure, or the under-18 flag; never a hidden marker
CELL_STATES = set(CellState)

Key = tuple[str, str, str, str, str, str]


@pytest.fixture(autouse=True)
def no_record_key_in_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # the secret comes from the keys directory of each test's config, not from the machine
    monkeypatch.delenv(RECORD_SECRET_ENV, raising=False)
    yield


# --- helpers -------------------------------------------------------------------------------

def column(table: OverviewTable, key: str) -> int:
    return [c.key for c in table.columns].index(key)


def rows(table: OverviewTable, kind: str | None = None) -> list[Row]:
    return [r for r in table.rows if kind is None or r.kind == kind]


def cell(table: OverviewTable, category: str, key: str):
    row = next(r for r in table.rows if r.category == category)
    return row.values[column(table, key)]


def stored(config: Path) -> dict[Key, Indicator]:
    """Every exact count in the store, by indicator key."""
    with open_store(f"sqlite:///{config.parent / 'store.sqlite'}") as store:
        return {i.cell_id: i for i in store.indicators()}


class Published:
    """What the overview must show for a stored cell: ``Protection.published`` of the
    stored indicator; a category missing beside its total was not seen (zero); None when
    the snapshot has no such count at all."""

    def __init__(self, config: Path, protection: Protection | None = None) -> None:
        self.exact = stored(config)
        self.protection = protection or Protection()
        self.checked = 0

    def __call__(self, sid: str, level: str, breakdown: str = "total", category: str = "total",
                 scope: str = SCOPE_ALL, measure: str = "count") -> int | None:
        key = (sid, scope, level, measure, breakdown, category)
        if key in self.exact:
            published = self.protection.published(self.exact[key])
            value = self.exact[key].value
            # the cell key method's promises, cell by cell
            assert abs(published - value) <= D, (key, value, published)
            assert published >= 0 and (value > 0 or published == 0), (key, value, published)
            assert published not in (1, 2), (key, value, published)
            self.checked += 1
            return published
        if breakdown != "total" and (sid, scope, level, measure, "total", "total") in self.exact:
            return 0
        return None

    def stated(self, sid: str, level: str, breakdown: str) -> int:
        """All listings minus "not stated", of published counts, never below zero."""
        return max(0, self(sid, level) - self(sid, level, breakdown, "unknown"))


def expected_counts(overview: Overview,
                    published: Published) -> dict[tuple[str, str, str], int | None]:
    """(table, row, column) -> the number each count cell of the overview must show,
    worked out from the store alone."""
    sid = overview.snapshot_id
    expected: dict[tuple[str, str, str], int | None] = {}
    for table in overview.tables:
        count_columns = [c for c in table.columns if c.statistic == "count" and c.level]
        for row in table.rows:
            for c in count_columns:
                key = (table.name, row.category, c.key)
                if table.name == "sites":
                    scope = SCOPE_ALL if row.kind == "total" else row.category
                    expected[key] = published(sid, c.key, scope=scope)
                elif table.name == "stated":
                    expected[key] = published.stated(sid, c.level, row.category)
                elif table.name == "snapshots":
                    if c.key in ("new_vs_baseline", "new_vs_previous"):
                        expected[key] = published(row.snapshot_id, "unique", measure=c.key)
                    elif c.key in ("ad_board", "profile_directory", "sugardating"):
                        expected[key] = published(row.snapshot_id, "unique", "site_kind", c.key)
                    else:
                        expected[key] = published(row.snapshot_id, c.level)
                elif table.name == "period_unique":
                    snapshots = overview.snapshots
                    if row.kind == "total":
                        expected[key] = published(snapshots[0], "unique") + sum(
                            published(s, "unique", measure="new_vs_previous")
                            for s in snapshots[1:])
                    elif row.snapshot_id == snapshots[0]:
                        expected[key] = published(row.snapshot_id, "unique")
                    else:
                        expected[key] = published(row.snapshot_id, "unique",
                                                  measure="new_vs_previous")
                elif row.kind == "flag":
                    continue  # the under-18 flag: test_under_18_is_an_exact_flag
                elif row.kind == "total":
                    expected[key] = published(sid, c.level)
                elif row.kind == "stated":
                    expected[key] = published.stated(sid, c.level, table.name)
                elif row.category == NO_LABEL:
                    labels = [r.category for r in rows(table, "detail") if r.category != NO_LABEL]
                    expected[key] = max(0, published(sid, c.level, "gender", "trans") - sum(
                        published(sid, c.level, "gender_detail", label) for label in labels))
                elif row.kind == "detail":
                    expected[key] = published(sid, c.level, "gender_detail", row.category)
                else:
                    expected[key] = published(sid, c.level, table.name, row.category)
    return expected


def assert_counts_are_published(overview: Overview, published: Published) -> int:
    """Every count in every table is the stored count as the cell key method publishes it,
    or a sum or difference of such (stated, no sub-label, the period's sum); returns the
    cells checked."""
    expected = expected_counts(overview, published)
    for table in overview.tables:
        for row in table.rows:
            for c, value in zip(table.columns, row.values):
                key = (table.name, row.category, c.key)
                if key not in expected:
                    continue
                if expected[key] is None or value.state == "na":
                    # no such count (a baseline's "new", a site not counted): not applicable
                    assert value.state == "na" and value.text == "-", key
                    if table.name == "sites" and row.kind == "site":
                        continue
                    assert expected[key] is None, key
                    continue
                assert value.state == "perturbed", (key, value)
                assert value.number == expected[key], (key, value.number, expected[key])
    return len(expected)


def assert_every_cell_is_a_number_share_text_na_or_flag(overview: Overview) -> Counter:
    """No cell of any table is hidden: each is a published count, a share, text, "-",
    a 2020 figure or the under-18 flag. Returns how many of each were seen."""
    seen: Counter = Counter()
    for table in overview.tables:
        for row in table.rows:
            assert len(row.values) == len(table.columns), (table.name, row.category)
            for c, value in zip(table.columns, row.values):
                where = (table.name, row.category, c.key, value)
                assert value.state in CELL_STATES, where
                assert value.text not in ("..", "<5") and "<5" not in value.text, where
                if value.state == "perturbed":
                    assert isinstance(value.number, int) and value.number >= 0, where
                    assert value.text == str(value.number), where
                elif value.state == "share":
                    assert value.text == f"{value.number:.1f}", where
                elif value.state == "na":
                    assert value.text == "-" and value.number is None, where
                elif value.state == "flag":
                    assert value.text in ("present", "not present"), where
                    assert value.number is None, where
                    assert row.kind == "flag" or c.statistic == "flag", where
                elif value.state == "text":
                    assert value.number is None, where
                seen[value.state] += 1
    return seen


def assert_shares_are_of_published_counts(overview: Overview) -> int:
    """Every share is round(100 · part / base, 1) of the published counts beside it (the
    stated count, the trans count or all listings), and "-" over a base of zero; returns
    the shares checked."""
    checked = 0
    for table in overview.tables:
        keys = [c.key for c in table.columns]
        by_category = {r.category: r for r in table.rows}
        for c in table.columns:
            if c.statistic not in ("share_of_stated", "share_of_all"):
                continue
            if table.name == "stated":
                part_key, base_row = f"{c.level}_stated", None
            else:
                part_key = "unique" if table.name == "sites" else c.level
                base_row = "all" if table.name == "sites" else "total"
            for row in table.rows:
                value = row.values[keys.index(c.key)]
                part = row.values[keys.index(part_key)]
                if c.statistic == "share_of_stated":
                    base_row = "trans" if row.kind == "detail" else STATED
                if table.name == "stated":
                    base = cell(overview.table("locality"), "total", c.level)
                else:
                    base = by_category[base_row].values[keys.index(part_key)]
                if value.state == "na":
                    # a share only where it means something: not of itself, not over zero
                    assert (part.number is None or base.number in (None, 0)
                            or row.kind in ("unknown", "stated", "total", "flag")), (
                        table.name, row.category, c.key)
                    continue
                assert value.state == "share", (table.name, row.category, c.key)
                assert part.state == base.state == "perturbed"
                assert value.number == round(100 * part.number / base.number, 1), (
                    table.name, row.category, c.key)
                checked += 1
    return checked


# --- a real crawl of the demo market (the HTTP ad board; the browser sites yield nothing) ---

SITE = "annonstavlan"
BROWSER_SITES = tuple(s.name for s in load_sites(SITES) if s.render == "browser")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Market, Path, list[str]]]:
    """Two snapshots, on day 0 and day 7 of the market, dated T0 and a week later."""
    directory = tmp_path_factory.mktemp("overview")
    market = generate(seed=7, listings=240)
    with MarketServer(market) as server:
        config = write_config(directory, server.url, browser=False)
        # the ad board, and the browser sites fetched as empty shells; the other HTTP
        # sites would add listings the composition checks below do not expect
        data = yaml.safe_load(config.read_text())
        data["sites"]["enabled"] = [SITE, *BROWSER_SITES]
        # one site of a 240-listing market: the booking agency's number is on about 22 of
        # its listings, under the default cut (25, measured for whole markets), so it would
        # link its advertisers; 12 is still above this market's busiest advertiser (10)
        data["consolidation"] = {"max_listings_per_contact": 12}
        config.write_text(yaml.safe_dump(data))
        assert run_snapshot(config, quiet=True, taken_at=T0).exit_code == 0
        market.advance(7)
        assert run_snapshot(config, quiet=True, taken_at=T0 + timedelta(days=7)).exit_code == 0
    with open_store(f"sqlite:///{directory / 'store.sqlite'}") as store:
        ids = [r.snapshot_id for r in store.runs()]
    assert len(ids) == 2
    yield market, config, ids


def overview_of(config: Path, **kwargs) -> Overview:
    """As the command builds it: the configured protection, with the record key secret."""
    from crawler.config import load_config

    loaded = load_config(config)
    protection = kwargs.pop("protection", None) or protection_for(loaded, env={})
    with open_store(loaded.store_url) as store:
        return build(store, protection, **kwargs)


def truth_of(market: Market, breakdown: str, day: int = 0) -> Counter:
    truth = compute_truth(market, day)
    return Counter({cat: n for (site, cat), n in truth.unique_by[breakdown].items()
                    if site == SITE})


def near_truth(value, indicator: Indicator | None, truth: int, protection: Protection) -> int:
    """The store holds the true count; the overview shows its publication: within D, zero
    for zero. Returns the noise."""
    assert (indicator.value if indicator is not None else 0) == truth
    assert value.state == "perturbed"
    expected = protection.published(indicator) if indicator is not None else 0
    assert value.number == expected
    assert abs(value.number - truth) <= D and (truth > 0 or value.number == 0)
    return value.number - truth


@pytest.mark.slow
def test_every_count_is_the_published_stored_count_near_the_ground_truth(crawled) -> None:
    market, config, ids = crawled
    overview = overview_of(config, snapshot_id=ids[0], top=1000)
    truth = compute_truth(market, 0)
    exact = stored(config)
    protection = Protection()
    sid = ids[0]

    def indicator(level: str, breakdown: str = "total", category: str = "total",
                  scope: str = SCOPE_ALL) -> Indicator | None:
        return exact.get((sid, scope, level, "count", breakdown, category))

    noise: list[int] = []
    sites = overview.table("sites")
    for level in ("hits", "unique", "distinct", "advertisers"):
        noise.append(near_truth(cell(sites, SITE, level), indicator(level, scope=SITE),
                                getattr(truth, level)[SITE], protection))
    for browser_site in BROWSER_SITES:  # fetched as shells: nothing, and zero stays zero
        assert cell(sites, browser_site, "unique").number == 0

    total = truth.unique[SITE]
    small = 0
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
            n = expected[row.category]
            noise.append(near_truth(row.values[column(table, "unique")],
                                    indicator("unique", name, row.category), n, protection))
            small += 1 <= n <= 4  # published, never hidden: 0 or 3 and more
        noise.append(near_truth(cell(table, "total", "unique"), indicator("unique"), total,
                                protection))
        # one site counted: its distinct listings and advertisers are all there are
        near_truth(cell(table, "total", "distinct"), indicator("distinct"),
                   truth.distinct[SITE], protection)
        near_truth(cell(table, "total", "advertisers"), indicator("advertisers"),
                   truth.advertisers[SITE], protection)
        if name != "site_kind":
            near_truth(cell(table, "unknown", "unique"), indicator("unique", name, "unknown"),
                       unknown, protection)
            # the stated count is computed from published counts: within 2·D of the truth
            stated = cell(table, STATED, "unique").number
            assert abs(stated - (total - unknown)) <= 2 * D
    # the test saw every kind of cell: small counts published, and counts that moved
    assert small > 10, small
    assert any(noise) and len(noise) > 40, noise

    # and every number of every table is the published stored count, or computed from such
    published = Published(config, protection)
    assert assert_counts_are_published(overview, published) > 100
    assert published.checked > 100
    assert assert_shares_are_of_published_counts(overview) > 30
    seen = assert_every_cell_is_a_number_share_text_na_or_flag(overview)
    assert seen["perturbed"] > 100 and seen["share"] > 30 and seen["flag"] >= 1, seen


@pytest.mark.slow
def test_the_largest_locality_heads_the_localities_table(crawled) -> None:
    market, config, ids = crawled
    table = overview_of(config, snapshot_id=ids[0], top=3).table("locality")
    listed = rows(table, "category")
    assert len(listed) == 3
    expected = truth_of(market, "locality")
    top = sorted(((c, n) for c, n in expected.items() if c not in ("unknown", "abroad")),
                 key=lambda x: (-x[1], x[0]))
    # clearly the largest: no perturbation of at most D each way can reorder the first two
    assert top[0][0] == "Stockholm" and top[0][1] - top[1][1] > 2 * D, top[:2]
    assert listed[0].category == "Stockholm"
    # ranked by what is published, then by name (never by the exact counts)
    shown = [(r.values[column(table, "unique")].number, r.category) for r in listed]
    assert all(n is not None for n, _ in shown)
    assert shown == sorted(shown, key=lambda x: (-x[0], x[1]))
    assert any("more categories not shown" in n for n in table.notes)


@pytest.mark.slow
def test_a_period_lists_its_snapshots_and_counts_unique_listings_as_in_2020(crawled) -> None:
    market, config, ids = crawled
    with open_store(f"sqlite:///{config.parent / 'store.sqlite'}") as store:
        runs = store.runs()
    assert [taken_on(r) for r in runs] == [T0.date(), (T0 + timedelta(days=7)).date()]
    overview = overview_of(config, start=taken_on(runs[0]), end=taken_on(runs[-1]))
    assert overview.snapshots == tuple(ids) and overview.snapshot_id == ids[-1]
    snapshots = overview.table("snapshots")
    assert [r.snapshot_id for r in snapshots.rows] == ids
    exact, protection = stored(config), Protection()

    def total(sid: str, measure: str = "count") -> Indicator:
        return exact[(sid, SCOPE_ALL, "unique", measure, "total", "total")]

    day0, day7 = compute_truth(market, 0), compute_truth(market, 7, baseline_day=0, previous_day=0)
    near_truth(cell(snapshots, ids[0], "unique"), total(ids[0]), day0.unique[SITE], protection)
    near_truth(cell(snapshots, ids[1], "unique"), total(ids[1]), day7.unique[SITE], protection)
    for measure in ("new_vs_previous", "new_vs_baseline"):
        near_truth(cell(snapshots, ids[1], measure), total(ids[1], measure),
                   getattr(day7, measure)[SITE], protection)
    assert cell(snapshots, ids[0], "new_vs_previous").text == "-"  # a baseline compares nothing
    # demo postings never come back once gone, so "first + new vs. previous" is, before
    # protection, every posting live on day 0 or day 7; the overview sums published counts
    over = overview.table("period_unique")
    live = sum(1 for p in market.postings if p.site == SITE and (p.live(0) or p.live(7)))
    assert total(ids[0]).value + total(ids[1], "new_vs_previous").value == live
    summed = cell(over, "total", "unique").number
    assert summed == (protection.published(total(ids[0]))
                      + protection.published(total(ids[1], "new_vs_previous")))
    assert abs(summed - live) <= 2 * D
    assert day7.new_vs_previous[SITE] > 0
    # the tables from "Sites" on describe the last snapshot
    near_truth(cell(overview.table("sites"), SITE, "unique"),
               exact[(ids[1], SITE, "unique", "count", "total", "total")], day7.unique[SITE],
               protection)
    assert assert_counts_are_published(overview, Published(config)) > 100
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
    assert "<5" not in out and " .. " not in out and "Small-cell" not in out
    assert "cell key method" in out and "need not equal the sum" in out
    assert "under-18 stated (exact)" in out

    page = tmp_path / "overview.html"
    assert main(["overview", "--config", str(config), "--snapshot", ids[0], "--format", "html",
                 "--out", str(page)]) == 0
    parsed = PageParser()
    html = page.read_text(encoding="utf-8")
    parsed.feed(html)
    assert parsed.tables == len(overview.tables)
    assert parsed.external == [] and parsed.scripts == 0, "self-contained: no external asset"
    assert "&lt;5" not in html and ">..<" not in html and "cell key method" in parsed.text
    assert '<td class="flag">not present</td>' in html

    table_file = tmp_path / "overview.csv"
    assert main(["overview", "--config", str(config), "--snapshot", ids[0], "--format", "csv",
                 "--out", str(table_file)]) == 0
    import pandas as pd

    frame = pd.read_csv(table_file, dtype={"text": str, "row": str, "label": str},
                        keep_default_na=False)
    assert tuple(frame.columns) == CSV_FIELDS
    assert len(frame) == sum(len(t.rows) * len(t.columns) for t in overview.tables)
    assert not frame.text.isin(["..", "<5"]).any()
    gender = frame[(frame.table == "gender") & (frame.column == "unique")]
    shown = {r.category: r.values[column(overview.table("gender"), "unique")]
             for r in overview.table("gender").rows}
    for _, line in gender.iterrows():
        assert line.text == shown[line.row].text
        assert line.value != "" and float(line.value) == shown[line.row].number
    # the flag: text only, no value
    flags = frame[frame.statistic == "flag"]
    assert len(flags) and set(flags.value) == {""}
    assert set(flags.text) <= {"present", "not present"}
    # every count and share has its value
    numbers = frame[frame.statistic.isin(["count", "share_of_stated", "share_of_all"])
                    & (frame.text != "-")]
    assert len(numbers) > 100 and (numbers.value != "").all()
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
        snap = Snapshot(store, KeyRing(directory / "keys", env={}), window_days=30,
                        config_hash="h", now=when)
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


@pytest.mark.parametrize("unknown", [3, 10])
def test_small_counts_are_perturbed_never_hidden_and_shares_are_of_published_counts(
        tmp_path: Path, unknown: int) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9")
    sid = take(tmp_path, T0, gender_market(unknown))
    overview = overview_of(config)
    gender = overview.table("gender")
    u = column(gender, "unique")
    exact = stored(config)

    def at(breakdown: str, category: str) -> Indicator:
        return exact[(sid, SCOPE_ALL, "unique", "count", breakdown, category)]

    protection = Protection()
    near_truth(cell(gender, "woman", "unique"), at("gender", "woman"), 40, protection)
    near_truth(cell(gender, "man", "unique"), at("gender", "man"), 12, protection)
    # two trans listings: published (0, or 3 and more: never 1 or 2), not hidden
    trans = cell(gender, "trans", "unique")
    near_truth(trans, at("gender", "trans"), 2, protection)
    assert trans.number == 0 or trans.number >= 3
    near_truth(cell(gender, "unknown", "unique"), at("gender", "unknown"), unknown, protection)
    # the sub-labels sit under trans: one "shemale", one without a sub-label
    details = {r.category: r for r in rows(gender, "detail")}
    assert set(details) == {"shemale", NO_LABEL}
    near_truth(details["shemale"].values[u], at("gender_detail", "shemale"), 1, protection)
    # trans minus its sub-labels, of published counts
    assert details[NO_LABEL].values[u].number == max(
        0, trans.number - details["shemale"].values[u].number)
    assert all(r.values[column(gender, "unique_pct_stated")].statistic == "share_of_trans"
               for r in details.values())
    # the stated count: all listings minus "not stated", both published
    assert cell(gender, STATED, "unique").number == max(
        0, cell(gender, "total", "unique").number - cell(gender, "unknown", "unique").number)

    assert assert_counts_are_published(overview, Published(config)) > 50
    assert assert_shares_are_of_published_counts(overview) > 10
    seen = assert_every_cell_is_a_number_share_text_na_or_flag(overview)
    assert "hidden" not in seen and seen["perturbed"] > 50


def test_the_stated_rate_stands_beside_the_2020_one(tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9")
    market = gender_market()
    market["a"] += listings("a", "ad_board", "utan kön", 20, locality="Lund")
    take(tmp_path, T0, market)
    overview = overview_of(config)
    stated, gender = overview.table("stated"), overview.table("gender")
    # 54 of 77 state a gender; the 2020 mapping: 7512 of 12474
    total = cell(gender, "total", "unique").number
    n = cell(stated, "gender", "unique_stated").number
    assert n == cell(gender, STATED, "unique").number and abs(n - 54) <= 2 * D
    assert abs(total - 77) <= D
    assert cell(stated, "gender", "unique_pct_all").number == round(100 * n / total, 1)
    assert cell(stated, "gender", "reference_2020_stated").number == 7512
    assert cell(stated, "gender", "reference_2020_pct_all").text == "60.2 %"
    assert cell(gender, "woman", "reference_2020").text == "79.8 %"
    woman = cell(gender, "woman", "unique").number
    assert cell(gender, "woman", "unique_pct_stated").number == round(100 * woman / n, 1)


def test_the_same_cell_is_the_same_number_every_time(tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9")
    take(tmp_path, T0, gender_market())
    first = overview_of(config)
    assert first == overview_of(config), "the same noise every time"
    # the cell keys are stored: the record key secret plays no part in this store's cells
    assert first == overview_of(config, protection=Protection(secret=bytes(range(32))))
    assert to_text(first) == to_text(overview_of(config))
    text = to_text(first)
    assert "<5" not in text and "Small-cell" not in text
    assert Protection().legend() in first.notes
    assert "Shares are computed from the published counts." in first.notes


def test_under_18_is_an_exact_flag_never_a_count(tmp_path: Path) -> None:
    """One listing that states an age of 17 on site "a" and none on "b": a perturbed count
    of one could be published as zero; the flag says "present", exactly."""
    config = write_config(tmp_path, "http://127.0.0.1:9")
    market = {"a": [*listings("a", "ad_board", "vuxen annons", 20, age="24", locality="Lund"),
                    Listing("a", "ad_board", {"text": "ung annons", "age": "17",
                                              "locality": "Lund"})],
              "b": listings("b", "profile_directory", "profil", 8, age="31", locality="Visby")}
    sid = take(tmp_path, T0, market)
    exact = stored(config)
    assert exact[(sid, SCOPE_ALL, "unique", "count", "age_band", UNDER_18)].value == 1
    overview = overview_of(config)

    ages = overview.table("age_band")
    assert UNDER_18 not in {r.category for r in rows(ages, "category")}, "never a count row"
    flag = next(r for r in ages.rows if r.kind == "flag")
    assert flag.category == UNDER_18 and flag.label == "under-18 stated (exact)"
    assert [(c.key, v.text) for c, v in zip(ages.columns, flag.values) if v.state == "flag"] \
        == [(c.key, "present") for c in ages.columns if c.statistic == "count"]
    assert all(v.state == "na" for c, v in zip(ages.columns, flag.values)
               if c.statistic != "count")
    sites = overview.table("sites")
    assert cell(sites, "a", "under_18").text == "present"
    assert cell(sites, "b", "under_18").text == "not present"
    assert cell(sites, "all", "under_18").text == "present"
    assert assert_every_cell_is_a_number_share_text_na_or_flag(overview)["flag"] == 3 + 3
    lines = list(csv.DictReader(io.StringIO(to_csv(overview))))
    flags = [line for line in lines if line["row"] == UNDER_18 or line["column"] == "under_18"]
    assert flags and all(line["value"] == "" for line in flags)
    assert {line["text"] for line in flags} >= {"present", "not present"}

    # without any stated age under 18: "not present" everywhere, still a row of its own
    later = take(tmp_path, T0 + timedelta(days=7), {"a": market["a"][:20], "b": market["b"]})
    after = overview_of(config, snapshot_id=later)
    flag = next(r for r in after.table("age_band").rows if r.kind == "flag")
    assert {v.text for v in flag.values if v.state == "flag"} == {"not present"}
    assert {cell(after.table("sites"), s, "under_18").text for s in ("a", "b", "all")} \
        == {"not present"}


def period_store(tmp_path: Path) -> list[str]:
    """Four snapshots: days 0, 7 and 14 in one window (ads that go on day 7 come back on
    day 14), and day 40, the baseline of a new window."""
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
    exact, protection = stored(config), Protection()

    def total(sid: str, measure: str = "count") -> Indicator:
        return exact[(sid, SCOPE_ALL, "unique", measure, "total", "total")]

    snapshots = overview.table("snapshots")
    assert [total(i).value for i in ids[:3]] == [10, 11, 21]  # the store: exact
    for i, n in zip(ids[:3], (10, 11, 21)):
        near_truth(cell(snapshots, i, "unique"), total(i), n, protection)
    assert cell(snapshots, ids[0], "new_vs_previous").text == "-"
    for i, n in zip(ids[1:3], (6, 10)):
        near_truth(cell(snapshots, i, "new_vs_previous"), total(i, "new_vs_previous"), n,
                   protection)
    assert cell(snapshots, ids[0], "note").text == "baseline"
    # 2020 style: 10 + 6 + 10 = 26 before protection (the five that came back count
    # again; 21 were ever seen): the sum of the published parts
    over = overview.table("period_unique")
    parts = [total(ids[0]), total(ids[1], "new_vs_previous"), total(ids[2], "new_vs_previous")]
    assert sum(p.value for p in parts) == 26
    assert cell(over, "total", "unique").number == sum(protection.published(p) for p in parts)
    assert "upper bound" in over.notes[0]
    near_truth(cell(overview.table("sites"), "a", "unique"),  # the last snapshot's
               exact[(ids[2], "a", "unique", "count", "total", "total")], 21, protection)
    assert assert_counts_are_published(overview, Published(config)) > 50
    assert_every_cell_is_a_number_share_text_na_or_flag(overview)


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
    assert cell(sites, "b", "under_18").text == "-"
    assert_every_cell_is_a_number_share_text_na_or_flag(partial)


def test_one_snapshot_is_a_period_of_one(tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9")
    ids = period_store(tmp_path)
    day7 = (T0 + timedelta(days=7)).date()
    overview = overview_of(config, start=day7, end=day7)
    assert overview.snapshots == (ids[1],)
    near_truth(cell(overview.table("period_unique"), "total", "unique"),
               stored(config)[(ids[1], SCOPE_ALL, "unique", "count", "total", "total")], 11,
               Protection())


def test_the_latest_snapshot_is_the_default(tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9")
    ids = period_store(tmp_path)
    overview = overview_of(config)
    assert overview.snapshot_id == ids[-1] and overview.period is None
    near_truth(cell(overview.table("sites"), "a", "unique"),
               stored(config)[(ids[-1], "a", "unique", "count", "total", "total")], 12,
               Protection())


def test_html_escapes_what_it_shows() -> None:
    from crawler.report.overview_tables import Column, Value

    table = OverviewTable("t", "<b>bold</b>", (Column("n", "n<"),),
                          (Row("x", "<script>x</script>", (Value("<i>7</i>", None, "text"),)),))
    page = to_html(Overview("o & p", "s", "2026-11-02T06:00:00+00:00", ("<i>",), (table,), ()))
    assert "<script>x" not in page and "&lt;script&gt;" in page and "<b>bold" not in page
    assert "o &amp; p" in page and "<i>7" not in page
    lines = list(csv.reader(io.StringIO(to_csv(Overview("o", "s", "", (), (table,), ())))))
    assert lines[1][CSV_FIELDS.index("text")] == "<i>7</i>"
    assert lines[1][CSV_FIELDS.index("value")] == ""


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


def test_a_retired_privacy_setting_is_named(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9")
    take(tmp_path, T0, {"a": listings("a", "ad_board", "annons", 8, locality="Lund")})
    data = yaml.safe_load(config.read_text())
    data["privacy"] = {"method": "suppress", "threshold": 5}
    config.write_text(yaml.safe_dump(data))
    assert main(["overview", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "was retired" in err and "cell key" in err and "Traceback" not in err


def test_an_empty_store_or_a_failed_snapshot_has_nothing_to_show(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9")
    assert main(["overview", "--config", str(config)]) == 2
    assert "no complete snapshot yet" in capsys.readouterr().err
    failed = take(tmp_path, T0, {"a": listings("a", "ad_board", "annons", 8)}, failed=("a",))
    assert main(["overview", "--config", str(config), "--snapshot", failed]) == 2
    assert f"snapshot {failed} is failed" in capsys.readouterr().err
