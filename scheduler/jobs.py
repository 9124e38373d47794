"""The jobs a schedule can hold: module-level functions, stored by reference text.

A job store row holds the reference (``scheduler.jobs:take_snapshot``), the trigger and
plain arguments (the config file's path): never content. Every job function takes the
stored arguments plus three keywords that the scheduler's executor supplies at run time
(scheduler/service.py): ``job_id``, ``scheduled_at`` (the due time it runs for) and
``context`` (the scheduler's stop request and history).

Kinds: ``snapshot`` (one snapshot) and ``report`` (the weekly county reports of every
län for the week before the due time). To schedule another kind of work, write its
function here with the same keywords and name it in ``JOB_KINDS``; `adcensus schedule
add --kind NAME` then accepts it.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from datetime import UTC, datetime

from crawler.vocabulary import JobOutcome
from scheduler.delivery_worker import after_reports
from scheduler.history import History
from scheduler.runner import (
    SKIPPED_STOPPING,
    SKIPPED_TAKEN,
    JobContext,
    occurrence_of,
    run_snapshot,
)

log = logging.getLogger(__name__)

JOB_KINDS = {
    "snapshot": "scheduler.jobs:take_snapshot",
    "report": "scheduler.jobs:weekly_reports",
}


def kind_of(reference: str) -> str:
    """The kind a stored function reference belongs to ("?" if none: an old or foreign job)."""
    return next((kind for kind, ref in JOB_KINDS.items() if ref == reference), "?")


def take_snapshot(config: str, *, job_id: str = "run-now", scheduled_at: datetime | None = None,
                  context: JobContext | None = None) -> str:
    """One snapshot of ``config`` in its own process; returns the outcome's name."""
    outcome = run_snapshot(config, job_id=job_id, scheduled_at=scheduled_at,
                           stop=context.stop if context else None,
                           history_path=context.history_path if context else None)
    return outcome.outcome


def weekly_reports(config: str, *, job_id: str = "run-now", scheduled_at: datetime | None = None,
                   context: JobContext | None = None) -> str:
    """The weekly county reports of every län, for the last week complete at the due time,
    written by `adcensus report --all-lan` in its own process (its browser with it). Once
    per due time across `serve` processes, as a snapshot is, and recorded in the history
    that `adcensus status` shows."""
    from crawler.config import load_config
    from crawler.report.weeks import last_complete_week

    loaded = load_config(config)
    week = last_complete_week(scheduled_at or datetime.now(UTC), loaded.config.schedule.timezone)
    occurrence = occurrence_of(scheduled_at)
    with History(loaded.job_store_path) as history:
        if context is not None and context.stop.requested:
            history.skipped(job_id, "report", occurrence, SKIPPED_STOPPING)
            log.warning("%s: job %s, run %s", SKIPPED_STOPPING, job_id, occurrence)
            return JobOutcome.SKIPPED
        row = history.claim(job_id, "report", occurrence)
        if row is None:
            history.skipped(job_id, "report", occurrence, SKIPPED_TAKEN)
            log.warning("%s: job %s, run %s", SKIPPED_TAKEN, job_id, occurrence)
            return JobOutcome.SKIPPED
        try:
            result = subprocess.run([sys.executable, "-m", "crawler.cli", "report", "--config",
                                     config, "--all-lan", "--week", week.label],
                                    capture_output=True, text=True, check=False)
        except OSError as exc:  # not started: the claimed run may not stay "running"
            history.finish(row, JobOutcome.FAILED, None, f"reports for {week.label}: the report "
                           f"process did not start ({exc.strerror or type(exc).__name__})")
            raise
        if result.returncode:
            # the command's own message: a reason (no snapshot that week, no browser), no
            # content
            reason = (result.stderr.strip().splitlines() or ["no message"])[-1]
            history.finish(row, JobOutcome.FAILED, result.returncode, f"reports for {week.label}: {reason}")
            log.warning("job %s: reports for %s failed: %s", job_id, week.label, reason)
            return JobOutcome.FAILED
        history.finish(row, JobOutcome.COMPLETE, 0, f"reports for {week.label} in {loaded.reports_dir}")
        log.info("job %s: reports for %s written to %s", job_id, week.label, loaded.reports_dir)
    after_reports(loaded, week)  # e-mail them (delivery:), once per län and week
    return JobOutcome.COMPLETE
