"""Presets, crontab text and one-off dates: the runs they give, and clear errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler import triggers
from scheduler.triggers import ScheduleError

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=STOCKHOLM)  # a Tuesday


def fires(when: triggers.When, n: int = 3, start: datetime = NOW) -> list[datetime]:
    out: list[datetime] = []
    previous = None
    moment = start
    for _ in range(n):
        nxt = when.trigger.get_next_fire_time(previous, moment)
        assert nxt is not None
        out.append(nxt)
        previous, moment = nxt, nxt + timedelta(seconds=1)
    return out


def test_weekly_is_monday_at_three_in_stockholm() -> None:
    runs = fires(triggers.weekly(STOCKHOLM))
    assert [r.strftime("%a %H:%M") for r in runs] == ["Mon 03:00"] * 3
    assert runs[0] == datetime(2026, 11, 30, 3, 0, tzinfo=STOCKHOLM)
    assert all(b - a == timedelta(days=7) for a, b in zip(runs, runs[1:], strict=False))


def test_weekly_keeps_local_time_over_daylight_saving() -> None:
    runs = fires(triggers.weekly(STOCKHOLM), n=2, start=datetime(2027, 3, 15, 12, tzinfo=STOCKHOLM))
    assert [r.hour for r in runs] == [3, 3]
    assert [r.utcoffset() for r in runs] == [timedelta(hours=1), timedelta(hours=2)]


def test_monthly_on_the_fifteenth_like_2020() -> None:
    runs = fires(triggers.monthly(STOCKHOLM, day=15))
    assert [(r.month, r.day, r.hour) for r in runs] == [(12, 15, 3), (1, 15, 3), (2, 15, 3)]


@pytest.mark.parametrize(("text", "weekday"), [
    ("0 3 * * 1", "Mon"), ("0 3 * * 0", "Sun"), ("0 3 * * 7", "Sun"), ("0 3 * * mon", "Mon"),
    ("30 4 * * 5", "Fri"),
])
def test_cron_weekdays_mean_what_cron_means(text: str, weekday: str) -> None:
    # APScheduler 3 alone would run "0 3 * * 1" on Tuesdays
    runs = fires(triggers.cron(text, STOCKHOLM), n=2)
    assert {r.strftime("%a") for r in runs} == {weekday}


def test_cron_weekday_ranges_and_steps() -> None:
    assert triggers._cron_weekdays("1-5") == "mon,tue,wed,thu,fri"
    assert triggers._cron_weekdays("5-7") == "fri,sat,sun"
    assert triggers._cron_weekdays("*/2") == "tue,thu,sat,sun"  # cron: 0,2,4,6
    assert triggers._cron_weekdays("0,6") == "sat,sun"


@pytest.mark.parametrize(("text", "message"), [
    ("0 3 * *", "expected 5 fields"),
    ("61 3 * * 1", "not a valid cron expression"),
    ("0 25 * * 1", "not a valid cron expression"),
    ("0 3 * * 8", "'8' in day-of-week"),
    ("0 3 * * 5-1", "runs backwards"),
    ("0 3 31 2 *", "never fires"),
    ("0 3 15 * 1", "not both"),
    ("every monday", "expected 5 fields"),
])
def test_bad_cron_is_named(text: str, message: str) -> None:
    with pytest.raises(ScheduleError) as error:
        triggers.cron(text, STOCKHOLM)
    assert message in str(error.value) and repr(text) in str(error.value)


def test_one_off_in_the_future_and_refused_in_the_past() -> None:
    when = triggers.once("2026-12-01T03:00", STOCKHOLM, now=NOW)
    assert when.trigger.get_next_fire_time(None, NOW) == datetime(2026, 12, 1, 3, tzinfo=STOCKHOLM)
    with pytest.raises(ScheduleError, match="is in the past"):
        triggers.once("2020-08-15T03:00", STOCKHOLM, now=NOW)
    with pytest.raises(ScheduleError, match="not a date and time"):
        triggers.once("next tuesday", STOCKHOLM, now=NOW)


def test_a_one_off_in_the_hour_that_runs_twice_is_compared_as_an_instant() -> None:
    # 02:10 the second time (winter time, 01:10 UTC): 02:20 without an offset is summer
    # time, 00:20 UTC, past; with the winter offset it is ten minutes ahead
    now = datetime(2026, 10, 25, 2, 10, tzinfo=STOCKHOLM, fold=1)
    with pytest.raises(ScheduleError, match="is in the past"):
        triggers.once("2026-10-25T02:20", STOCKHOLM, now=now)
    when = triggers.once("2026-10-25T02:20+01:00", STOCKHOLM, now=now)
    fires_at = when.trigger.get_next_fire_time(None, now)
    assert fires_at.astimezone(UTC) == datetime(2026, 10, 25, 1, 20, tzinfo=UTC)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: triggers.weekly(STOCKHOLM, weekday="someday"), "--weekday 'someday'"),
    (lambda: triggers.weekly(STOCKHOLM, time="25:00"), "--time '25:00'"),
    (lambda: triggers.monthly(STOCKHOLM, day=0), "--day 0"),
    (lambda: triggers.monthly(STOCKHOLM, day=32), "--day 32"),
])
def test_bad_preset_options_are_named(call: object, message: str) -> None:
    with pytest.raises(ScheduleError, match=message):
        call()  # type: ignore[operator]
