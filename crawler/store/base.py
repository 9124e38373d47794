"""The store interface: small, and typed so that only records can enter.

Every write method checks each record with ``records.accept`` before anything is
written, so a Listing, a dict or an unknown type fails at the API with nothing stored.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence

from crawler.records import Fingerprint, Indicator, RunRecord, accept


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
        self._write_complete(checked_run, checked_indicators, checked_fingerprints)  # type: ignore[arg-type]

    @abstractmethod
    def _write_complete(
        self, run: RunRecord, indicators: Sequence[Indicator], fingerprints: Sequence[Fingerprint]
    ) -> None: ...

    @abstractmethod
    def fail_run(self, snapshot_id: str, reason: str, finished_at: str) -> None: ...

    @abstractmethod
    def fail_interrupted_runs(self, reason: str, finished_at: str) -> list[str]:
        """Mark every run still "running" as failed; returns their snapshot ids."""

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

    # -- fingerprints -----------------------------------------------------------
    @abstractmethod
    def fingerprints(self, snapshot_id: str, kind: str) -> set[tuple[str, str]]:
        """(scope, digest) pairs written with a snapshot."""

    @abstractmethod
    def delete_window(self, window_id: str) -> int:
        """Delete a window's fingerprints; returns how many were deleted."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
