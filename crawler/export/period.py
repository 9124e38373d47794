"""The period an export covers: whole days in UTC, both ends included."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from crawler.records import RunRecord


def parse_day(text: str) -> date:
    """A YYYY-MM-DD date, or a ValueError that says the expected form."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date: write it as YYYY-MM-DD "
                         "(e.g. 2026-01-31)") from None


@dataclass(frozen=True)
class Period:
    start: date | None = None  # None: from the first snapshot
    end: date | None = None  # None: to the last snapshot

    def __post_init__(self) -> None:
        if self.start and self.end and self.start > self.end:
            raise ValueError(f"--from {self.start} is after --to {self.end}")

    def holds(self, moment: str) -> bool:
        """Whether an ISO 8601 UTC time falls on a day of the period."""
        day = datetime.fromisoformat(moment).date()
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def runs(self, runs: Sequence[RunRecord]) -> list[RunRecord]:
        return [r for r in runs if self.holds(r.started_at)]

    def describe(self) -> str:
        start = str(self.start) if self.start else "the first snapshot"
        end = str(self.end) if self.end else "the last snapshot"
        return f"from {start} to {end}"

    def label(self, runs: Sequence[RunRecord]) -> str:
        """``<from>-<to>`` for a directory name: the dates given, else those of the first
        and the last snapshot exported."""
        first = self.start or datetime.fromisoformat(runs[0].started_at).date()
        last = self.end or datetime.fromisoformat(runs[-1].started_at).date()
        return f"{first}-{last}"
