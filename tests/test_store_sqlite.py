"""What only the SQLite store has: one transaction per snapshot, rolled back whole, and a
schema version in the file, migrated in place when an older file is opened."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from crawler.records import Fingerprint, Indicator, RunRecord, SiteRun
from crawler.store import StoreError, open_store
from crawler.store.sqlite import SCHEMA_VERSION, SQLiteStore


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


# -- schema versions and the migration from version 1 ----------------------------------------

# The schema as adcensus wrote it before cell keys (version 1), copied here on purpose:
# the test must build what an old installation has on disk, not what the code makes now.
OLD_SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS run_records (
    snapshot_id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    status TEXT NOT NULL,
    config_hash TEXT NOT NULL,
    code_version TEXT NOT NULL,
    window_id TEXT NOT NULL,
    is_baseline INTEGER NOT NULL,
    reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS site_runs (
    snapshot_id TEXT NOT NULL REFERENCES run_records(snapshot_id) ON DELETE CASCADE,
    site TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    pages INTEGER NOT NULL,
    items INTEGER NOT NULL,
    duration_s REAL NOT NULL,
    PRIMARY KEY (snapshot_id, site)
);
CREATE TABLE IF NOT EXISTS site_run_counts (
    snapshot_id TEXT NOT NULL,
    site TEXT NOT NULL,
    counter TEXT NOT NULL CHECK (counter IN ('error', 'dropped', 'filled')),
    reason TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, site, counter, reason),
    FOREIGN KEY (snapshot_id, site) REFERENCES site_runs(snapshot_id, site) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS indicators (
    snapshot_id TEXT NOT NULL,
    taken_at TEXT NOT NULL,
    scope TEXT NOT NULL,
    level TEXT NOT NULL,
    measure TEXT NOT NULL,
    breakdown TEXT NOT NULL,
    category TEXT NOT NULL,
    value INTEGER NOT NULL CHECK (value >= 0),
    comparable INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, scope, level, measure, breakdown, category)
);
CREATE TABLE IF NOT EXISTS fingerprints (
    window_id TEXT NOT NULL,
    snapshot_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    scope TEXT NOT NULL,
    digest TEXT NOT NULL CHECK (length(digest) = 64),
    grp TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, kind, scope, digest)
);
CREATE INDEX IF NOT EXISTS fingerprints_by_window ON fingerprints (window_id);
-- a series reads one key across snapshots: the primary key starts with the snapshot
CREATE INDEX IF NOT EXISTS indicators_by_key
    ON indicators (scope, level, measure, breakdown, category, taken_at);
"""

T1 = "2026-11-01T06:00:00+00:00"
T2 = "2026-11-08T06:00:00+00:00"
OLD_INDICATORS = [
    ("s1", T1, "a", "unique", "count", "total", "total", 40, 1),
    ("s1", T1, "a", "unique", "count", "locality", "Malmö", 25, 1),
    ("s1", T1, "all", "hits", "count", "total", "total", 97, 0),
]


def old_store(path: Path) -> Path:
    """A store file as adcensus wrote it at schema version 1, with one complete snapshot."""
    db = sqlite3.connect(path)
    db.executescript(OLD_SCHEMA)
    db.execute("INSERT INTO schema_info VALUES ('version', '1')")
    db.execute("INSERT INTO run_records VALUES ('s1', ?, ?, 'complete', 'h', '0.1.0', 'w1', 1, '')",
               (T1, T1))
    db.execute("INSERT INTO site_runs VALUES ('s1', 'a', 'ad_board', 'ok', 5, 4, 1.5)")
    db.execute("INSERT INTO site_run_counts VALUES ('s1', 'a', 'error', 'http_500', 2)")
    db.executemany("INSERT INTO indicators VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", OLD_INDICATORS)
    db.execute("INSERT INTO fingerprints VALUES ('w1', 's1', 'listing', 'a', ?, '')",
               ("a" * 64,))
    db.commit()
    db.close()
    return path


def dump(path: Path) -> dict[str, object]:
    """Every row of every table (the indicators without cell_key), the schema's SQL, and
    the version: what must not change in a migration but the one column."""
    db = sqlite3.connect(path)
    found: dict[str, object] = {}
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        columns = [r[1] for r in db.execute(f"PRAGMA table_info({table})") if r[1] != "cell_key"]
        found[table] = sorted(db.execute(f"SELECT {', '.join(columns)} FROM {table}"))
    found["sql"] = sorted(db.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE name != 'indicators'"), key=str)
    db.close()
    return found


def columns(path: Path, table: str = "indicators") -> list[str]:
    db = sqlite3.connect(path)
    found = [r[1] for r in db.execute(f"PRAGMA table_info({table})")]
    db.close()
    return found


def version(path: Path) -> str:
    db = sqlite3.connect(path)
    [(found,)] = db.execute("SELECT value FROM schema_info WHERE key = 'version'").fetchall()
    db.close()
    return found


def test_a_new_store_has_the_current_schema(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "new.sqlite")
    assert store.migrated_from is None
    store.close()
    assert version(tmp_path / "new.sqlite") == str(SCHEMA_VERSION) == "2"
    assert columns(tmp_path / "new.sqlite")[-1] == "cell_key"


def test_an_old_store_is_migrated_when_opened_and_keeps_its_rows(tmp_path: Path) -> None:
    path = old_store(tmp_path / "old.sqlite")
    before = dump(path)
    assert "cell_key" not in columns(path)

    store = open_store(f"sqlite:///{path}")
    assert isinstance(store, SQLiteStore) and store.migrated_from == 1
    old = [Indicator(*row[:8], comparable=bool(row[8])) for row in OLD_INDICATORS]
    key = lambda i: (i.scope, i.level, i.breakdown, i.category)  # noqa: E731
    assert sorted(store.indicators(), key=key) == sorted(old, key=key)
    assert all(i.cell_key is None for i in store.indicators())
    [run] = store.runs()
    assert run.status == "complete" and run.sites[0].errors == {"http_500": 2}
    assert store.fingerprints("s1") == [Fingerprint("w1", "s1", "listing", "a", "a" * 64)]

    # a new snapshot stores its cell keys beside the old rows' NULLs
    store.begin_run(RunRecord("s2", T2, "running", "h", "0.2.0", "w1"))
    new = [Indicator("s2", T2, "a", "unique", "count", "total", "total", 41, cell_key=17),
           Indicator("s2", T2, "a", "unique", "count", "locality", "Malmö", 26, cell_key=4095),
           Indicator("s2", T2, "a", "unique", "count", "locality", "Lund", 1)]
    store.complete_run(RunRecord("s2", T2, "complete", "h", "0.2.0", "w1", finished_at=T2),
                       new, [])
    assert sorted(store.indicators(snapshot_id="s2"), key=key) == sorted(new, key=key)
    assert [i.cell_key for i in store.indicators(snapshot_id="s1")] == [None, None, None]
    store.close()

    assert version(path) == "2" and columns(path)[-1] == "cell_key"
    after = dump(path)
    # the old rows, the other tables and every other schema object are as they were
    assert {r for r in after["indicators"] if r[0] == "s1"} == set(before["indicators"])
    assert after["sql"] == before["sql"]
    for table in ("run_records", "site_runs", "site_run_counts", "fingerprints"):
        assert [r for r in after[table] if "s2" not in r] == before[table]
    db = sqlite3.connect(path)
    assert db.execute("SELECT COUNT(*) FROM indicators WHERE snapshot_id = 's1' "
                      "AND cell_key IS NULL").fetchone() == (3,)
    db.close()


def test_a_migrated_store_is_not_migrated_again(tmp_path: Path) -> None:
    path = old_store(tmp_path / "old.sqlite")
    SQLiteStore(path).close()
    migrated = dump(path)
    store = SQLiteStore(path)
    assert store.migrated_from is None
    store.close()
    assert dump(path) == migrated and columns(path).count("cell_key") == 1


def test_a_migrated_file_and_a_new_one_have_the_same_schema(tmp_path: Path) -> None:
    from crawler.store.inspect import inspect_sqlite

    path = old_store(tmp_path / "old.sqlite")
    SQLiteStore(path).close()
    SQLiteStore(tmp_path / "new.sqlite").close()
    assert columns(path) == columns(tmp_path / "new.sqlite")
    # and the audit's schema check finds nothing either way
    assert inspect_sqlite(path).problems == []


def test_the_audit_reads_an_old_file_without_migrating_it(tmp_path: Path) -> None:
    from crawler.store.inspect import inspect_sqlite

    path = old_store(tmp_path / "old.sqlite")
    found = inspect_sqlite(path)
    assert found.problems == []
    assert any("lacks the column cell_key" in n and "schema version 1" in n for n in found.notes)
    assert version(path) == "1" and "cell_key" not in columns(path)


def test_a_migration_cut_off_midway_leaves_the_file_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from crawler.store import sqlite as sqlite_store

    path = old_store(tmp_path / "old.sqlite")
    before = dump(path)

    def add_then_fail(db: sqlite3.Connection) -> None:
        db.execute(f"ALTER TABLE indicators ADD COLUMN {sqlite_store.CELL_KEY_COLUMN}")
        raise sqlite3.OperationalError("disk I/O error (simulated)")

    monkeypatch.setitem(sqlite_store._MIGRATIONS, 2, add_then_fail)
    with pytest.raises(sqlite3.OperationalError, match="simulated"):
        SQLiteStore(path)
    assert version(path) == "1" and "cell_key" not in columns(path)
    assert dump(path) == before
    monkeypatch.undo()
    store = SQLiteStore(path)  # the next open migrates it
    assert store.migrated_from == 1 and len(store.indicators()) == 3
    store.close()


def test_a_store_newer_than_the_code_is_refused_untouched(tmp_path: Path) -> None:
    path = old_store(tmp_path / "future.sqlite")
    db = sqlite3.connect(path)
    db.execute("UPDATE schema_info SET value = '3' WHERE key = 'version'")
    db.commit()
    db.close()
    before = dump(path)
    with pytest.raises(StoreError, match="schema version 3, newer than this code's 2.*upgrade"):
        open_store(f"sqlite:///{path}")
    assert dump(path) == before and version(path) == "3"


@pytest.mark.parametrize("migrated", [False, True], ids=["new", "migrated"])
def test_a_cell_key_out_of_range_is_refused_by_the_column(tmp_path: Path,
                                                          migrated: bool) -> None:
    # records.Indicator refuses it first; the CHECK keeps the file right whoever writes
    path = old_store(tmp_path / "old.sqlite") if migrated else tmp_path / "new.sqlite"
    SQLiteStore(path).close()
    db = sqlite3.connect(path)
    row = ("s9", T1, "a", "unique", "count", "total", "total", 1, 1)
    for bad in (4096, -1):
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            db.execute("INSERT INTO indicators VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (*row, bad))
    db.execute("INSERT INTO indicators VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (*row, 4095))
    db.close()
