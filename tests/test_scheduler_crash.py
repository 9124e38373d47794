"""A snapshot process killed with SIGKILL mid-crawl: nothing of it counts, its run is
recorded as failed at the next start, and the next snapshot's new-vs-baseline figures
still match the demo market's ground truth. Real crawl, real SQLite, real kill -9."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.demo_market.generator import generate
from crawler.demo_market.market import Market
from crawler.demo_market.server import MarketServer
from crawler.demo_market.truth import compute_truth
from crawler.processes import alive, descendants
from crawler.snapshot import INTERRUPTED
from crawler.store import open_store
from crawler.tempdirs import tempdirs
from scheduler.lock import holder, lock_path
from scheduler.runner import run_snapshot
from tests.scheduler_support import (
    REPO,
    Serve,
    loaded,
    raw_count,
    runs,
    scheduled_config,
    set_crawl,
    wait_for,
)

pytestmark = pytest.mark.slow

SITE = "annonstavlan"  # served as HTML: its counts need no browser
PAGES = re.compile(rf"{SITE}: (\d+) pages")


@pytest.fixture
def market() -> Iterator[tuple[Market, MarketServer]]:
    m = generate(seed=11, listings=150)
    with MarketServer(m) as server:
        yield m, server


def totals(config: Path, snapshot_id: str) -> dict[tuple[str, str], int]:
    with open_store(loaded(config).store_url) as store:
        return {(i.level, i.measure): i.value
                for i in store.indicators(snapshot_id=snapshot_id, scope=SITE, breakdown="total")}


def test_a_snapshot_killed_mid_crawl_leaves_nothing_and_the_next_one_is_right(
        market: tuple[Market, MarketServer], tmp_path: Path) -> None:
    m, server = market
    config = scheduled_config(tmp_path, server.url)
    store_file = tmp_path / "store.sqlite"

    baseline = run_snapshot(config, job_id="weekly")
    assert baseline.outcome == "complete"
    m.advance(7)

    # the victim: slowed down so that it is surely mid-crawl when it dies
    set_crawl(config, delay_s=0.05)
    victim = subprocess.Popen([sys.executable, "-m", "scheduler.snapshot_process", "--config",
                               str(config)], stderr=subprocess.PIPE, text=True, cwd=REPO)
    assert victim.stderr is not None
    progress: list[int] = []
    said: list[str] = []  # what the victim logged, shown when it did not get far enough

    def read_progress() -> None:
        for line in victim.stderr:  # type: ignore[union-attr]
            said.append(line)
            found = PAGES.search(line)
            if found:
                progress.append(int(found[1]))

    reader = threading.Thread(target=read_progress, daemon=True)
    reader.start()
    # generous bounds: on a loaded machine the process alone took over 60 s to start
    try:
        running = wait_for("a running run record", lambda: [r for r in runs(config)
                                                            if r.status == "running"], timeout=180)
        wait_for("pages fetched", lambda: progress and progress[-1] >= 10, timeout=180)
    except AssertionError as failed:
        victim.kill()  # not left crawling on into the next tests, nor found by their gc
        victim.wait(timeout=30)
        raise AssertionError(f"{failed}; the victim said:\n{''.join(said[-40:])}") from None
    tree = [victim.pid, *descendants(victim.pid)]
    os.kill(victim.pid, signal.SIGKILL)
    assert victim.wait(timeout=30) == -signal.SIGKILL
    reader.join(timeout=10)
    victim.stderr.close()

    [killed] = running
    assert not killed.is_baseline
    # nothing of the killed snapshot is in the store, not even past the visibility filter
    assert raw_count(store_file, "indicators", killed.snapshot_id) == 0
    assert raw_count(store_file, "fingerprints", killed.snapshot_id) == 0
    assert totals(config, killed.snapshot_id) == {}
    # the kernel let go of the lock with the process; nothing it started lives on
    assert holder(lock_path(loaded(config))) is None
    wait_for("the killed tree to be gone", lambda: not [p for p in tree if alive(p)], timeout=10)

    # the next start of `serve` records the run as failed, with its reason
    serve = Serve(config, tmp_path / "serve.log")
    try:
        wait_for("serve to start", lambda: "serving 0 job(s)" in serve.output(), timeout=60)
    finally:
        assert serve.stop() == 0
    assert f"snapshot {killed.snapshot_id} was interrupted" in serve.output()
    record = {r.snapshot_id: r for r in runs(config)}[killed.snapshot_id]
    assert (record.status, record.reason) == ("failed", INTERRUPTED)
    assert record.finished_at

    # the next snapshot is compared with the baseline as if the crash never happened
    set_crawl(config, delay_s=0)
    after = run_snapshot(config, job_id="weekly")
    assert after.outcome == "complete"
    assert not tempdirs(victim.pid), "the killed process's RAM directory was swept"
    truth = compute_truth(m, day=7, baseline_day=0)
    found = totals(config, after.snapshot_id)
    assert found["unique", "count"] == truth.unique[SITE]
    assert found["unique", "new_vs_baseline"] == truth.new_vs_baseline[SITE]
    assert found["unique", "still_vs_baseline"] == truth.still_vs_baseline[SITE]
    assert found["unique", "gone_vs_baseline"] == truth.gone_vs_baseline[SITE]
    assert truth.new_vs_baseline[SITE] > 0 and truth.gone_vs_baseline[SITE] > 0
    statuses = [(r.snapshot_id, r.status) for r in runs(config)]
    assert statuses == [(baseline.snapshot_id, "complete"), (killed.snapshot_id, "failed"),
                        (after.snapshot_id, "complete")]


@pytest.mark.browser
def test_a_snapshot_killed_while_chromium_renders_leaves_no_process_or_profile(
        market: tuple[Market, MarketServer], tmp_path: Path) -> None:
    _, server = market
    config = scheduled_config(tmp_path, server.url, browser=True, delay_s=0.05)
    victim = subprocess.Popen([sys.executable, "-m", "scheduler.snapshot_process", "--config",
                               str(config), "--quiet"], stderr=subprocess.DEVNULL, cwd=REPO)

    def chromium_running() -> list[int]:
        tree = descendants(victim.pid)
        names = []
        for pid in tree:
            try:
                names.append(Path(f"/proc/{pid}/comm").read_text().strip())
            except OSError:
                pass
        return tree if sum(n.startswith("chrom") for n in names) >= 2 else []

    tree = wait_for("Chromium to render", chromium_running, timeout=90, every=0.2)
    assert tempdirs(victim.pid), "the snapshot's RAM directory exists while it runs"
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=30)

    # Playwright's driver sees its pipe close and takes Chromium with it
    wait_for("the killed tree to be gone", lambda: not [p for p in tree if alive(p)], timeout=20)
    assert [r.status for r in runs(config)] == ["running"]
    serve = Serve(config, tmp_path / "serve.log")
    try:
        wait_for("serve to start", lambda: "serving 0 job(s)" in serve.output(), timeout=60)
    finally:
        assert serve.stop() == 0
    assert not tempdirs(victim.pid), "the next start removed Chromium's profile from RAM"
    assert [r.status for r in runs(config)] == ["failed"]
