"""The embedded default store: one SQLite file, three tables, one per record type.

The columns are the record fields and nothing else (no free-text or JSON column that
could take content): a run record's per-site part is a child table of counts.
A snapshot's indicators, fingerprints and final run record go in one transaction.
``schema_info`` holds the schema version; opening a file of an older version migrates
it in place (one transaction), opening one of a newer version is refused.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from crawler.records import (
    CELL_KEY_RANGE,
    Fingerprint,
    Indicator,
    RunRecord,
    SiteRun,
    accept,
)
from crawler.store.base import Point, Store, StoreError
from crawler.vocabulary import VISIBLE

# 1: the first schema; 2: indicators.cell_key. A file of an older version is migrated
# when it is opened (see _MIGRATIONS); a newer one is refused.
SCHEMA_VERSION = 2
# the visible run states as an SQL list: "('complete', 'partial')"
VISIBLE_SQL = "(" + ", ".join(f"'{state}'" for state in VISIBLE) + ")"

# one definition for new files and for the column a migration adds, so both end alike;
# NULL (no cell key: written before cell keys existed) passes the CHECK
CELL_KEY_COLUMN = f"cell_key INTEGER CHECK (cell_key >= 0 AND cell_key < {CELL_KEY_RANGE})"

SCHEMA = """
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
    """ + CELL_KEY_COLUMN + """,
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

_RUN_COLUMNS = (
    "snapshot_id", "started_at", "finished_at", "status", "config_hash",
    "code_version", "window_id", "is_baseline", "reason",
)
# named, not positional: a migrated file has its added columns last, whatever the SCHEMA says
_INDICATOR_COLUMNS = (
    "snapshot_id", "taken_at", "scope", "level", "measure", "breakdown", "category",
    "value", "comparable", "cell_key",
)


def _add_cell_key(db: sqlite3.Connection) -> None:
    columns = {row[1] for row in db.execute("PRAGMA table_info(indicators)")}
    if "cell_key" not in columns:  # idempotent, should a file claim 1 yet have it
        db.execute(f"ALTER TABLE indicators ADD COLUMN {CELL_KEY_COLUMN}")


# version -> the step that brings a file from the version before up to it. Steps run in
# order inside the transaction that opens the store, with the version update: a crash
# leaves the file as it was, never half-migrated.
_MIGRATIONS = {2: _add_cell_key}
# what each version adds, for the people who migrate (`adcensus store migrate`)
CHANGES = {2: "the column indicators.cell_key"}


def newer(path: Path, found: int) -> str:
    return (f"SQLite store {path} has schema version {found}, newer than this code's "
            f"{SCHEMA_VERSION}: it was written by a newer adcensus; upgrade adcensus (a schema "
            "is never migrated back)")


def stored_version(db: sqlite3.Connection) -> int | None:
    """The schema version a store file was written with; None for a new, empty file."""
    if not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                      "AND name = 'schema_info'").fetchone():
        return None
    row = db.execute("SELECT value FROM schema_info WHERE key = 'version'").fetchone()
    return int(row[0]) if row else None


def read_version(path: str | Path) -> int | None:
    """A store file's schema version, read without writing; None if it has none yet."""
    db = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)
    try:
        return stored_version(db)
    finally:
        db.close()


class SQLiteStore(Store):
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE ... COMMIT)
        self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.execute("PRAGMA journal_mode = WAL")
        # no rollback journal or WAL content may outlive a crash in a readable
        # partial state: WAL + synchronous=FULL makes each COMMIT durable and atomic
        self._db.execute("PRAGMA synchronous = FULL")
        # deleted rows and freed pages are overwritten with zeros (most builds default to
        # it, not all): a deleted fingerprint must not stay readable in the file
        self._db.execute("PRAGMA secure_delete = ON")
        # the schema version this file had when opened, if it was migrated now; else None
        self.migrated_from: int | None = None
        try:
            self._open_schema()
        except Exception:
            self._db.close()  # a refused or broken file is not held open
            raise

    def _open_schema(self) -> None:
        # one transaction (BEGIN IMMEDIATE): two processes opening an old file at once
        # migrate it once, the second sees the new version
        with self._transaction():
            found = stored_version(self._db)
            if found is not None and found > SCHEMA_VERSION:
                raise StoreError(newer(self.path, found))
            if found is not None and found < SCHEMA_VERSION:
                # before SCHEMA: its indices may name columns that a migration adds
                for version in range(found + 1, SCHEMA_VERSION + 1):
                    _MIGRATIONS[version](self._db)
                self.migrated_from = found
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    self._db.execute(statement)
            if found != SCHEMA_VERSION:
                self._db.execute("INSERT OR REPLACE INTO schema_info VALUES ('version', ?)",
                                 (str(SCHEMA_VERSION),))

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    # -- runs -------------------------------------------------------------------
    def begin_run(self, run: RunRecord) -> None:
        accept(run)
        with self._transaction():
            self._insert_run(run)

    def _write_complete(
        self, run: RunRecord, indicators: Sequence[Indicator], fingerprints: Sequence[Fingerprint]
    ) -> None:
        try:
            self._write_all(run, indicators, fingerprints)
        except (sqlite3.Error, OverflowError) as exc:
            # the transaction rolled back: nothing of this write is kept
            raise StoreError(f"SQLite store {self.path}: write refused, nothing was written: "
                             f"{type(exc).__name__}: {exc}") from exc

    def _write_all(
        self, run: RunRecord, indicators: Sequence[Indicator], fingerprints: Sequence[Fingerprint]
    ) -> None:
        with self._transaction():
            self._db.execute("DELETE FROM run_records WHERE snapshot_id = ?", (run.snapshot_id,))
            self._insert_run(run)
            # re-running the same snapshot id replaces, never adds: no double count
            self._db.execute("DELETE FROM indicators WHERE snapshot_id = ?", (run.snapshot_id,))
            self._db.executemany(
                f"INSERT INTO indicators ({', '.join(_INDICATOR_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(_INDICATOR_COLUMNS))})",
                [
                    (i.snapshot_id, i.taken_at, i.scope, i.level, i.measure, i.breakdown,
                     i.category, i.value, int(i.comparable), i.cell_key)
                    for i in indicators
                ],
            )
            self._db.execute("DELETE FROM fingerprints WHERE snapshot_id = ?", (run.snapshot_id,))
            self._db.executemany(
                "INSERT OR IGNORE INTO fingerprints VALUES (?, ?, ?, ?, ?, ?)",
                [(f.window_id, f.snapshot_id, f.subject, f.scope, f.digest, f.group)
                 for f in fingerprints],
            )

    def _insert_run(self, run: RunRecord) -> None:
        self._db.execute(
            f"INSERT INTO run_records ({', '.join(_RUN_COLUMNS)}) VALUES ({', '.join('?' * 9)})",
            (run.snapshot_id, run.started_at, run.finished_at, run.status, run.config_hash,
             run.code_version, run.window_id, int(run.is_baseline), run.reason),
        )
        for site in run.sites:
            self._db.execute(
                "INSERT INTO site_runs VALUES (?, ?, ?, ?, ?, ?, ?)",
                (run.snapshot_id, site.site, site.kind, site.health, site.pages, site.items,
                 site.duration_s),
            )
            for counter, values in (("error", site.errors), ("dropped", site.dropped),
                                    ("filled", site.filled)):
                self._db.executemany(
                    "INSERT INTO site_run_counts VALUES (?, ?, ?, ?, ?)",
                    [(run.snapshot_id, site.site, counter, r, v) for r, v in values.items()],
                )

    def fail_run(self, snapshot_id: str, reason: str, finished_at: str) -> None:
        with self._transaction():
            self._db.execute(
                "UPDATE run_records SET status = 'failed', reason = ?, finished_at = ? "
                "WHERE snapshot_id = ?",
                (reason, finished_at, snapshot_id),
            )

    def fail_interrupted_runs(self, reason: str, finished_at: str) -> list[str]:
        with self._transaction():
            ids = [r[0] for r in self._db.execute(
                "SELECT snapshot_id FROM run_records WHERE status = 'running'")]
            self._db.execute(
                "UPDATE run_records SET status = 'failed', reason = ?, finished_at = ? "
                "WHERE status = 'running'",
                (reason, finished_at),
            )
            # a crashed run never committed indicators; this is belt and braces
            self._db.executemany("DELETE FROM indicators WHERE snapshot_id = ?", [(i,) for i in ids])
            self._db.executemany("DELETE FROM fingerprints WHERE snapshot_id = ?", [(i,) for i in ids])
        return ids

    def runs(self, status: str | None = None) -> list[RunRecord]:
        query = f"SELECT {', '.join(_RUN_COLUMNS)} FROM run_records"
        args: tuple[str, ...] = ()
        if status is not None:
            query += " WHERE status = ?"
            args = (status,)
        rows = self._db.execute(query + " ORDER BY started_at, snapshot_id", args).fetchall()
        return [self._run(row) for row in rows]

    def _run(self, row: tuple) -> RunRecord:
        data = dict(zip(_RUN_COLUMNS, row))
        data["is_baseline"] = bool(data["is_baseline"])
        sites = []
        for site, kind, status, pages, items, duration in self._db.execute(
            "SELECT site, kind, status, pages, items, duration_s FROM site_runs "
            "WHERE snapshot_id = ? ORDER BY site", (data["snapshot_id"],)
        ):
            counts: dict[str, dict[str, int]] = {"error": {}, "dropped": {}, "filled": {}}
            for counter, reason, value in self._db.execute(
                "SELECT counter, reason, value FROM site_run_counts "
                "WHERE snapshot_id = ? AND site = ? ORDER BY reason", (data["snapshot_id"], site)
            ):
                counts[counter][reason] = value
            sites.append(SiteRun(site, kind, status, pages, items, counts["error"],
                                 counts["dropped"], duration, counts["filled"]))
        return RunRecord(**data, sites=tuple(sites))

    # -- indicators -------------------------------------------------------------
    def indicators(
        self,
        snapshot_id: str | None = None,
        scope: str | None = None,
        level: str | None = None,
        measure: str | None = None,
        breakdown: str | None = None,
    ) -> list[Indicator]:
        where = [f"r.status IN {VISIBLE_SQL}"]
        args: list[str] = []
        for column, value in (("snapshot_id", snapshot_id), ("scope", scope), ("level", level),
                              ("measure", measure), ("breakdown", breakdown)):
            if value is not None:
                where.append(f"i.{column} = ?")
                args.append(value)
        rows = self._db.execute(
            f"SELECT {', '.join('i.' + c for c in _INDICATOR_COLUMNS)} FROM indicators i "
            "JOIN run_records r ON r.snapshot_id = i.snapshot_id "
            f"WHERE {' AND '.join(where)} "
            "ORDER BY i.taken_at, i.snapshot_id, i.scope, i.level, i.measure, i.breakdown, "
            "i.category",
            args,
        ).fetchall()
        return [Indicator(*row[:8], comparable=bool(row[8]), cell_key=row[9]) for row in rows]

    # -- queries for reports and exports ------------------------------------------
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
        where, args = _period(since, until)
        rows = self._db.execute(
            "SELECT i.snapshot_id, i.taken_at, i.value, i.comparable, i.cell_key "
            "FROM indicators i JOIN run_records r ON r.snapshot_id = i.snapshot_id "
            f"WHERE r.status IN {VISIBLE_SQL} AND i.scope = ? AND i.level = ? AND i.measure = ? "
            f"AND i.breakdown = ? AND i.category = ?{where} ORDER BY i.taken_at, i.snapshot_id",
            (scope, level, measure, breakdown, category, *args),
        ).fetchall()
        return [Point(sid, taken_at, value, bool(comparable), cell_key)
                for sid, taken_at, value, comparable, cell_key in rows]

    # -- fingerprints -----------------------------------------------------------
    def fingerprints(self, snapshot_id: str, subject: str | None = None) -> list[Fingerprint]:
        query = ("SELECT f.window_id, f.snapshot_id, f.kind, f.scope, f.digest, f.grp "
                 "FROM fingerprints f JOIN run_records r ON r.snapshot_id = f.snapshot_id "
                 f"WHERE f.snapshot_id = ? AND r.status IN {VISIBLE_SQL}")
        args: tuple[str, ...] = (snapshot_id,)
        if subject is not None:
            query += " AND f.kind = ?"  # the column keeps its first name (schema v1)
            args += (subject,)
        rows = self._db.execute(query + " ORDER BY f.kind, f.scope, f.digest", args)
        return [Fingerprint(*row) for row in rows]

    def delete_window(self, window_id: str) -> int:
        with self._transaction():
            cursor = self._db.execute("DELETE FROM fingerprints WHERE window_id = ?", (window_id,))
            if cursor.rowcount:
                _rebuild_fingerprints(self._db)
        if cursor.rowcount:
            # the freed pages' zeros reach the file, and the WAL's old page images go
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return cursor.rowcount

    def close(self) -> None:
        self._db.close()


def _rebuild_fingerprints(db: sqlite3.Connection) -> None:
    """The fingerprints that remain, copied into fresh pages, and the old pages freed.

    secure_delete zeroes a deleted row, but a page that SQLite rebalanced keeps the bytes
    of rows it moved in its unallocated space, and an index keeps deleted keys as
    dividers: after a window's fingerprints are deleted their digests could still be read
    there. Freed whole (and zeroed by secure_delete), those pages hold nothing."""
    db.execute("ALTER TABLE fingerprints RENAME TO fingerprints_retired")
    db.execute("DROP INDEX IF EXISTS fingerprints_by_window")
    for statement in SCHEMA.split(";"):
        if "fingerprints" in statement:
            db.execute(statement)
    db.execute("INSERT INTO fingerprints SELECT window_id, snapshot_id, kind, scope, digest, grp "
               "FROM fingerprints_retired")
    db.execute("DROP TABLE fingerprints_retired")


def _period(since: str | None, until: str | None) -> tuple[str, list[str]]:
    where, args = "", []
    if since is not None:
        where, args = where + " AND i.taken_at >= ?", [*args, since]
    if until is not None:
        where, args = where + " AND i.taken_at < ?", [*args, until]
    return where, args


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")
