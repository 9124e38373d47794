"""The weekly county summary: numbers from a real demo crawl checked against the ground
truth as the cell key method publishes them, the HTML opened in a real Chromium, the PDF
printed and read back, the week and län a person types, and bad input."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pypdfium2
import pytest

from crawler.cli import main
from crawler.config import load_config
from crawler.demo_market.generator import generate
from crawler.demo_market.market import Market
from crawler.demo_market.server import MarketServer
from crawler.demo_market.truth import Truth, compute_truth, county_flows
from crawler.demo_market.wordlists import LOCALITY_COUNTY
from crawler.errors import AdcensusError
from crawler.keys import KeyRing
from crawler.listing import Listing
from crawler.normalise.person import UNDER_18
from crawler.protection import Protection, Shown, protection_for
from crawler.records import SiteRun
from crawler.report import lan, swedish
from crawler.report.html import render
from crawler.report.pdf import html_to_pdf
from crawler.report.weekly import WeeklyReport, build
from crawler.report.weeks import last_complete_week, parse_week, week_of
from crawler.snapshot import Snapshot
from crawler.store import open_store
from crawler.vocabulary import CellState
from scheduler.runner import run_snapshot
from tests.conftest import write_config

D = Protection().parameters.max_deviation
SMALLEST = Protection().parameters.smallest_published
# a Wednesday noon, and the same time a week later: two ISO weeks
FIRST = datetime(2026, 11, 11, 12, tzinfo=UTC)
SECOND = FIRST + timedelta(days=7)


@dataclass
class Crawled:
    market: Market
    config: Path
    before: Truth  # the market when the first snapshot was taken
    after: Truth  # ... and the second, with the first as baseline


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    """Two real snapshots of the demo market, all eight sites (three in Chromium), a week
    apart on the market's clock and in the store."""
    tmp = tmp_path_factory.mktemp("report")
    market = generate(seed=11, listings=300)
    with MarketServer(market) as server:
        config = write_config(tmp, server.url)
        assert run_snapshot(config, quiet=True, taken_at=FIRST).exit_code == 0
        market.advance(7)
        assert run_snapshot(config, quiet=True, taken_at=SECOND).exit_code == 0
    yield Crawled(market, config, compute_truth(market, day=0),
                  compute_truth(market, day=7, baseline_day=0, previous_day=0))


def report_for(crawled: Crawled, county: str, week: datetime = SECOND) -> WeeklyReport:
    loaded = load_config(crawled.config)
    with open_store(loaded.store_url) as store:
        return build(store, lan.resolve(county), week_of(week), protection_for(loaded))


def agrees(shown: Shown | None, true: int) -> bool:
    """A published count agrees with the truth as the cell key method promises: within D,
    zero stays zero, and no count under the smallest published one appears."""
    assert shown is not None and shown.state == CellState.PERTURBED and shown.value is not None
    assert shown.text == str(shown.value)
    if true == 0:
        return shown.value == 0
    return abs(shown.value - true) <= D and (shown.value == 0 or shown.value >= SMALLEST)


# -- the numbers against the ground truth ---------------------------------------------------

@pytest.mark.browser
@pytest.mark.slow
def test_every_county_report_agrees_with_the_ground_truth(crawled: Crawled) -> None:
    before, after = crawled.before.by_county, crawled.after.by_county
    checked = 0
    for iso in sorted(set(LOCALITY_COUNTY.values())):
        report = report_for(crawled, iso)
        unique = report.unique
        assert agrees(unique.now, after[(iso, "total", "total")]), iso
        assert agrees(unique.last_week, before[(iso, "total", "total")]), iso
        assert agrees(report.new_vs_baseline, crawled.after.county_new_vs_baseline[iso]), iso
        assert agrees(report.gone_vs_baseline, crawled.after.county_gone_vs_baseline[iso]), iso
        for rows, breakdown in ((report.orter, "locality"), (report.sites, "site"),
                                (report.languages, "language"), (report.genders, "gender"),
                                (report.age_bands, "age_band")):
            for row in rows:
                assert agrees(row.now, after[(iso, breakdown, row.key)]), (iso, breakdown, row.key)
                assert agrees(row.last_week, before[(iso, breakdown, row.key)]), (iso, row.key)
                checked += 1
            # nothing the truth has is missing from the table
            keys = {row.key for row in rows}
            assert {c for (i, b, c), n in after.items() if i == iso and b == breakdown and n} <= keys
    assert checked > 100
    stockholm = report_for(crawled, "Stockholms län")
    assert stockholm.unique.now.value > 20
    assert stockholm.unique.change == swedish.signed(
        stockholm.unique.now.value - stockholm.unique.last_week.value)


@pytest.mark.browser
@pytest.mark.slow
def test_what_changed_in_each_county_agrees_with_the_ground_truth(crawled: Crawled) -> None:
    """New unique listings and, of them, the edited reposts by kind: within the cell key
    method's deviation of the truth, plus the matching's own error for the reposts (an
    edit heavier than the similarity threshold is new, docs/METHOD.md)."""
    flows = county_flows(crawled.market, 7, 0)
    shown_reposts = true_reposts = 0
    for iso in sorted(set(LOCALITY_COUNTY.values())):
        report = report_for(crawled, iso)
        assert report.previous is not None and report.previous.snapshot_id == (
            report.last_week.snapshot_id)
        rows = {row.key: row for row in report.changes}
        assert list(rows) == ["unique/new", "unique/reposted", "unique/edited",
                              "unique/moved_locality", "unique/moved_site", "distinct/new",
                              "advertisers/new", "unique/gone"]
        after = crawled.after
        new, gone = after.county_new_vs_baseline[iso], after.county_gone_vs_baseline[iso]
        # two snapshots: the previous one is the baseline
        for against in ("previous", "baseline"):
            assert agrees(getattr(rows["unique/new"], against), new), (iso, against)
            assert agrees(getattr(rows["unique/gone"], against), gone), (iso, against)
        for flow in ("reposted", "edited", "moved_locality", "moved_site"):
            shown, true = rows[f"unique/{flow}"].previous, flows[flow, iso]
            assert shown is not None and shown.state == CellState.PERTURBED
            assert abs(shown.value - true) <= D + max(2, 0.05 * true), (iso, flow, shown, true)
            assert rows[f"unique/{flow}"].baseline == shown, "the same comparison"
        # a repost is new as a unique listing, not as a distinct one
        assert rows["distinct/new"].previous.value <= rows["unique/new"].previous.value + 2 * D
        shown_reposts += rows["unique/reposted"].previous.value
        true_reposts += flows["reposted", iso]
    # (the per-county noise, independent between counties, does not add up to a bound
    # on the sum: each county is held above)
    assert true_reposts > 10, "the demo market reposts a share of its listings"
    assert shown_reposts > 0


@pytest.mark.browser
@pytest.mark.slow
def test_nothing_is_hidden_and_the_largest_kommun_heads_its_county(crawled: Crawled) -> None:
    after = crawled.after.by_county
    headed = 0
    for iso in sorted(set(LOCALITY_COUNTY.values())):
        report = report_for(crawled, iso)
        for rows in (report.headline, report.kommuner, report.orter, report.sites,
                     report.site_kinds, report.languages, report.genders, report.age_bands):
            for row in rows:
                assert row.now.state == CellState.PERTURBED and row.now.value is not None, (iso, row.key)
                assert ".." not in row.now.text and "<" not in row.now.text
                if row.last_week is not None:
                    assert row.change not in ("", "–"), (iso, row.key)
        assert UNDER_18 not in {r.key for r in report.age_bands}, "a flag, not a count"
        truth = sorted(((n, c) for (i, b, c), n in after.items() if i == iso and b == "locality"
                        and c not in ("unknown", "abroad")), reverse=True)
        if len(truth) >= 2 and truth[0][0] - truth[1][0] > 2 * D:
            # a lead larger than two perturbations cannot be overturned by them
            assert report.orter[0].key == truth[0][1], iso
            headed += 1
    assert headed >= 3, "the demo market has counties with a clearly largest locality"


@pytest.mark.browser
@pytest.mark.slow
def test_the_html_is_swedish_and_shows_the_protected_numbers(crawled: Crawled) -> None:
    report = report_for(crawled, "Västra Götalands län")
    html = render(report, generated=SECOND)
    for words in ("Västra Götalands län: veckosammanfattning", "Vecka 47 2026",
                  "16 november 2026 – 22 november 2026", "Unika annonser", "Kommuner",
                  "Språk som annonserna anger", "Annonser är inte personer",
                  "Siffrorna skyddas", "cellnyckelmetoden", "Uppgiven ålder under 18 år"):
        assert words in html, words
    assert "Nytt, upplagt igen och försvunnet" in html
    assert "Mot förra veckan (11 november 2026)" in html and "varav upplagda igen" in html
    for row in report.changes:
        assert f"<td>{row.previous.text}</td><td>{row.baseline.text}</td>" in html, row.key
    assert "&lt;5" not in html and ">..<" not in html
    assert f">{report.unique.now.text}<" in html
    for row in report.kommuner:
        assert f"<td>{row.label}</td><td>{row.now.text}</td>" in html
    assert html.count("<svg") == 2


# -- a real Chromium: the HTML opened, the PDF printed ----------------------------------------

@pytest.mark.browser
@pytest.mark.slow
def test_chromium_opens_the_report_without_errors_and_prints_it(crawled: Crawled,
                                                                tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    report = report_for(crawled, "Stockholms län")
    html = render(report)
    page_file = tmp_path / "report.html"
    page_file.write_text(html)
    executable = load_config(crawled.config).browser_executable()
    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable)
        page = browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(page_file.as_uri())
        charts = page.locator("figure svg")
        assert charts.count() == 2
        box = charts.first.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100
        assert page.locator("#headline tbody tr").count() == 4
        assert page.locator("h1").inner_text() == "Stockholms län: veckosammanfattning"
        browser.close()
    assert errors == []
    assert requests == [page_file.as_uri()], "the report fetched something: not self-contained"

    pdf = tmp_path / "report.pdf"
    assert html_to_pdf(html, pdf, executable) == []
    document = pypdfium2.PdfDocument(pdf)
    assert len(document) >= 2
    text = "".join(document[n].get_textpage().get_text_range() for n in range(len(document)))
    document.close()
    assert "Stockholms län: veckosammanfattning" in text and "Om siffrorna" in text
    assert report.unique.now.text in text


@pytest.mark.browser
@pytest.mark.slow
def test_the_command_writes_html_and_pdf_for_one_or_every_lan(crawled: Crawled, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["report", "--config", str(crawled.config), "--lan", "14", "--week", "2026-W47",
                 "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["veckorapport-2026-W47-SE-O.html",
                                                     "veckorapport-2026-W47-SE-O.pdf"]
    assert (out / "veckorapport-2026-W47-SE-O.pdf").read_bytes().startswith(b"%PDF-")
    capsys.readouterr()
    assert main(["report", "--config", str(crawled.config), "--all-lan", "--week", "2026-W47",
                 "--out", str(out), "--no-pdf"]) == 0
    assert len(list(out.glob("*.html"))) == 21
    assert not list(out.glob(".*")), "no temporary file left behind"
    # the audit reads reports as outputs: prose by design, but no contact or listing URL
    loaded = load_config(crawled.config)
    assert main(["report", "--config", str(crawled.config), "--lan", "SE-O", "--week",
                 "2026-W47", "--no-pdf"]) == 0
    assert (loaded.reports_dir / "veckorapport-2026-W47-SE-O.html").is_file()
    from crawler.audit import run_audit

    files = run_audit(loaded, temp_roots=[tmp_path / "none"]).check("files")
    assert files.passed, files.failures


# -- weeks, län and bad input (stores written here, no crawl) ----------------------------------

def stored(tmp_path: Path, *moments: datetime, texts: tuple[str, ...] = ("a", "b", "c"),
           age: str = "25") -> Path:
    config = write_config(tmp_path, "http://127.0.0.1:9", browser=False)
    loaded = load_config(config)
    for n, moment in enumerate(moments):
        listings = [Listing("annonstavlan", "ad_board",
                            {"text": f"a neutral synthetic text {t} {n}", "locality": "Lund",
                             "age": age}) for t in texts]
        with open_store(loaded.store_url) as store:
            snap = Snapshot(store, KeyRing(loaded.keys_dir), 91, "h", now=moment)
            snap.begin()
            snap.finish({"annonstavlan": listings},
                        [SiteRun("annonstavlan", "ad_board", "ok", pages=1, items=len(listings))],
                        finished=moment)
    return config


WORDS = ("lugn", "trevlig", "kvällar", "helger", "centralt", "diskret", "promenader", "musik",
         "film", "samtal", "middag", "resor", "konst", "teater", "bad", "skog")


def test_what_changed_is_against_the_snapshot_before_which_may_be_this_week(
        tmp_path: Path) -> None:
    """Snapshots more often than weekly: "previous" is the snapshot before this one (named
    by its day), not last week's; a repost with a new price is new as a unique listing, a
    repost, and not new as a distinct listing; a baseline has no such table."""
    config = write_config(tmp_path, "http://127.0.0.1:9", browser=False)
    loaded = load_config(config)
    ads = [" ".join(WORDS[(i + k) % len(WORDS)] for k in range(0, 16, 3)) + f" ord{i}"
           for i in range(12)]
    baseline_day, wednesday, thursday = FIRST - timedelta(days=7), FIRST, FIRST + timedelta(days=1)
    for moment, price in ((baseline_day, 1000), (wednesday, 1000), (thursday, 1200)):
        # the same twelve ads in Lund; on Thursday each reposted with a new price in its text
        listings = [Listing("annonstavlan", "ad_board",
                            {"text": f"{text} pris {price} kr", "locality": "Lund"})
                    for text in ads]
        with open_store(loaded.store_url) as store:
            snap = Snapshot(store, KeyRing(loaded.keys_dir), 91, "h", now=moment)
            snap.begin()
            snap.finish({"annonstavlan": listings},
                        [SiteRun("annonstavlan", "ad_board", "ok", pages=1, items=12)],
                        finished=moment)
    with open_store(loaded.store_url) as store:
        report = build(store, lan.resolve("Skåne"), week_of(thursday), Protection())
        first = build(store, lan.resolve("Skåne"), week_of(baseline_day), Protection())
    assert report.snapshot.started_at.startswith(thursday.date().isoformat())
    assert report.previous is not None and report.last_week is not None
    assert report.previous.started_at.startswith(wednesday.date().isoformat())
    assert report.last_week.snapshot_id == report.baseline.snapshot_id
    assert report.previous.snapshot_id != report.baseline.snapshot_id
    rows = {row.key: row for row in report.changes}
    for key in ("unique/new", "unique/reposted", "unique/edited", "unique/gone"):
        for against in ("previous", "baseline"):
            shown = getattr(rows[key], against)
            assert shown is not None and abs(shown.value - 12) <= D, (key, against, shown)
    for key in ("unique/moved_locality", "unique/moved_site", "distinct/new", "advertisers/new"):
        assert rows[key].previous.value == rows[key].baseline.value == 0, key
    html = render(report, generated=thursday)
    assert "Mot föregående ögonblicksbild (11 november 2026)" in html
    assert first.changes == [] and "Nytt, upplagt igen" not in render(first, generated=thursday)


def test_a_week_is_stockholm_time_monday_to_sunday(tmp_path: Path) -> None:
    # Sunday 23:30 in Stockholm is still week 47; Monday 00:30 (Sunday 23:30 UTC) is 48
    sunday = datetime(2026, 11, 22, 22, 30, tzinfo=UTC)
    monday = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    assert week_of(sunday).label == "2026-W47" and week_of(monday).label == "2026-W48"
    config = stored(tmp_path, sunday, monday)
    with open_store(load_config(config).store_url) as store:
        w47 = build(store, lan.resolve("Skåne"), parse_week("2026-W47"), Protection())
        w48 = build(store, lan.resolve("Skåne"), parse_week("2026-W48"), Protection())
    # the same cell, read by two reports, is the same number
    assert w48.unique.last_week == w47.unique.now
    assert w47.snapshot.started_at.startswith("2026-11-22T22:30")
    assert w48.last_week is not None and w48.last_week.snapshot_id == w47.snapshot.snapshot_id
    assert last_complete_week(monday).label == "2026-W47"
    assert parse_week("2026w1").label == "2026-W01"


@pytest.mark.parametrize("text", ["Västra Götalands län", "västra götaland", "14", "SE-O", "o"])
def test_a_lan_by_name_code_or_iso_code(text: str) -> None:
    assert lan.resolve(text).iso == "SE-O"


def test_every_lan_resolves_by_its_own_name_and_codes() -> None:
    assert len(lan.COUNTIES) == 21
    for county in lan.COUNTIES:
        for text in (county.name, county.code, county.iso):
            assert lan.resolve(text) == county


@pytest.mark.parametrize("age, present", [("16", True), ("25", False)])
def test_a_stated_age_under_18_is_flagged_exactly(tmp_path: Path, age: str,
                                                  present: bool) -> None:
    # one listing: a perturbed count of 1 would be published as 0 or 3 or more; the flag
    # says exactly that it is there
    config = stored(tmp_path, FIRST, texts=("a",), age=age)
    loaded = load_config(config)
    with open_store(loaded.store_url) as store:
        report = build(store, lan.resolve("Skåne län"), week_of(FIRST), protection_for(loaded))
    assert report.under_18.present is present
    html = render(report)
    said = "Minst en annons i länet uppgav en ålder under 18 år denna vecka."
    assert (said in html) is present
    assert ("Ingen annons i länet uppgav en ålder under 18 år" in html) is not present


@pytest.mark.parametrize("argv, message", [
    (["--lan", "Götaland Väst", "--week", "2026-W46"],
     "unknown län 'Götaland Väst'"),
    (["--lan", "Skåne", "--week", "2026-W40"], "no snapshot in week 2026-W40"),
    (["--lan", "Skåne", "--week", "2026-W60"], "not an ISO week: '2026-W60'"),
    (["--lan", "Skåne", "--week", "last week"], "not an ISO week"),
])
def test_bad_input_is_named_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        argv: list[str], message: str) -> None:
    config = stored(tmp_path, FIRST)
    capsys.readouterr()
    assert main(["report", "--config", str(config), "--no-pdf", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert not (load_config(config).reports_dir).exists(), "nothing written on an error"


def test_an_unknown_lan_gets_suggestions(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(AdcensusError, match="did you mean 'Västra Götalands län'"):
        lan.resolve("Västra Göta")


def test_an_empty_store_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9", browser=False)
    assert main(["report", "--config", str(config), "--lan", "Skåne", "--no-pdf"]) == 2
    assert "the store holds no complete snapshot yet" in capsys.readouterr().err
