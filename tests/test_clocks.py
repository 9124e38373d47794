"""Everything that depends on the date runs here under fixed clocks, not the machine's:
schedules, weeks, baseline windows, the weekly report and status, at the moments where
calendars bite (a weekend night, either side of the Monday 03:00 snapshot, both
daylight-saving nights, New Year's Eve, ISO week 53 and a leap day). A test elsewhere
that passed on Tuesday and failed on Saturday would be a defect; these say so at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from crawler.audit.windows import LIVE, windows
from crawler.keys import KeyRing
from crawler.listing import Listing
from crawler.protection import protection_for
from crawler.records import SiteRun
from crawler.report import lan
from crawler.report.weekly import build
from crawler.report.weeks import last_complete_week, parse_week, week_of
from crawler.snapshot import Snapshot
from crawler.store import open_store
from crawler.store.inspect import inspect_store
from scheduler.status import gather
from scheduler.triggers import cron, monthly, weekly
from tests.scheduler_support import loaded, scheduled_config

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def local(*parts: int, fold: int = 0) -> datetime:
    return datetime(*parts, tzinfo=STOCKHOLM, fold=fold)  # type: ignore[misc]


CLOCKS = {
    "saturday-night": local(2026, 12, 5, 23, 30),
    "monday-02:59": local(2026, 12, 7, 2, 59),
    "monday-03:01": local(2026, 12, 7, 3, 1),
    "dst-starts": local(2027, 3, 28, 1, 30),  # 02:00 becomes 03:00 an hour later
    "dst-ends-first-02:30": local(2026, 10, 25, 2, 30, fold=0),  # the hour runs twice
    "dst-ends-second-02:30": local(2026, 10, 25, 2, 30, fold=1),
    "new-years-eve": local(2026, 12, 31, 23, 30),
    "iso-week-53": local(2027, 1, 2, 12, 0),  # 2026 has 53 ISO weeks
    "leap-day": local(2028, 2, 29, 12, 0),
}


@pytest.fixture(params=list(CLOCKS), ids=list(CLOCKS))
def clock(request: pytest.FixtureRequest) -> datetime:
    return CLOCKS[request.param].astimezone(UTC)


# -- schedules --------------------------------------------------------------------------------

def test_the_weekly_snapshot_is_the_next_monday_03_00_stockholm_time(clock: datetime) -> None:
    nxt = weekly(STOCKHOLM).trigger.get_next_fire_time(None, clock).astimezone(STOCKHOLM)
    assert (nxt.strftime("%a %H:%M"), nxt > clock) == ("Mon 03:00", True)
    assert nxt - clock <= timedelta(days=7, hours=1)  # an hour more over a DST night
    here = clock.astimezone(STOCKHOLM)
    if here.strftime("%a") == "Mon" and (here.hour, here.minute) < (3, 0):
        assert nxt.date() == here.date(), "on Monday before 03:00: the same day"


def test_the_monthly_and_cron_schedules_fire_when_they_say(clock: datetime) -> None:
    nxt = monthly(STOCKHOLM, 15).trigger.get_next_fire_time(None, clock).astimezone(STOCKHOLM)
    assert (nxt.day, nxt.strftime("%H:%M"), nxt > clock) == (15, "03:00", True)
    assert nxt - clock <= timedelta(days=31, hours=1)
    fridays = cron("30 4 * * 5", STOCKHOLM).trigger.get_next_fire_time(None, clock)
    assert fridays.astimezone(STOCKHOLM).strftime("%a %H:%M") == "Fri 04:30"
    assert timedelta(0) < fridays - clock <= timedelta(days=7, hours=1)


# -- weeks --------------------------------------------------------------------------------------

def test_a_week_holds_its_moment_and_the_last_complete_week_is_the_one_before(
        clock: datetime) -> None:
    week = week_of(clock)
    assert week.holds(clock) and week.start <= clock < week.end
    assert week.start.astimezone(STOCKHOLM).strftime("%a %H:%M") == "Mon 00:00"
    assert 167 <= (week.end - week.start).total_seconds() / 3600 <= 169  # DST: 167 or 169
    before = last_complete_week(clock)
    assert before.end == week.start and not before.holds(clock)
    assert parse_week(week.label) == week and week.shift(-1).shift(1) == week
    if clock == CLOCKS["iso-week-53"]:
        assert (week.label, week.shift(1).label) == ("2026-W53", "2027-W01")


# -- baseline windows, the weekly report and status ---------------------------------------

def take(config: Path, moment: datetime, texts: list[str]) -> str:
    cfg = loaded(config)
    batch = [Listing("annonstavlan", "ad_board", {"text": f"a neutral synthetic text {t}",
                                                  "locality": "Lund", "age": "25"})
             for t in texts]
    with open_store(cfg.store_url) as store:
        snap = Snapshot(store, KeyRing(cfg.keys_dir), cfg.config.baseline.window_days, "h",
                        now=moment)
        run = snap.begin()
        snap.finish({"annonstavlan": batch},
                    [SiteRun("annonstavlan", "ad_board", "ok", pages=1, items=len(batch))],
                    finished=moment)
    return run.window_id


def test_windows_reports_and_status_follow_the_clock(tmp_path: Path, clock: datetime) -> None:
    config = scheduled_config(tmp_path, "http://127.0.0.1:9", {"window_warning_days": 5})
    cfg = loaded(config)
    window_days = cfg.config.baseline.window_days
    opened = clock - timedelta(days=window_days - 3)
    first = take(config, opened, ["a", "b", "c"])
    last_week = take(config, clock - timedelta(days=7), ["a", "b", "d"])
    now = take(config, clock, ["a", "d", "e", "f"])
    assert first == last_week == now, "the window is still open three days before its end"

    with open_store(cfg.store_url) as store:
        runs = store.runs()
        found = windows(inspect_store(cfg.store_url).runs, {}, KeyRing(cfg.keys_dir),
                        window_days, now=clock)
        report = build(store, lan.resolve("Skåne"), week_of(clock), protection_for(cfg))
    assert [(w.window_id, w.state) for w in found] == [(now, LIVE)]
    # the week's snapshot is the one taken now, and last week's the one seven days before
    assert report.snapshot.snapshot_id == runs[-1].snapshot_id
    assert report.last_week is not None and report.last_week.snapshot_id == runs[-2].snapshot_id
    assert report.baseline.snapshot_id == runs[0].snapshot_id
    assert report.unique.now.value is not None

    status = gather(cfg, now=clock)
    assert any(f"the baseline window {now}" in w and "in 3 day(s)" in w
               for w in status.warnings), status.warnings
    # four days later the window has ended, and status and the audit's windows say so
    later = clock + timedelta(days=4)
    assert any(f"the baseline window {now} ended" in w
               for w in gather(cfg, now=later).warnings)
    ended = windows(inspect_store(cfg.store_url).runs, {}, KeyRing(cfg.keys_dir), window_days,
                    now=later)
    assert [w.state for w in ended] != [LIVE]
