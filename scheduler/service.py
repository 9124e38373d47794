"""The scheduler behind `adcensus schedule` and `adcensus serve`.

APScheduler 3 with one persistent job store per configuration: SQLite at
``schedule.job_store`` (default ``<data_dir>/schedule.sqlite``). Every job runs with
``coalesce=True``, ``max_instances=1`` and ``misfire_grace_time`` from the config, so a
machine that was off for a week takes one catch-up run, not one per missed date.

Several `serve` processes may share a job store (two machines on one disk, or a
mistake): each fires a due job, the runner's lock and claim let exactly one run it
(scheduler/runner.py), and the job store below tolerates the other one having moved the
job on first.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job
from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_RUNNING
from sqlalchemy.exc import OperationalError

from crawler.config import LoadedConfig
from crawler.errors import AdcensusError
from crawler.snapshot import INTERRUPTED
from crawler.tempdirs import sweep_stale_tempdirs
from scheduler.delivery_worker import start_worker
from scheduler.history import History, now_iso
from scheduler.jobs import JOB_KINDS, kind_of
from scheduler.lock import SnapshotLock, lock_path
from scheduler.runner import JobContext, Stop
from scheduler.triggers import When

logger = logging.getLogger("adcensus.scheduler")

POLL_S = 5.0  # how soon `serve` sees jobs that `schedule add` wrote to the store
WORKERS = 4  # snapshots of one store still run one at a time (the lock); reports may not


class JobError(AdcensusError):
    """A job that does not exist, exists already, or is of an unknown kind."""


class SharedJobStore(SQLAlchemyJobStore):
    """A job store that another scheduler may be using too: a job that the other one
    already moved on or removed is not an error here."""

    def start(self, scheduler: Any, alias: str) -> None:
        try:
            super().start(scheduler, alias)
        except OperationalError as exc:
            # two schedulers opening a new job store at once both find no table and both
            # create it; the one that loses finds it made, and starts on it
            if "already exists" not in str(exc):
                raise
            super().start(scheduler, alias)

    def update_job(self, job: Job) -> None:
        try:
            super().update_job(job)
        except JobLookupError:
            logger.info("job %s was removed by another scheduler meanwhile", job.id)

    def remove_job(self, job_id: str) -> None:
        try:
            super().remove_job(job_id)
        except JobLookupError:
            logger.info("job %s was removed by another scheduler already", job_id)


class _Occurrence:
    """A job as the executor runs it: its stored keywords plus the run-time ones."""

    def __init__(self, job: Job, extra: dict[str, Any]) -> None:
        self._job = job
        self.kwargs = {**job.kwargs, **extra}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._job, name)

    def __str__(self) -> str:
        return str(self._job)


class OccurrenceExecutor(ThreadPoolExecutor):
    """Tells each job which due time it runs for (APScheduler 3 does not), so that the
    runner can claim exactly that occurrence, and hands it the scheduler's context."""

    def __init__(self, context: JobContext, max_workers: int = WORKERS) -> None:
        super().__init__(max_workers)
        self.context = context

    def _do_submit_job(self, job: Job, run_times: list[datetime]) -> None:
        extra = {"job_id": job.id, "scheduled_at": run_times[-1], "context": self.context}
        super()._do_submit_job(_Occurrence(job, extra), run_times)


class Scheduler(BackgroundScheduler):
    """APScheduler's background scheduler, never running or moving on a job unless it is
    running: APScheduler 3.11 looks for due jobs once more when it shuts down, with its
    executors already closed, so a due job would be moved to its next time without a run
    (lost). ``editing=True``: a scheduler that only reads and edits the job store."""

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        self.editing = editing
        super().__init__(*args, **kwargs)

    def _process_jobs(self) -> float | None:
        if self.editing or self.state != STATE_RUNNING:
            return None
        return super()._process_jobs()  # type: ignore[no-any-return]


def build_scheduler(loaded: LoadedConfig, stop: Stop | None = None,
                    editing: bool = False) -> Scheduler:
    section = loaded.config.schedule
    path = loaded.job_store_path
    path.parent.mkdir(parents=True, exist_ok=True)
    context = JobContext(stop or Stop(section.stop_grace_s), path)
    return Scheduler(
        editing=editing,
        jobstores={"default": SharedJobStore(url=f"sqlite:///{path}")},
        executors={"default": OccurrenceExecutor(context)},
        job_defaults=job_defaults(loaded),
        timezone=ZoneInfo(section.timezone),
    )


def job_defaults(loaded: LoadedConfig) -> dict[str, Any]:
    return {"coalesce": True, "max_instances": 1,
            "misfire_grace_time": loaded.config.schedule.misfire_grace_s}


@contextmanager
def paused_scheduler(loaded: LoadedConfig) -> Iterator[Scheduler]:
    """The job store open for reading and editing, with nothing run (the CLI's view)."""
    scheduler = build_scheduler(loaded, editing=True)
    scheduler.start(paused=True)
    try:
        yield scheduler
    finally:
        scheduler.shutdown(wait=False)


@dataclass(frozen=True)
class JobInfo:
    id: str
    kind: str
    description: str
    next_run_time: datetime | None
    config: str

    @classmethod
    def of(cls, job: Job) -> JobInfo:
        reference = job.func_ref if isinstance(job.func_ref, str) else str(job.func_ref)
        return cls(job.id, kind_of(reference), job.name, job.next_run_time,
                   str(job.args[0]) if job.args else "")


def add_job(loaded: LoadedConfig, when: When, kind: str = "snapshot", job_id: str | None = None,
            replace: bool = False) -> JobInfo:
    if kind not in JOB_KINDS:
        raise JobError(f"unknown job kind {kind!r} (known: {', '.join(JOB_KINDS)})")
    job_id = job_id or f"{kind}-{when.label}"
    with paused_scheduler(loaded) as scheduler:
        if scheduler.get_job(job_id) is not None and not replace:
            raise JobError(f"a job named {job_id!r} exists already in {loaded.job_store_path}: "
                           "give another --id, or --replace it")
        job = scheduler.add_job(JOB_KINDS[kind], when.trigger, args=[str(loaded.path)], id=job_id,
                                name=f"{kind} {when.description}", replace_existing=replace)
        return JobInfo.of(scheduler.get_job(job.id))


def list_jobs(loaded: LoadedConfig) -> list[JobInfo]:
    if not loaded.job_store_path.exists():
        return []
    with paused_scheduler(loaded) as scheduler:
        jobs = [JobInfo.of(job) for job in scheduler.get_jobs()]
    return sorted(jobs, key=lambda j: (j.next_run_time is None, j.next_run_time or 0, j.id))


def find_job(loaded: LoadedConfig, job_id: str) -> JobInfo:
    for job in list_jobs(loaded):
        if job.id == job_id:
            return job
    raise JobError(f"no job named {job_id!r} in {loaded.job_store_path} "
                   "(`adcensus schedule list` shows them)")


def remove_job(loaded: LoadedConfig, job_id: str) -> None:
    find_job(loaded, job_id)
    with paused_scheduler(loaded) as scheduler:
        scheduler.remove_job(job_id)


def recover(loaded: LoadedConfig) -> list[str]:
    """What a crash left behind: temporary directories of dead snapshot processes are
    removed; executions of a dead `serve` in the history and runs still "running" in the
    store are marked failed with their reason (the runs only while no snapshot holds the
    lock: a running one is not interrupted)."""
    sweep_stale_tempdirs()  # what a killed snapshot left in RAM (Chromium's profile)
    with History(loaded.job_store_path) as history:
        history.mark_interrupted("interrupted: the scheduler that ran it ended")
    with SnapshotLock(lock_path(loaded)) as lock:
        if not lock.acquire():
            logger.info("the snapshot lock is held (a snapshot is running, or another scheduler "
                        "is starting): run records are left alone")
            return []
        from crawler.store import open_store

        with open_store(loaded.store_url) as store:
            failed = store.fail_interrupted_runs(INTERRUPTED, now_iso())
    for snapshot_id in failed:
        logger.warning("snapshot %s was interrupted; its run is now recorded as failed",
                       snapshot_id)
    return failed


def serve(loaded: LoadedConfig, poll_s: float = POLL_S) -> int:
    """Run the schedule until SIGTERM or SIGINT; returns the exit status."""
    section = loaded.config.schedule
    stop = Stop(section.stop_grace_s)
    wake = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if stop.requested:
            logger.warning("%s again: cancelling the running snapshot now", name)
            stop.now(f"cancelled: the scheduler was stopped twice ({name})")
        else:
            logger.info("%s: no new jobs start; a running snapshot has %g s to finish",
                        name, section.stop_grace_s)
            stop.request()
        wake.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        recover(loaded)
        worker = start_worker(loaded)  # e-mails due, also those a previous `serve` left
        scheduler = build_scheduler(loaded, stop)
        scheduler.start()
        _apply_defaults(scheduler, loaded)
        jobs = scheduler.get_jobs()
        logger.info("serving %d job(s) from %s (time zone %s)%s", len(jobs), loaded.job_store_path,
                    section.timezone, "" if jobs else ": none yet, `adcensus schedule add` one")
        for job in jobs:
            logger.info("job %s: %s; next run %s", job.id, job.name, job.next_run_time)
        while not stop.requested:
            # re-read the job store: jobs added or removed by `adcensus schedule` meanwhile
            scheduler.wakeup()
            wake.wait(poll_s)
        scheduler.pause()
        _shutdown(scheduler)
        if worker is not None:
            worker.stop()
        logger.info("stopped")
        return 0
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _apply_defaults(scheduler: Scheduler, loaded: LoadedConfig) -> None:
    """The config's schedule section wins over what jobs were stored with."""
    defaults = job_defaults(loaded)
    for job in scheduler.get_jobs():
        if any(getattr(job, key) != value for key, value in defaults.items()):
            try:
                scheduler.modify_job(job.id, **defaults)
            except JobLookupError:
                pass  # removed meanwhile (`schedule remove`, or another scheduler's one-off)


def _shutdown(scheduler: Scheduler) -> None:
    # in a thread: the main thread keeps taking signals (a second one cancels at once)
    closer = threading.Thread(target=scheduler.shutdown, kwargs={"wait": True},
                              name="scheduler-shutdown")
    closer.start()
    while closer.is_alive():
        closer.join(0.2)
