"""`adcensus serve` as real processes: two of them and one due job give one snapshot;
SIGTERM lets a running snapshot finish within the grace period, or cancels it and
records why."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from crawler.cli import main
from crawler.demo_market.generator import generate
from crawler.demo_market.server import MarketServer
from crawler.processes import alive, descendants
from scheduler.history import History
from scheduler.lock import SKIPPED_RUNNING, holder, lock_path
from scheduler.runner import SKIPPED_TAKEN
from scheduler.service import POLL_S, list_jobs
from tests.scheduler_support import Serve, loaded, raw_count, runs, scheduled_config, wait_for

pytestmark = pytest.mark.slow

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture(scope="module")
def market_url() -> Iterator[str]:
    with MarketServer(generate(seed=13, listings=150)) as server:
        yield server.url


def one_off(config: Path, seconds: float) -> None:
    # added in UTC and given with its offset: Stockholm's wall clock plus 5 s is an hour
    # off at 02:59:58 summer time, and a bare 02:10 is ambiguous in the hour that repeats
    at = (datetime.now(UTC) + timedelta(seconds=seconds)).astimezone(STOCKHOLM)
    at = at.isoformat(timespec="seconds")
    assert main(["schedule", "add", "--at", at, "--id", "due", "--config", str(config)]) == 0


def executions(config: Path) -> list[tuple[str, str]]:
    with History(loaded(config).job_store_path) as history:
        return [(e.outcome, e.reason) for e in history.recent()][::-1]


def test_two_serve_processes_take_one_snapshot(tmp_path: Path, market_url: str) -> None:
    # slow enough that the second serve fires while the first one's snapshot runs
    config = scheduled_config(tmp_path, market_url, delay_s=0.02)
    serves = [Serve(config, tmp_path / f"serve-{n}.log") for n in (1, 2)]
    try:
        for serve in serves:
            wait_for("serve to start", lambda s=serve: "serving 0 job(s)" in s.output(), timeout=60)
        # due after each serve has looked at the job store again (every POLL_S): both
        # wake for it at about the same moment, as two schedulers sharing a store do
        one_off(config, seconds=POLL_S + 3)
        wait_for("the snapshot to complete", lambda: "complete" in dict(executions(config)),
                 timeout=300)
    finally:
        statuses = [serve.stop() for serve in serves]
    assert statuses == [0, 0]

    [run] = runs(config)
    assert run.status == "complete"
    logs = [serve.output() for serve in serves]
    # Whether the later serve fires at all is a race between two processes: it does when
    # it reads the job store before the first one has removed the one-off, within the same
    # few milliseconds (usually, not on a loaded machine). Either way one snapshot runs;
    # when it fires, it must skip with the reason, and the skip is recorded before the
    # snapshot completes (it happens at the due time, the snapshot takes seconds).
    outcomes = sorted(o for o, _ in executions(config))
    assert outcomes in (["complete"], ["complete", "skipped"]), (outcomes, logs)
    skips = [log for log in logs if "skipped: " in log]
    assert len(skips) == outcomes.count("skipped"), logs
    assert all(SKIPPED_RUNNING in log or SKIPPED_TAKEN in log for log in skips), logs
    assert sum(f"snapshot {run.snapshot_id} of job due: complete" in log for log in logs) == 1
    assert not any("Traceback" in log for log in logs)
    assert list_jobs(loaded(config)) == []  # the one-off is done, removed by either serve


def test_sigterm_lets_a_running_snapshot_finish_within_the_grace(tmp_path: Path,
                                                                 market_url: str) -> None:
    config = scheduled_config(tmp_path, market_url, {"stop_grace_s": 120}, delay_s=0.01)
    one_off(config, seconds=3)
    serve = Serve(config, tmp_path / "serve.log")
    try:
        wait_for("the snapshot to run", lambda: [r for r in runs(config) if r.status == "running"],
                 timeout=60)
    finally:
        status = serve.stop(timeout=120)
    assert status == 0
    assert [r.status for r in runs(config)] == ["complete"]
    assert [o for o, _ in executions(config)] == ["complete"]
    assert "a running snapshot has 120 s to finish" in serve.output()


def test_past_the_grace_sigterm_cancels_and_records_it(tmp_path: Path, market_url: str) -> None:
    config = scheduled_config(tmp_path, market_url, {"stop_grace_s": 1}, delay_s=0.1)
    one_off(config, seconds=3)
    serve = Serve(config, tmp_path / "serve.log")
    try:
        [running] = wait_for("the snapshot to run",
                             lambda: [r for r in runs(config) if r.status == "running"], timeout=60)
        tree = descendants(serve.process.pid)
        assert tree
    finally:
        status = serve.stop(timeout=60)
    assert status == 0

    [run] = runs(config)
    assert run.snapshot_id == running.snapshot_id and run.status == "failed"
    assert run.reason.startswith("cancelled: the scheduler was stopped")
    assert "grace period of 1 s" in run.reason
    assert raw_count(tmp_path / "store.sqlite", "indicators", run.snapshot_id) == 0
    assert [o for o, _ in executions(config)] == ["cancelled"]
    assert holder(lock_path(loaded(config))) is None
    assert not [p for p in tree if alive(p)], "a process of the cancelled snapshot survived"
