"""The store interface: small, and typed so that only records can enter.

Every write method checks each record with ``records.accept`` before anything is
written, so a Listing, a dict or an unknown type fails at the API with nothing stored.
Every read sees only snapshots whose run is complete or partial: a snapshot that is
still being written, or whose writer died, shows nothing.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from crawler.records import CellId, Fingerprint, Indicator, RunRecord, accept

# Two record fields were renamed after stores held them (a word with two meanings, kind
# and status, got one each): a store keeps the first name, so the SQLite files and the
# Elasticsearch indices written before need no migration.
STORED_AS = {"Fingerprint.subject": "kind", "SiteRun.health": "status"}


class StoreError(Exception):
    """A backend failed or refused a write or a query. The message names the cause,
    never a credential."""


@dataclass(frozen=True, slots=True)
class Point:
    """One snapshot's value in a series."""

    snapshot_id: str
    taken_at: str
    value: int
    comparable: bool
    # the indicator's cell key, which an output for people publishes the value with;
    # None for an indicator written before cell keys existed
    cell_key: int | None = None


class Store(ABC):
    # -- runs -------------------------------------------------------------------
    @abstractmethod
    def begin_run(self, run: RunRecord) -> None:
        """Record a run as started (status "running") before any crawling."""

    def complete_run(
        self, run: RunRecord, indicators: Iterable[Indicator], fingerprints: Iterable[Fingerprint]
    ) -> None:
        """Write the final run record with its indicators and fingerprints, all or nothing."""
        checked_run = accept(run)
        checked_indicators = [accept(i) for i in indicators]
        checked_fingerprints = [accept(f) for f in fingerprints]
        if not isinstance(checked_run, RunRecord):
            raise TypeError("complete_run takes a RunRecord first")
        if any(type(i) is not Indicator for i in checked_indicators):
            raise TypeError("indicators must be Indicator records")
        if any(type(f) is not Fingerprint for f in checked_fingerprints):
            raise TypeError("fingerprints must be Fingerprint records")
        if any(r.snapshot_id != run.snapshot_id
               for r in [*checked_indicators, *checked_fingerprints]):
            raise ValueError("every indicator and fingerprint must carry the run's snapshot id")
        _refuse_bad_values(checked_indicators)  # type: ignore[arg-type]
        self._write_complete(checked_run, checked_indicators, checked_fingerprints)  # type: ignore[arg-type]

    @abstractmethod
    def _write_complete(
        self, run: RunRecord, indicators: Sequence[Indicator], fingerprints: Sequence[Fingerprint]
    ) -> None: ...

    @abstractmethod
    def fail_run(self, snapshot_id: str, reason: str, finished_at: str) -> None: ...

    @abstractmethod
    def fail_interrupted_runs(self, reason: str, finished_at: str) -> list[str]:
        """Mark every run still "running" as failed and delete whatever it wrote;
        returns their snapshot ids."""

    @abstractmethod
    def runs(self, status: str | None = None) -> list[RunRecord]:
        """Run records, oldest first."""

    # -- indicators -------------------------------------------------------------
    @abstractmethod
    def indicators(
        self,
        snapshot_id: str | None = None,
        scope: str | None = None,
        level: str | None = None,
        measure: str | None = None,
        breakdown: str | None = None,
    ) -> list[Indicator]:
        """Indicators of complete runs only, filtered by the given fields."""

    # -- queries for reports and exports ------------------------------------------
    # ``since`` and ``until`` are ISO 8601 UTC times (or dates): since <= taken_at < until.
    @abstractmethod
    def series(
        self,
        scope: str,
        level: str,
        measure: str,
        breakdown: str,
        category: str,
        since: str | None = None,
        until: str | None = None,
    ) -> list[Point]:
        """One category's value per visible snapshot, oldest first."""

    @abstractmethod
    # -- fingerprints -----------------------------------------------------------
    @abstractmethod
    def fingerprints(self, snapshot_id: str, subject: str | None = None) -> list[Fingerprint]:
        """Fingerprints written with a visible snapshot, by subject, scope and digest."""

    @abstractmethod
    def delete_window(self, window_id: str) -> int:
        """Delete a window's fingerprints; returns how many were deleted."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


MAX_VALUE = 2**63 - 1  # a signed 64-bit integer: SQLite's INTEGER, Elasticsearch's long


def _refuse_bad_values(indicators: Sequence[Indicator]) -> None:
    # Two values for one key is a caller's bug; refusing it on every backend keeps
    # them alike (SQLite's primary key would fail, Elasticsearch would keep the last).
    seen: set[CellId] = set()
    for i in indicators:
        if i.value > MAX_VALUE:
            raise ValueError(f"indicator {i.cell_id} is past a 64-bit "
                             "integer; nothing was written")
        key = i.cell_id
        if key in seen:
            raise ValueError(f"indicator {key} given twice; nothing was written")
        seen.add(key)
