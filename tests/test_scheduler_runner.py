"""The runner: one snapshot per store at a time, one run per due time, and a time budget
that kills the snapshot process and records why. Real subprocesses, real SQLite."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.demo_market.generator import generate
from crawler.demo_market.server import MarketServer
from crawler.processes import alive, descendants
from crawler.tempdirs import tempdirs
from scheduler.history import History
from scheduler.lock import SKIPPED_RUNNING, SnapshotLock, holder, lock_path
from scheduler.runner import SKIPPED_TAKEN, run_snapshot
from scheduler.snapshot_process import CANCELLED, EXIT_SKIPPED
from tests.scheduler_support import loaded, raw_count, runs, scheduled_config, wait_for


@pytest.fixture(scope="module")
def market_url() -> Iterator[str]:
    with MarketServer(generate(seed=5, listings=300)) as server:
        yield server.url


@pytest.fixture(scope="module")
def small_market_url() -> Iterator[str]:
    with MarketServer(generate(seed=5, listings=40)) as server:
        yield server.url


def test_a_held_lock_skips_the_snapshot(tmp_path: Path, market_url: str) -> None:
    config = scheduled_config(tmp_path, market_url)
    with SnapshotLock(lock_path(loaded(config))) as lock:
        assert lock.acquire()
        outcome = run_snapshot(config, job_id="weekly", scheduled_at=datetime.now(UTC))
        # `adcensus snapshot` (the bare snapshot process) is held off the same way
        bare = subprocess.run([sys.executable, "-m", "scheduler.snapshot_process", "--config",
                               str(config), "--quiet"], capture_output=True, text=True, timeout=60)
    assert (outcome.outcome, outcome.reason) == ("skipped", SKIPPED_RUNNING)
    assert bare.returncode == EXIT_SKIPPED and SKIPPED_RUNNING in bare.stderr
    assert runs(config) == []
    with History(loaded(config).job_store_path) as history:
        assert [(e.job_id, e.outcome, e.reason) for e in history.recent()] == [
            ("weekly", "skipped", SKIPPED_RUNNING)]


def test_one_due_time_runs_once(tmp_path: Path, small_market_url: str) -> None:
    config = scheduled_config(tmp_path, small_market_url)
    due = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    first = run_snapshot(config, job_id="weekly", scheduled_at=due)
    # a second scheduler sharing the job store fires the same due run after the first ended
    second = run_snapshot(config, job_id="weekly", scheduled_at=due)
    assert first.outcome == "complete"
    assert second.outcome == "skipped" and second.reason.startswith(SKIPPED_TAKEN)
    assert [r.snapshot_id for r in runs(config)] == [first.snapshot_id]
    with History(loaded(config).job_store_path) as history:
        assert [e.outcome for e in history.recent()] == ["skipped", "complete"]


def test_past_the_time_budget_the_snapshot_is_killed_and_recorded(tmp_path: Path,
                                                                  market_url: str) -> None:
    # the process must have started and written its run record before the budget ends:
    # 10 s was too short on a loaded machine (killed while importing, no record at all);
    # at 0.2 s a page the crawl of 300 listings still outlasts 30 s
    config = scheduled_config(tmp_path, market_url, {"time_budget_s": 30}, delay_s=0.2)
    tree: set[int] = set()
    watching = threading.Event()
    before = set(descendants(os.getpid()))  # other fixtures' servers are not the snapshot's

    def watch() -> None:  # every process the snapshot started, for the check below
        while not watching.is_set():
            tree.update(set(descendants(os.getpid())) - before)
            watching.wait(0.1)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        outcome = run_snapshot(config, job_id="weekly", scheduled_at=datetime.now(UTC))
    finally:
        watching.set()
        watcher.join()

    assert outcome.outcome == "timeout"
    assert "time budget exceeded" in outcome.reason and "30 s" in outcome.reason
    [run] = runs(config)
    assert run.snapshot_id == outcome.snapshot_id
    assert run.status == "failed" and run.reason == outcome.reason
    store_file = tmp_path / "store.sqlite"
    assert raw_count(store_file, "indicators", run.snapshot_id) == 0
    assert raw_count(store_file, "fingerprints", run.snapshot_id) == 0
    assert holder(lock_path(loaded(config))) is None
    assert tree and not [p for p in tree if alive(p)], "a process of the snapshot survived"
    assert not any(tempdirs(p) for p in tree)
    with History(loaded(config).job_store_path) as history:
        [execution] = history.recent()
    assert (execution.outcome, execution.snapshot_id) == ("timeout", run.snapshot_id)


def test_a_config_that_no_longer_loads_is_recorded(tmp_path: Path) -> None:
    config = scheduled_config(tmp_path, "http://127.0.0.1:9")
    job_store = loaded(config).job_store_path
    config.write_text("crawl:\n  concurrency: lots\n")
    outcome = run_snapshot(config, job_id="weekly", scheduled_at=datetime.now(UTC),
                           history_path=job_store)
    assert outcome.outcome == "failed" and "bad configuration" in outcome.reason
    assert "crawl.concurrency" in outcome.reason
    with History(job_store) as history:
        assert [e.outcome for e in history.recent()] == ["failed"]


@pytest.mark.parametrize("command", [["schedule", "run-now"], ["snapshot"]])
def test_ctrl_c_cancels_and_records(tmp_path: Path, market_url: str, command: list[str]) -> None:
    """`adcensus snapshot` and `schedule run-now` are one runner: Ctrl-C cancels the
    snapshot, records it and frees the lock."""
    config = scheduled_config(tmp_path, market_url, delay_s=0.1)
    process = subprocess.Popen([sys.executable, "-m", "crawler.cli", *command,
                                "--config", str(config)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    wait_for("the snapshot to run", lambda: [r for r in runs(config) if r.status == "running"],
             timeout=60)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 1
    [run] = runs(config)
    name = command[-1]
    assert (run.status, run.reason) == ("failed", f"cancelled: {name} was stopped (SIGINT)")
    if name == "run-now":
        assert f"run-now: snapshot {run.snapshot_id} cancelled" in out
    else:
        assert "adcensus: cancelled: snapshot was stopped (SIGINT)" in err
    with History(loaded(config).job_store_path) as history:
        assert [e.outcome for e in history.recent()] == ["cancelled"]
    assert holder(lock_path(loaded(config))) is None


def test_a_snapshot_process_told_to_stop_counts_nothing(tmp_path: Path, market_url: str) -> None:
    # SIGTERM straight to the snapshot process (Ctrl-C on `adcensus snapshot`, or a unit
    # without KillMode=mixed): Scrapy ends the crawl early, and that crawl is not counted
    config = scheduled_config(tmp_path, market_url, delay_s=0.1)
    process = subprocess.Popen([sys.executable, "-m", "scheduler.snapshot_process", "--config",
                                str(config), "--quiet"], stderr=subprocess.DEVNULL)
    [running] = wait_for("the snapshot to run",
                         lambda: [r for r in runs(config) if r.status == "running"], timeout=60)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 1
    [run] = runs(config)
    assert run.snapshot_id == running.snapshot_id
    assert (run.status, run.reason) == ("failed", CANCELLED)
    assert raw_count(tmp_path / "store.sqlite", "indicators", run.snapshot_id) == 0
