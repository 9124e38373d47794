"""What a person decided about a candidate domain, in a small SQLite file beside the store.

Only what discovery needs: the registrable domain (a candidate is a site, never a page),
the state a person set (dismissed, monitored) or none yet, whether it was added by hand
and the researcher's note, and the last probe's outcome (reachable or not, a short
reason). No page content and no count: counts live in the store, as indicators.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class CandidateState(StrEnum):
    """Where a candidate domain is: the first two are computed, the last two set."""

    NEW = "new"  # nobody has decided yet
    RISING = "rising"  # nobody has decided yet, and more sites or advertisers link to it
    DISMISSED = "dismissed"  # a person looked and will not monitor it
    MONITORED = "monitored"  # adopted: a site definition exists for it


SET_BY_PERSON = (CandidateState.DISMISSED, CandidateState.MONITORED)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS candidates (
    domain TEXT PRIMARY KEY,
    state TEXT,                -- dismissed | monitored | NULL (undecided)
    by_hand INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    changed_at TEXT NOT NULL,
    probed_at TEXT,
    reachable INTEGER,
    reason TEXT
)
"""


@dataclass(frozen=True, slots=True)
class Decision:
    domain: str
    state: CandidateState | None
    by_hand: bool
    note: str
    changed_at: str
    probed_at: str | None = None
    reachable: bool | None = None
    reason: str | None = None


class States:
    """The decisions file; use as a context manager."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path)
        self.db.execute(_SCHEMA)
        self.db.commit()

    def __enter__(self) -> States:
        return self

    def __exit__(self, *exc: object) -> None:
        self.db.close()

    def all(self) -> dict[str, Decision]:
        rows = self.db.execute("SELECT domain, state, by_hand, note, changed_at, probed_at, "
                               "reachable, reason FROM candidates ORDER BY domain")
        return {r[0]: Decision(r[0], CandidateState(r[1]) if r[1] else None, bool(r[2]), r[3],
                               r[4], r[5], None if r[6] is None else bool(r[6]), r[7])
                for r in rows}

    def get(self, domain: str) -> Decision | None:
        return self.all().get(domain)

    def set_state(self, domain: str, state: CandidateState, at: str) -> None:
        if state not in SET_BY_PERSON:
            raise ValueError(f"a person sets {' or '.join(SET_BY_PERSON)}, not {state}")
        with self.db:
            self.db.execute(
                "INSERT INTO candidates (domain, state, changed_at) VALUES (?, ?, ?) "
                "ON CONFLICT(domain) DO UPDATE SET state = excluded.state, "
                "changed_at = excluded.changed_at", (domain, str(state), at))

    def add_by_hand(self, domain: str, note: str, at: str) -> None:
        with self.db:
            self.db.execute(
                "INSERT INTO candidates (domain, by_hand, note, changed_at) VALUES (?, 1, ?, ?) "
                "ON CONFLICT(domain) DO UPDATE SET by_hand = 1, note = excluded.note, "
                "changed_at = excluded.changed_at", (domain, note, at))

    def record_probe(self, domain: str, reachable: bool, reason: str, at: str) -> None:
        with self.db:
            self.db.execute("UPDATE candidates SET probed_at = ?, reachable = ?, reason = ? "
                            "WHERE domain = ?", (at, int(reachable), reason, domain))
