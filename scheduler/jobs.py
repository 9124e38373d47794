"""The jobs a schedule can hold: module-level functions, stored by reference text.

A job store row holds the reference (``scheduler.jobs:take_snapshot``), the trigger and
plain arguments (the config file's path): never content. Every job function takes the
stored arguments plus three keywords that the scheduler's executor supplies at run time
(scheduler/service.py): ``job_id``, ``scheduled_at`` (the due time it runs for) and
``context`` (the scheduler's stop request and history).

To schedule another kind of work — the weekly county summary once the report issue
lands — write its function here with the same keywords and name it in ``JOB_KINDS``;
`adcensus schedule add --kind NAME` then accepts it.
"""

from __future__ import annotations

from datetime import datetime

from scheduler.runner import JobContext, run_snapshot

JOB_KINDS = {
    "snapshot": "scheduler.jobs:take_snapshot",
    # "report": "scheduler.jobs:weekly_report",  (the report issue)
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
