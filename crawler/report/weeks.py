"""ISO weeks in the coordinators' own time zone: a snapshot taken on Monday at 00:30 in
Stockholm belongs to that Monday's week, whatever UTC says."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from crawler.errors import AdcensusError

_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Week:
    year: int
    week: int
    tz: str = "Europe/Stockholm"

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def start(self) -> datetime:
        """Monday 00:00 local time."""
        return datetime.combine(date.fromisocalendar(self.year, self.week, 1),
                                datetime.min.time(), ZoneInfo(self.tz))

    @property
    def end(self) -> datetime:
        """The next Monday 00:00 local time (exclusive)."""
        return self.shift(1).start

    def shift(self, weeks: int) -> Week:
        monday = date.fromisocalendar(self.year, self.week, 1) + timedelta(weeks=weeks)
        year, week, _ = monday.isocalendar()
        return Week(year, week, self.tz)

    def holds(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    @property
    def first_day(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def last_day(self) -> date:
        return date.fromisocalendar(self.year, self.week, 7)


def parse_week(text: str, tz: str = "Europe/Stockholm") -> Week:
    match = _WEEK.match(text.strip())
    if match:
        year, week = int(match.group(1)), int(match.group(2))
        try:
            date.fromisocalendar(year, week, 1)
            return Week(year, week, tz)
        except ValueError:
            pass
    raise AdcensusError(f"not an ISO week: {text!r} (write it as 2026-W47; weeks run 01 to 52 "
                        "or 53)")


def week_of(moment: datetime, tz: str = "Europe/Stockholm") -> Week:
    year, week, _ = moment.astimezone(ZoneInfo(tz)).isocalendar()
    return Week(year, week, tz)


def last_complete_week(now: datetime, tz: str = "Europe/Stockholm") -> Week:
    return week_of(now, tz).shift(-1)
