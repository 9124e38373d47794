"""What became of each e-mail: the delivery records, beside the run history.

Two tables in the job store file (scheduler/history.py keeps the executions there):
``adcensus_deliveries``, one row per message that is meant to go out once, and
``adcensus_delivery_attempts``, one row per try with the server's answer. They hold a
kind, a län code, a week or snapshot id, states, times and the server's reasons: no
count, no content, no address (the addresses are in the configuration).

Exactly once: the unique key (kind, county, period) makes a second report job, a
second `serve` or a second `report --send` find the row that exists; a try first claims
the row (pending -> sending, in one UPDATE), so of two processes only one sends. A row
left "sending" by a process that died is the one place a message may go out twice: the
process may have died after the server took the message and before "sent" was written.
It is tried again (a message lost is worse for an alert than one twice), with the same
Message-ID, which some mail systems use to drop the copy.

States: pending (waiting for its next try), sending, sent, failed (every try used),
skipped (nothing to send to, said why).
"""

from __future__ import annotations

import os
import socket
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from crawler.processes import alive as _alive
from crawler.vocabulary import DeliveryKind, DeliveryState

SCHEMA = """
CREATE TABLE IF NOT EXISTS adcensus_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    county TEXT NOT NULL,
    period TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    message_id TEXT NOT NULL DEFAULT '',
    host TEXT NOT NULL DEFAULT '',
    pid INTEGER NOT NULL DEFAULT 0,
    UNIQUE (kind, county, period)
);
CREATE TABLE IF NOT EXISTS adcensus_delivery_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id INTEGER NOT NULL REFERENCES adcensus_deliveries (id),
    attempt INTEGER NOT NULL,
    at TEXT NOT NULL,
    outcome TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    host TEXT NOT NULL,
    pid INTEGER NOT NULL
);
"""

# the columns the audit expects (crawler/audit/deliveries.py): anything else is a finding
COLUMNS = {
    "adcensus_deliveries": ("id", "kind", "county", "period", "state", "attempts",
                            "max_attempts", "created_at", "next_attempt_at", "updated_at",
                            "reason", "message_id", "host", "pid"),
    "adcensus_delivery_attempts": ("id", "delivery_id", "attempt", "at", "outcome", "reason",
                                   "host", "pid"),
}
PENDING, SENDING, SENT, FAILED, SKIPPED = (DeliveryState.PENDING, DeliveryState.SENDING,
                                           DeliveryState.SENT, DeliveryState.FAILED,
                                           DeliveryState.SKIPPED)
FINAL = (SENT, FAILED, SKIPPED)
KINDS = tuple(DeliveryKind)
INTERRUPTED = ("interrupted while sending (the process ended): tried again with the same "
               "Message-ID; the server may have had it already")


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Delivery:
    id: int
    kind: str  # report, alert, test (a `report --send --to` to one address)
    county: str  # ISO 3166-2 län code, or "SE" for the national overview
    period: str  # a report's ISO week, an alert's snapshot id
    state: str
    attempts: int
    max_attempts: int
    created_at: str
    next_attempt_at: str
    updated_at: str
    reason: str
    message_id: str  # the Message-ID's part before the "@", once sent
    host: str
    pid: int

    @property
    def retrying(self) -> bool:
        return self.state == PENDING and self.attempts > 0


@dataclass(frozen=True)
class Attempt:
    delivery_id: int
    attempt: int
    at: str
    outcome: str  # sent, retry, failed
    reason: str


class Deliveries:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None, timeout=30,
                                   check_same_thread=False)
        self._db.executescript(SCHEMA)

    def queue(self, kind: str, county: str, period: str, max_attempts: int,
              now: datetime) -> tuple[Delivery, bool]:
        """The delivery of (kind, county, period), made pending now if it is new; True
        when this call made it."""
        if kind not in KINDS:
            raise ValueError(f"unknown delivery kind {kind!r}")
        stamp = iso(now)
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO adcensus_deliveries (kind, county, period, state, "
            "max_attempts, created_at, next_attempt_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (kind, county, period, PENDING, max_attempts, stamp, stamp, stamp))
        found = self._select("WHERE kind = ? AND county = ? AND period = ?",
                             (kind, county, period))[0]
        return found, cursor.rowcount == 1

    def skip(self, delivery_id: int, reason: str, now: datetime) -> None:
        self._db.execute("UPDATE adcensus_deliveries SET state = ?, reason = ?, updated_at = ? "
                         "WHERE id = ? AND state = ?",
                         (SKIPPED, reason, iso(now), delivery_id, PENDING))

    def claim(self, delivery_id: int, now: datetime) -> Delivery | None:
        """This process's try of a pending delivery that is due; None if another process
        has it, or it is done, or not due yet."""
        cursor = self._db.execute(
            "UPDATE adcensus_deliveries SET state = ?, attempts = attempts + 1, updated_at = ?, "
            "host = ?, pid = ? WHERE id = ? AND state = ? AND next_attempt_at <= ?",
            (SENDING, iso(now), socket.gethostname(), os.getpid(), delivery_id, PENDING,
             iso(now)))
        if cursor.rowcount != 1:
            return None
        return self.get(delivery_id)

    def sent(self, claimed: Delivery, message_id: str, now: datetime, reason: str = "") -> None:
        self._finish(claimed, SENT, reason, now, message_id=message_id)

    def failed(self, claimed: Delivery, reason: str, now: datetime,
               backoff: timedelta) -> str:
        """A try that did not go through: pending again after ``backoff`` (doubled per try
        made), or failed for good when every try is used. Returns the new state."""
        if claimed.attempts >= claimed.max_attempts:
            self._finish(claimed, FAILED, reason, now, outcome=FAILED)
            return FAILED
        wait = backoff * (2 ** (claimed.attempts - 1))
        self._finish(claimed, PENDING, reason, now, next_at=now + wait, outcome="retry")
        return PENDING

    def _finish(self, claimed: Delivery, state: str, reason: str, now: datetime,
                message_id: str = "", next_at: datetime | None = None,
                outcome: str | None = None) -> None:
        stamp = iso(now)
        with self._db:  # one transaction: the attempt and the state together
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(
                "UPDATE adcensus_deliveries SET state = ?, reason = ?, updated_at = ?, "
                "next_attempt_at = ?, message_id = CASE WHEN ? != '' THEN ? ELSE message_id END "
                "WHERE id = ? AND state = ? AND pid = ?",
                (state, reason, stamp, iso(next_at) if next_at else claimed.next_attempt_at,
                 message_id, message_id, claimed.id, SENDING, os.getpid()))
            self._db.execute(
                "INSERT INTO adcensus_delivery_attempts (delivery_id, attempt, at, outcome, "
                "reason, host, pid) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (claimed.id, claimed.attempts, stamp, outcome or state, reason,
                 socket.gethostname(), os.getpid()))

    def recover(self, now: datetime) -> int:
        """Deliveries this host left "sending" in a process that is gone: pending again."""
        host = socket.gethostname()
        gone = [d for d in self._select("WHERE state = ? AND host = ?", (SENDING, host))
                if not _alive(d.pid)]
        for d in gone:
            self._db.execute(
                "UPDATE adcensus_deliveries SET state = ?, reason = ?, updated_at = ? "
                "WHERE id = ? AND state = ? AND pid = ?",
                (PENDING, INTERRUPTED, iso(now), d.id, SENDING, d.pid))
        return len(gone)

    def due(self, now: datetime) -> list[Delivery]:
        return self._select("WHERE state = ? AND next_attempt_at <= ? ORDER BY id",
                            (PENDING, iso(now)))

    def get(self, delivery_id: int) -> Delivery:
        return self._select("WHERE id = ?", (delivery_id,))[0]

    def recent(self, limit: int = 10) -> list[Delivery]:
        """The latest deliveries, newest first."""
        return self._select("ORDER BY id DESC LIMIT ?", (limit,))

    def attempts(self, delivery_id: int) -> list[Attempt]:
        rows = self._db.execute(
            "SELECT delivery_id, attempt, at, outcome, reason FROM adcensus_delivery_attempts "
            "WHERE delivery_id = ? ORDER BY id", (delivery_id,)).fetchall()
        return [Attempt(*row) for row in rows]

    def _select(self, tail: str, args: tuple[object, ...]) -> list[Delivery]:
        rows = self._db.execute(
            f"SELECT {', '.join(COLUMNS['adcensus_deliveries'])} FROM adcensus_deliveries "
            f"{tail}", args).fetchall()
        return [Delivery(*row) for row in rows]

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Deliveries:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_only(path: Path) -> tuple[list[Delivery], list[Attempt]] | None:
    """Every record, for the audit and status: nothing is created; None if there is no
    job store or it has no delivery table."""
    if not path.exists():
        return None
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "adcensus_deliveries" not in names:
            return None
        deliveries = [Delivery(*row) for row in db.execute(
            f"SELECT {', '.join(COLUMNS['adcensus_deliveries'])} FROM adcensus_deliveries "
            "ORDER BY id")]
        attempts = [Attempt(*row) for row in db.execute(
            "SELECT delivery_id, attempt, at, outcome, reason FROM adcensus_delivery_attempts "
            "ORDER BY id")] if "adcensus_delivery_attempts" in names else []
        return deliveries, attempts
    finally:
        db.close()
