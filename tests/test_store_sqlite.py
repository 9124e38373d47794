"""What only the SQLite store has: one transaction per snapshot, rolled back whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.records import Fingerprint, Indicator, RunRecord, SiteRun
from crawler.store import StoreError, open_store
from crawler.store.sqlite import SQLiteStore


def test_a_write_sqlite_refuses_mid_transaction_leaves_nothing(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    assert isinstance(store, SQLiteStore)
    running = RunRecord("s1", "2026-11-01T06:00:00+00:00", "running", "h", "0.1.0", "w1")
    store.begin_run(running)
    twice = SiteRun("a", "ad_board", "ok")  # one site twice: the site_runs key fails
    final = RunRecord("s1", running.started_at, "complete", "h", "0.1.0", "w1",
                      sites=(twice, twice))
    indicator = Indicator("s1", running.started_at, "a", "unique", "count", "total", "total", 4)
    with pytest.raises(StoreError, match="nothing was written"):
        store.complete_run(final, [indicator], [Fingerprint("w1", "s1", "listing", "a", "a" * 64)])
    assert store.indicators() == [] and store.fingerprints("s1") == []
    assert [r.status for r in store.runs()] == ["running"]
    store.close()
