"""Run one snapshot in its own process, within a time budget, exactly once.

The order matters:

1. take the store's snapshot lock (scheduler/lock.py) without waiting; held: skip;
2. claim the occurrence (job id + scheduled time) in the history; taken: skip;
3. start ``python -m scheduler.snapshot_process`` with the lock's descriptor, in its own
   session (a Ctrl-C in the terminal reaches the scheduler, which decides);
4. wait: past the time budget, or when the scheduler stops and its grace is over, kill
   the process and everything it started (SIGKILL: a crawl cut short must never be
   counted, and nothing of it was committed);
5. still holding the lock, mark the run that the dead process left "running" as failed,
   with the reason, and record the outcome.

Killing is safe for the data: a snapshot's indicators and its final run record are
written in one transaction at its very end (crawler/snapshot.py, Store.complete_run).
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from crawler.config import LoadedConfig, load_config
from crawler.errors import AdcensusError
from crawler.processes import kill_tree
from crawler.tempdirs import remove_tempdirs
from crawler.vocabulary import VISIBLE, JobOutcome, RunState
from scheduler.delivery_worker import after_snapshot
from scheduler.history import History, now_iso
from scheduler.lock import SKIPPED_RUNNING, SnapshotLock, lock_path
from scheduler.snapshot_process import (
    EXIT_COMPLETE,
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_PARTIAL,
    EXIT_SKIPPED,
)

logger = logging.getLogger("adcensus.scheduler")

SKIPPED_TAKEN = "skipped: this scheduled run was already taken by another scheduler"
SKIPPED_STOPPING = "skipped: the scheduler was stopping"
POLL_S = 0.25


class Stop:
    """A scheduler's request to stop, seen by the snapshots it is running."""

    def __init__(self, grace_s: float = 0.0) -> None:
        self.grace_s = grace_s
        self._requested_at: float | None = None
        self._now = threading.Event()
        self.reason = ""

    def request(self) -> None:
        """Stop starting jobs; a running snapshot may go on for ``grace_s``."""
        if self._requested_at is None:
            self._requested_at = time.monotonic()

    def now(self, reason: str) -> None:
        """Cancel running snapshots at once."""
        self.reason = reason
        self.request()
        self._now.set()

    @property
    def requested(self) -> bool:
        return self._requested_at is not None

    def cancellation(self) -> str | None:
        """Why a running snapshot must end now, or None."""
        if self._now.is_set():
            return self.reason
        if self._requested_at is not None and time.monotonic() - self._requested_at >= self.grace_s:
            return (f"cancelled: the scheduler was stopped and the snapshot did not finish "
                    f"within the grace period of {self.grace_s:g} s (schedule.stop_grace_s)")
        return None


@dataclass(frozen=True)
class Outcome:
    outcome: str  # complete, partial, failed, skipped, timeout, cancelled
    exit_status: int | None = None
    reason: str = ""
    snapshot_id: str = ""

    @property
    def ran(self) -> bool:
        return self.outcome != JobOutcome.SKIPPED

    @property
    def exit_code(self) -> int:
        """The snapshot process's exit statuses, for a command to return: 0 complete,
        3 partial, 4 skipped, 2 bad configuration, 1 anything else (failed, timeout,
        cancelled)."""
        if self.exit_status == EXIT_CONFIG:
            return EXIT_CONFIG
        return {JobOutcome.COMPLETE: EXIT_COMPLETE, JobOutcome.PARTIAL: EXIT_PARTIAL,
                JobOutcome.SKIPPED: EXIT_SKIPPED}.get(JobOutcome(self.outcome), EXIT_FAILED)


def occurrence_of(scheduled_at: datetime | None) -> str:
    """The key of one due run: its scheduled time in UTC, or a manual run's start."""
    if scheduled_at is None:
        return f"manual {now_iso()}"
    return scheduled_at.astimezone(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class JobContext:
    """What a scheduler gives the jobs it runs, besides their stored arguments."""

    stop: Stop
    history_path: Path | None = None  # where to record a job whose config cannot be read


def run_snapshot(
    config: str | Path,
    *,
    job_id: str = "run-now",
    scheduled_at: datetime | None = None,
    stop: Stop | None = None,
    history_path: Path | None = None,
    quiet: bool = True,
    taken_at: datetime | None = None,
) -> Outcome:
    """Take one snapshot of ``config`` in a subprocess, holding the store's snapshot lock
    and recording the execution in the run history: what `adcensus snapshot`, `adcensus
    schedule run-now`, `adcensus serve` and the demo all do. Never raises for a failed
    snapshot. ``taken_at`` dates it on the demo market's clock (demo and tests only)."""
    stop = stop or Stop()
    occurrence = occurrence_of(scheduled_at)
    try:
        loaded = load_config(config)
    except AdcensusError as exc:
        outcome = Outcome(JobOutcome.FAILED, EXIT_CONFIG, f"bad configuration: {exc}")
        logger.error("snapshot of job %s not started: %s", job_id, outcome.reason)
        if history_path is not None:
            with History(history_path) as history:
                row = history.claim(job_id, "snapshot", occurrence)
                if row is not None:
                    history.finish(row, outcome.outcome, outcome.exit_status, outcome.reason)
        return outcome
    with History(loaded.job_store_path) as history:
        outcome = _locked_run(loaded, job_id, occurrence, stop, history, quiet, taken_at)
    if outcome.outcome in VISIBLE and outcome.snapshot_id:
        # the same-day under-18 alerts (delivery:), whoever took the snapshot
        after_snapshot(str(loaded.path), outcome.snapshot_id)
    return outcome


def run_in_foreground(config: str | Path, *, job_id: str, command: str,
                      quiet: bool) -> Outcome:
    """``run_snapshot`` for a command run in a terminal (`adcensus snapshot`, `adcensus
    schedule run-now`): Ctrl-C or SIGTERM cancel the snapshot, which is recorded as
    cancelled, rather than leave its process running on its own."""
    stop = Stop()

    def cancel(signum: int, frame: object) -> None:
        stop.now(f"cancelled: {command} was stopped ({signal.Signals(signum).name})")

    previous = {s: signal.signal(s, cancel) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        return run_snapshot(config, job_id=job_id, stop=stop, quiet=quiet)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _locked_run(loaded: LoadedConfig, job_id: str, occurrence: str, stop: Stop,
                history: History, quiet: bool, taken_at: datetime | None) -> Outcome:
    if stop.requested:  # submitted just as the scheduler began to stop
        logger.warning("%s: job %s, run %s", SKIPPED_STOPPING, job_id, occurrence)
        history.skipped(job_id, "snapshot", occurrence, SKIPPED_STOPPING)
        return Outcome(JobOutcome.SKIPPED, None, SKIPPED_STOPPING)
    with SnapshotLock(lock_path(loaded)) as lock:
        if not lock.acquire():
            logger.warning("%s: job %s, run %s (%s)", SKIPPED_RUNNING, job_id, occurrence,
                           loaded.path)
            history.skipped(job_id, "snapshot", occurrence, SKIPPED_RUNNING)
            return Outcome(JobOutcome.SKIPPED, EXIT_SKIPPED, SKIPPED_RUNNING)
        row = history.claim(job_id, "snapshot", occurrence)
        if row is None:
            holder = history.holder(job_id, occurrence)
            reason = SKIPPED_TAKEN + (f" (pid {holder.pid} on {holder.host})" if holder else "")
            logger.warning("%s: job %s, run %s", reason, job_id, occurrence)
            history.skipped(job_id, "snapshot", occurrence, reason)
            return Outcome(JobOutcome.SKIPPED, EXIT_SKIPPED, reason)
        logger.info("snapshot of %s starting: job %s, run %s", loaded.path, job_id, occurrence)
        outcome = _supervise(loaded, lock, stop, quiet, taken_at)
        history.finish(row, outcome.outcome, outcome.exit_status, outcome.reason,
                       outcome.snapshot_id)
        level = logging.INFO if outcome.outcome in VISIBLE else logging.ERROR
        logger.log(level, "snapshot %s of job %s: %s%s", outcome.snapshot_id or "(none)", job_id,
                   outcome.outcome, f" ({outcome.reason})" if outcome.reason else "")
        return outcome


def _supervise(loaded: LoadedConfig, lock: SnapshotLock, stop: Stop, quiet: bool,
               taken_at: datetime | None) -> Outcome:
    budget = loaded.snapshot_time_budget_s
    command = [sys.executable, "-m", "scheduler.snapshot_process", "--config", str(loaded.path),
               "--lock-fd", str(lock.fd)]
    if quiet:
        command.append("--quiet")
    spawned = now_iso()
    if taken_at is not None:
        command += ["--taken-at", taken_at.isoformat()]
        # the run is dated on that clock: its record starts there
        spawned = min(spawned, taken_at.astimezone(UTC).isoformat(timespec="seconds"))
    started = time.monotonic()
    process = subprocess.Popen(command, pass_fds=(lock.fd,), start_new_session=True)
    killed_for = ""
    try:
        while process.poll() is None:
            if time.monotonic() - started > budget:
                killed_for = (f"time budget exceeded: the snapshot process ran longer than "
                              f"{budget} s (schedule.time_budget_s) and was killed")
            else:
                killed_for = stop.cancellation() or ""
            if killed_for:
                break
            try:
                process.wait(timeout=POLL_S)
            except subprocess.TimeoutExpired:
                pass
    except KeyboardInterrupt:
        killed_for = "cancelled: interrupted (SIGINT)"
    if killed_for:
        kill_tree(process.pid)
    status = process.wait()
    remove_tempdirs(process.pid)  # a killed process could not clean its RAM directory
    return _settle(loaded, spawned, status, killed_for)


def _settle(loaded: LoadedConfig, spawned: str, status: int, killed_for: str) -> Outcome:
    """Read what the process recorded; fail a run it left "running" (we hold the lock)."""
    from crawler.store import open_store

    if killed_for:
        outcome = (JobOutcome.TIMEOUT if killed_for.startswith("time budget")
                   else JobOutcome.CANCELLED)
        reason = killed_for
    elif status < 0:
        outcome = JobOutcome.FAILED
        reason = (f"the snapshot process was killed by {signal.Signals(-status).name}"
                  + (" (out of memory?)" if -status == signal.SIGKILL else ""))
    else:
        outcome = {EXIT_COMPLETE: JobOutcome.COMPLETE,
                   EXIT_PARTIAL: JobOutcome.PARTIAL}.get(status, JobOutcome.FAILED)
        reason = "bad configuration" if status == EXIT_CONFIG else ""
    snapshot_id = ""
    try:
        with open_store(loaded.store_url) as store:
            interrupted = store.fail_interrupted_runs(reason or "interrupted: the snapshot "
                                                      "process ended before it completed",
                                                      now_iso())
            mine = [r for r in store.runs() if r.started_at >= spawned]
            if mine:
                run = mine[-1]
                snapshot_id = run.snapshot_id
                if run.status in VISIBLE and outcome in (JobOutcome.TIMEOUT, JobOutcome.CANCELLED):
                    # it committed just before the kill: the snapshot stands
                    outcome, reason = JobOutcome(run.status), ""
                elif run.status == RunState.FAILED and not reason:
                    reason = run.reason
                    outcome = JobOutcome.FAILED
            if interrupted and not snapshot_id:
                snapshot_id = interrupted[-1]
    except Exception as exc:  # the store is down: the outcome is still recorded in the history
        logger.error("could not read the run record after the snapshot: %s", type(exc).__name__)
        reason = (reason + "; " if reason else "") + f"store not reachable ({type(exc).__name__})"
    return Outcome(outcome, status, reason, snapshot_id)
