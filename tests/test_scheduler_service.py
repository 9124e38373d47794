"""The scheduler with its persistent job store: jobs survive a restart, and missed runs
are coalesced into one catch-up snapshot. Real SQLite, real snapshot subprocesses."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger

from crawler.cli import main
from crawler.demo_market.generator import generate
from crawler.demo_market.server import MarketServer
from scheduler.history import History
from scheduler.jobs import JOB_KINDS
from scheduler.service import build_scheduler, list_jobs, paused_scheduler
from tests.scheduler_support import loaded, runs, scheduled_config, wait_for

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture(scope="module")
def market_url() -> Iterator[str]:
    with MarketServer(generate(seed=3, listings=40)) as server:
        yield server.url


def test_a_job_survives_a_restart_of_the_scheduler(tmp_path: Path) -> None:
    config = scheduled_config(tmp_path, "http://127.0.0.1:9")
    assert main(["schedule", "add", "monthly", "--day", "15", "--config", str(config)]) == 0

    first = build_scheduler(loaded(config))
    first.start()
    job = first.get_job("snapshot-monthly-15")
    before = (job.next_run_time, str(job.trigger), job.func_ref, job.args, job.coalesce,
              job.max_instances, job.misfire_grace_time)
    first.shutdown()

    # a new scheduler, new engine, new objects: only the SQLite file carries the job
    second = build_scheduler(loaded(config))
    second.start()
    job = second.get_job("snapshot-monthly-15")
    after = (job.next_run_time, str(job.trigger), job.func_ref, job.args, job.coalesce,
             job.max_instances, job.misfire_grace_time)
    second.shutdown()
    assert after == before
    assert before[0].day == 15 and before[0].hour == 3 and before[0] > datetime.now(UTC)
    assert before[2] == JOB_KINDS["snapshot"] and before[3] == (str(config),)
    assert before[4:] == (True, 1, None)

    # and another process sees the same next run time
    listed = subprocess.run([sys.executable, "-m", "crawler.cli", "schedule", "list", "--config",
                             str(config)], capture_output=True, text=True, timeout=60)
    assert before[0].strftime("%Y-%m-%d %H:%M") in listed.stdout


def _off_since(config: Path, trigger: CronTrigger, off_for: timedelta) -> list[datetime]:
    """A job whose next run was due ``off_for`` ago: the store as a machine that was
    switched off then finds it. Returns the run times it missed."""
    now = datetime.now(STOCKHOLM)
    first_missed = trigger.get_next_fire_time(None, now - off_for)
    with paused_scheduler(loaded(config)) as scheduler:
        job = scheduler.add_job(JOB_KINDS["snapshot"], trigger, args=[str(config)], id="missed",
                                next_run_time=first_missed)
        return job._get_run_times(datetime.now(STOCKHOLM))


@pytest.mark.parametrize(("trigger", "off_for", "missed"), [
    (CronTrigger(hour=3, minute=0, timezone=STOCKHOLM), timedelta(days=7), 7),
    (CronTrigger(day_of_week="mon", hour=3, minute=0, timezone=STOCKHOLM), timedelta(weeks=5), 5),
], ids=["daily-off-a-week", "weekly-off-five-weeks"])
def test_missed_runs_give_one_catch_up_snapshot(tmp_path: Path, market_url: str,
                                               trigger: CronTrigger, off_for: timedelta,
                                               missed: int) -> None:
    config = scheduled_config(tmp_path, market_url)
    missed_times = _off_since(config, trigger, off_for)
    assert len(missed_times) == missed

    scheduler = build_scheduler(loaded(config))
    scheduler.start()
    try:
        def finished() -> list[object]:
            with History(loaded(config).job_store_path) as history:
                return [e for e in history.recent() if e.outcome != "running"]

        wait_for("the catch-up snapshot", finished, timeout=90)
        time.sleep(1.0)
        scheduler.wakeup()  # one more look at the store: nothing else is due
        time.sleep(1.0)
    finally:
        scheduler.shutdown(wait=True)

    with History(loaded(config).job_store_path) as history:
        executions = history.recent()
    assert [(e.job_id, e.outcome) for e in executions] == [("missed", "complete")]
    # it ran for the latest missed time, once
    latest_missed = missed_times[-1].astimezone(UTC).isoformat(timespec="seconds")
    assert executions[0].occurrence == latest_missed
    assert [r.status for r in runs(config)] == ["complete"]
    job = next(j for j in list_jobs(loaded(config)) if j.id == "missed")
    assert job.next_run_time > datetime.now(STOCKHOLM)


def test_a_run_missed_past_the_grace_time_is_skipped(tmp_path: Path) -> None:
    config = scheduled_config(tmp_path, "http://127.0.0.1:9", {"misfire_grace_s": 60})
    two_hours_ago = datetime.now(STOCKHOLM) - timedelta(hours=2)
    trigger = CronTrigger(hour=two_hours_ago.hour, minute=two_hours_ago.minute, timezone=STOCKHOLM)
    _off_since(config, trigger, timedelta(days=3))
    scheduler = build_scheduler(loaded(config))
    scheduler.start()
    try:
        wait_for("the job to move on", lambda: scheduler.get_job("missed").next_run_time
                 > datetime.now(STOCKHOLM), timeout=30)
    finally:
        scheduler.shutdown(wait=True)
    with History(loaded(config).job_store_path) as history:
        assert history.recent() == []
    assert runs(config) == []


def test_reading_the_schedule_never_consumes_a_due_run(tmp_path: Path) -> None:
    # APScheduler 3.11 processes due jobs once more while it shuts down; `schedule list`
    # (or `status`) while a run is due must leave that run for `serve`
    config = scheduled_config(tmp_path, "http://127.0.0.1:9")
    missed = _off_since(config, CronTrigger(hour=3, minute=0, timezone=STOCKHOLM),
                        timedelta(days=2))
    for _ in range(2):
        assert [j.next_run_time for j in list_jobs(loaded(config))] == [missed[0]]
    assert main(["schedule", "list", "--config", str(config)]) == 0
    assert [j.next_run_time for j in list_jobs(loaded(config))] == [missed[0]]


def test_schedulers_opening_a_new_job_store_at_once_all_start(tmp_path: Path) -> None:
    # two `serve` processes started together both found no table and both created it;
    # the loser died with "table apscheduler_jobs already exists" (seen in CI)
    import threading

    from apscheduler.schedulers.background import BackgroundScheduler

    from scheduler.service import SharedJobStore

    url = f"sqlite:///{tmp_path / 'jobs.sqlite'}"
    errors: list[str] = []
    ready = threading.Barrier(8)

    def start() -> None:
        scheduler = BackgroundScheduler(jobstores={"default": SharedJobStore(url=url)})
        ready.wait()
        try:
            scheduler.start(paused=True)
            scheduler.shutdown(wait=False)
        except Exception as exc:  # noqa: BLE001 - what failed is the finding
            errors.append(repr(exc))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
