"""What the scheduler did with each due job: ran it, skipped it, or cut it short.

One table beside APScheduler's in the job store file. It holds job ids, times, outcomes,
exit statuses and reasons: no content, and no count (counts live in the store's run
records). Its unique index is the "once" of exactly-once across `serve` processes:
APScheduler 3 lets every scheduler that shares a job store fire a due job, so whichever
runner claims a (job, scheduled time) first runs it, and every other one records a skip.
"""

from __future__ import annotations

import os
import socket
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from crawler.processes import alive as _alive
from crawler.vocabulary import JobOutcome

SCHEMA = """
CREATE TABLE IF NOT EXISTS adcensus_executions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    occurrence TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL,
    exit_status INTEGER,
    reason TEXT NOT NULL DEFAULT '',
    snapshot_id TEXT NOT NULL DEFAULT '',
    host TEXT NOT NULL,
    pid INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS adcensus_executions_once
    ON adcensus_executions (job_id, occurrence) WHERE outcome != 'skipped';
"""

RUNNING = JobOutcome.RUNNING
OUTCOMES = tuple(JobOutcome)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Execution:
    id: int
    job_id: str
    kind: str
    occurrence: str  # the scheduled time (ISO, UTC), or "manual <time>" for run-now
    started_at: str
    finished_at: str
    outcome: str
    exit_status: int | None
    reason: str
    snapshot_id: str
    host: str
    pid: int


class History:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None, timeout=30,
                                   check_same_thread=False)
        self._db.executescript(SCHEMA)

    def claim(self, job_id: str, kind: str, occurrence: str) -> int | None:
        """Record this process as running the occurrence; None if another one has."""
        try:
            cursor = self._db.execute(
                "INSERT INTO adcensus_executions (job_id, kind, occurrence, started_at, outcome, "
                "host, pid) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (job_id, kind, occurrence, now_iso(), RUNNING, socket.gethostname(), os.getpid()))
        except sqlite3.IntegrityError:
            return None
        return int(cursor.lastrowid or 0)

    def holder(self, job_id: str, occurrence: str) -> Execution | None:
        rows = self._select("WHERE job_id = ? AND occurrence = ? AND outcome != 'skipped'",
                            (job_id, occurrence))
        return rows[0] if rows else None

    def skipped(self, job_id: str, kind: str, occurrence: str, reason: str) -> None:
        stamp = now_iso()
        self._db.execute(
            "INSERT INTO adcensus_executions (job_id, kind, occurrence, started_at, finished_at, "
            "outcome, reason, host, pid) VALUES (?, ?, ?, ?, ?, 'skipped', ?, ?, ?)",
            (job_id, kind, occurrence, stamp, stamp, reason, socket.gethostname(), os.getpid()))

    def finish(self, row_id: int, outcome: str, exit_status: int | None, reason: str,
               snapshot_id: str = "") -> None:
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        self._db.execute(
            "UPDATE adcensus_executions SET finished_at = ?, outcome = ?, exit_status = ?, "
            "reason = ?, snapshot_id = ? WHERE id = ?",
            (now_iso(), outcome, exit_status, reason, snapshot_id, row_id))

    def mark_interrupted(self, reason: str) -> int:
        """Executions this host left "running" in a process that is gone (a killed `serve`)."""
        host = socket.gethostname()
        gone = [e.id for e in self._select("WHERE outcome = ? AND host = ?", (RUNNING, host))
                if not _alive(e.pid)]
        for row_id in gone:
            self.finish(row_id, JobOutcome.FAILED, None, reason)
        return len(gone)

    def recent(self, limit: int = 10) -> list[Execution]:
        """The latest executions, newest first."""
        return self._select("ORDER BY id DESC LIMIT ?", (limit,))

    def _select(self, tail: str, args: tuple[object, ...]) -> list[Execution]:
        rows = self._db.execute(
            "SELECT id, job_id, kind, occurrence, started_at, finished_at, outcome, exit_status, "
            f"reason, snapshot_id, host, pid FROM adcensus_executions {tail}", args).fetchall()
        return [Execution(*row) for row in rows]

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


