"""When a job runs: presets (weekly, monthly on a day like the 2020 mapping), crontab
expressions and one-off dates, turned into APScheduler triggers with errors a person
can act on.

Crontab text means what it means in cron: ``0 3 * * 1`` is Monday 03:00. (APScheduler
3.x reads weekday numbers with 0 as Monday, even in ``CronTrigger.from_crontab``; the
weekday field is translated here so that nobody's Monday job runs on Tuesday.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from crawler.errors import AdcensusError

PRESETS = ("weekly", "monthly")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # APScheduler's order
_CRON_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # cron's: 0 and 7 are Sunday
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


class ScheduleError(AdcensusError):
    """Bad schedule input; the message names the option and what is wrong with it."""


@dataclass(frozen=True)
class When:
    trigger: BaseTrigger
    label: str  # short, for a job id: "weekly", "monthly-15", "cron", "once"
    description: str  # for people: "every Monday at 03:00 (Europe/Stockholm)"


def weekly(timezone: ZoneInfo, weekday: str = "mon", time: str = "03:00") -> When:
    day = weekday.lower()[:3]
    if day not in WEEKDAYS:
        raise ScheduleError(f"--weekday {weekday!r}: expected one of {', '.join(WEEKDAYS)}")
    hour, minute = parse_time(time)
    trigger = CronTrigger(day_of_week=day, hour=hour, minute=minute, timezone=timezone)
    return When(trigger, "weekly",
                f"every {_DAY_NAMES[day]} at {hour:02d}:{minute:02d} ({timezone.key})")


def monthly(timezone: ZoneInfo, day: int = 15, time: str = "03:00") -> When:
    if not 1 <= day <= 31:
        raise ScheduleError(f"--day {day}: a day of the month is 1-31")
    hour, minute = parse_time(time)
    trigger = CronTrigger(day=day, hour=hour, minute=minute, timezone=timezone)
    note = f"; months without a day {day} are skipped" if day > 28 else ""
    return When(trigger, f"monthly-{day}",
                f"on day {day} of every month at {hour:02d}:{minute:02d} ({timezone.key}){note}")


def cron(text: str, timezone: ZoneInfo) -> When:
    fields = text.split()
    if len(fields) != 5:
        raise ScheduleError(f"--cron {text!r}: expected 5 fields (minute hour day-of-month "
                            f"month day-of-week), got {len(fields)}")
    if fields[2] != "*" and fields[4] != "*":
        # cron runs when either matches, APScheduler only when both do: refuse to guess
        raise ScheduleError(f"--cron {text!r}: give a day of the month or a day of the week, "
                            "not both (cron reads that as either, APScheduler as both)")
    try:
        CronTrigger(minute=fields[0], hour=fields[1], day=fields[2], month=fields[3],
                    timezone=timezone)
        trigger = CronTrigger(minute=fields[0], hour=fields[1], day=fields[2], month=fields[3],
                              day_of_week=_cron_weekdays(fields[4]), timezone=timezone)
    except ValueError as exc:
        raise ScheduleError(f"--cron {text!r} is not a valid cron expression: {exc}") from None
    if trigger.get_next_fire_time(None, datetime.now(timezone)) is None:
        raise ScheduleError(f"--cron {text!r} never fires")
    return When(trigger, "cron", f"cron {text!r} ({timezone.key})")


def once(text: str, timezone: ZoneInfo, now: datetime | None = None) -> When:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ScheduleError(f"--at {text!r} is not a date and time (expected YYYY-MM-DDTHH:MM, "
                            f"in {timezone.key} unless it has an offset)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone)
    now = now or datetime.now(timezone)
    # as instants: aware times in one zone compare by their wall clocks, fold ignored, and
    # in the hour that runs twice a past 02:20 (summer time) is "after" 02:10 (winter time)
    if moment.timestamp() <= now.timestamp():
        shown = now.astimezone(timezone).strftime("%Y-%m-%d %H:%M")
        raise ScheduleError(f"--at {text!r} is in the past (now {shown} {timezone.key}): "
                            "a one-off run needs a future time")
    return When(DateTrigger(run_date=moment, timezone=timezone), "once",
                f"once, {moment.astimezone(timezone):%Y-%m-%d %H:%M:%S} ({timezone.key})")


def parse_time(text: str) -> tuple[int, int]:
    match = _TIME.match(text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ScheduleError(f"--time {text!r} is not a time of day (HH:MM, 00:00-23:59)")
    return int(match[1]), int(match[2])


def _cron_weekdays(field: str) -> str:
    """Cron's day-of-week field (0 or 7 = Sunday, names allowed) as APScheduler names."""
    if field == "*":
        return "*"
    days: set[int] = set()
    for part in field.lower().split(","):
        body, _, step_text = part.partition("/")
        step = 1
        if step_text:
            if not step_text.isdigit() or int(step_text) < 1:
                raise ValueError(f"step {step_text!r} in day-of-week {part!r} is not a "
                                 "positive number")
            step = int(step_text)
        if body == "*":
            first, last = 0, 6
        elif "-" in body:
            a, b = body.split("-", 1)
            first, last = _weekday_number(a, part), _weekday_number(b, part)
        else:
            first = _weekday_number(body, part)
            last = 6 if step_text else first  # "1/2": from Monday, every second day
        if first > last:
            raise ValueError(f"day-of-week range {body!r} runs backwards")
        days.update(d % 7 for d in range(first, last + 1, step))
    return ",".join(day for day in WEEKDAYS if _CRON_WEEKDAYS.index(day) in days)


def _weekday_number(text: str, part: str) -> int:
    """0-7 (0 and 7 are Sunday) or a name (sun-sat) as cron's number."""
    if text in _CRON_WEEKDAYS:
        return _CRON_WEEKDAYS.index(text)
    if not text.isdigit() or int(text) > 7:
        raise ValueError(f"{text!r} in day-of-week {part!r} is not a weekday (0-7 or sun-sat)")
    return int(text)


_DAY_NAMES = dict(zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                 "Saturday", "Sunday"), strict=True))
