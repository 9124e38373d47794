"""Baseline windows and their state: what `adcensus keys` shows and the audit checks.

A window opens with its baseline snapshot and lasts ``baseline.window_days``. While it
is live its key and fingerprints are kept; once a later baseline opens the next window,
or the window's time is up, both must be gone (crawler/snapshot.py deletes them when the
next baseline completes; `adcensus keys retire` does it without waiting).

States, one per window:

- ``live``: the current window, with its key;
- ``missing key``: the current window without a key (the next snapshot cannot compare);
- ``ended``: the latest window's time is up but its key or fingerprints are still kept;
- ``stale fingerprints``: an earlier window that still has fingerprints;
- ``orphan key``: a key (file or environment) for a window that is not live;
- ``retired``: an earlier window with neither key nor fingerprints, as it should be.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from crawler.keys import KeyRing, env_name
from crawler.store.inspect import RunSummary
from crawler.vocabulary import VISIBLE

LIVE, MISSING_KEY, ENDED, STALE, ORPHAN, RETIRED = (
    "live", "missing key", "ended", "stale fingerprints", "orphan key", "retired")
PROBLEM_STATES = (MISSING_KEY, ENDED, STALE, ORPHAN)


@dataclass(frozen=True, slots=True)
class Window:
    window_id: str
    state: str
    opened: datetime | None  # the baseline's start (None: no run names this window)
    ends: datetime | None
    snapshots: int  # complete or partial runs in the window
    fingerprints: int  # in the store, visible or not
    key: str | None  # "file", "environment" or None; never the key itself
    key_name: str = ""  # the file name or the variable's name

    @property
    def ok(self) -> bool:
        return self.state not in PROBLEM_STATES

    def to_plain(self) -> dict[str, object]:
        return {"window": self.window_id, "state": self.state,
                "opened": _iso(self.opened), "ends": _iso(self.ends),
                "snapshots": self.snapshots, "fingerprints": self.fingerprints,
                "key": self.key, "key_name": self.key_name}


def windows(runs: Sequence[RunSummary], fingerprints: Mapping[str, int], keyring: KeyRing,
            window_days: int, now: datetime | None = None) -> list[Window]:
    """Every window that runs, fingerprints or keys mention, oldest first; keys in the
    environment that match no window are listed under their variable's name."""
    now = now or datetime.now(UTC)
    by_window: dict[str, list[RunSummary]] = {}
    for run in runs:
        if run.window_id:
            by_window.setdefault(run.window_id, []).append(run)
    visible = [r for r in runs if r.status in VISIBLE]
    latest = visible[-1].window_id if visible else None
    current = {r.window_id for r in runs if r.status == "running" and r.window_id}
    opened: dict[str, datetime] = {}
    for window_id, in_window in by_window.items():
        shown = [r for r in in_window if r.status in VISIBLE] or in_window
        opened[window_id] = _parse(shown[0].started_at)
    if latest is not None and now < opened[latest] + timedelta(days=window_days):
        current.add(latest)

    names = set(by_window) | {w for w, n in fingerprints.items() if n} | set(keyring.windows())
    env_windows = {env_name(w): w for w in names}
    out = []
    for window_id in sorted(names, key=lambda w: (opened.get(w, now), w)):
        source = _source(keyring, window_id)
        count = int(fingerprints.get(window_id, 0))
        if window_id in current:
            state = LIVE if source else MISSING_KEY
        elif window_id == latest and (source or count):
            state = ENDED
        elif count:
            state = STALE
        elif source:
            state = ORPHAN
        else:
            state = RETIRED
        start = opened.get(window_id)
        key_name = (env_name(window_id) if source == "environment"
                    else keyring.key_file(window_id).name if source == "file" else "")
        out.append(Window(window_id, state, start,
                          start + timedelta(days=window_days) if start else None,
                          sum(r.status in VISIBLE for r in by_window.get(window_id, ())),
                          count, source, key_name))
    for variable in keyring.env_keys():
        if variable not in env_windows:
            out.append(Window("?", ORPHAN, None, None, 0, 0, "environment", variable))
    return out


def retirable(found: Iterable[Window]) -> list[Window]:
    """Windows whose fingerprints and key should be gone now."""
    return [w for w in found if w.state in (ENDED, STALE, ORPHAN) and w.window_id != "?"]


def _source(keyring: KeyRing, window_id: str) -> str | None:
    try:
        return keyring.source(window_id)
    except ValueError:  # not a window id a key could be named after
        return None


def _parse(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment else None
