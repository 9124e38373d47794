"""The SQLite store: only records in, atomic snapshot writes, crash recovery."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from crawler.listing import Listing
from crawler.records import Fingerprint, Indicator, RecordRejected, RunRecord, SiteRun
from crawler.store import open_store
from crawler.store.sqlite import SQLiteStore


def run(status: str = "running", sid: str = "s1") -> RunRecord:
    return RunRecord(sid, f"2026-11-24T00:00:0{sid[-1]}+00:00", status, "hash", "0.1.0",
                     window_id="w1", is_baseline=True,
                     sites=(SiteRun("a", "ad_board", "ok", 5, 4, {"http_500": 2}, {"x": 1}, 1.5),))


def ind(value: int, sid: str = "s1") -> Indicator:
    return Indicator(sid, "t", "a", "unique", "count", "total", "total", value)


def fp(digest: str = "a" * 64, sid: str = "s1") -> Fingerprint:
    return Fingerprint("w1", sid, "listing", "a", digest)


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    s = open_store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    assert isinstance(s, SQLiteStore)
    yield s
    s.close()


def test_running_run_has_no_visible_indicators_until_complete(store: SQLiteStore) -> None:
    store.begin_run(run())
    assert store.indicators() == []
    store.complete_run(run("complete"), [ind(4)], [fp()])
    assert [i.value for i in store.indicators()] == [4]
    assert store.runs()[0].sites[0].errors == {"http_500": 2}
    assert store.fingerprints("s1", "listing") == {("a", "a" * 64)}


def test_completing_twice_replaces_never_adds(store: SQLiteStore) -> None:
    store.begin_run(run())
    store.complete_run(run("complete"), [ind(4)], [fp()])
    store.complete_run(run("complete"), [ind(4)], [fp()])
    assert [i.value for i in store.indicators()] == [4]
    assert len(store.runs()) == 1


@pytest.mark.parametrize("bad", [
    Listing("a", "ad_board", {"text": "x"}),
    {"snapshot_id": "s1", "value": 3},
    "a string",
])
def test_anything_but_records_is_refused_before_writing(store: SQLiteStore, bad: object) -> None:
    store.begin_run(run())
    with pytest.raises(RecordRejected):
        store.complete_run(run("complete"), [ind(4), bad], [fp()])  # type: ignore[list-item]
    with pytest.raises(RecordRejected):
        store.complete_run(bad, [], [])  # type: ignore[arg-type]
    with pytest.raises(RecordRejected):
        store.begin_run(bad)  # type: ignore[arg-type]
    assert store.indicators() == [] and store.fingerprints("s1", "listing") == set()
    assert store.runs()[0].status == "running"


def test_a_failing_write_leaves_nothing(store: SQLiteStore) -> None:
    store.begin_run(run())
    duplicate_key = [ind(4), ind(5)]  # same primary key: the insert fails mid-way
    with pytest.raises(sqlite3.IntegrityError):
        store.complete_run(run("complete"), duplicate_key, [fp()])
    assert store.indicators() == []
    assert store.fingerprints("s1", "listing") == set()
    assert store.runs()[0].status == "running"


def test_interrupted_runs_are_marked_failed(store: SQLiteStore, tmp_path: Path) -> None:
    store.begin_run(run())
    store.close()
    reopened = open_store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    assert reopened.fail_interrupted_runs("interrupted", "t2") == ["s1"]
    [record] = reopened.runs()
    assert record.status == "failed" and record.reason == "interrupted"
    assert reopened.fail_interrupted_runs("interrupted", "t3") == []
    reopened.close()


def test_delete_window(store: SQLiteStore) -> None:
    store.begin_run(run())
    store.complete_run(run("complete"), [], [fp("a" * 64), fp("b" * 64)])
    assert store.delete_window("w1") == 2
    assert store.fingerprints("s1", "listing") == set()


def test_schema_has_no_column_for_content(store: SQLiteStore) -> None:
    db = sqlite3.connect(store.path)
    columns = {row[1] for table in ("run_records", "site_runs", "site_run_counts", "indicators",
                                    "fingerprints")
               for row in db.execute(f"PRAGMA table_info({table})")}
    db.close()
    assert not columns & {"text", "title", "name", "phone", "email", "handle", "url", "html"}


def test_unknown_store_url() -> None:
    with pytest.raises(ValueError, match="unknown store URL"):
        open_store("mysql://x")
