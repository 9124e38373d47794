"""The memory watchdog: real process-tree memory, and a real crawl it stops."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import yaml

from crawler.demo_market.generator import generate
from crawler.demo_market.server import MarketServer
from crawler.store import open_store
from scheduler.runner import run_snapshot
from spiders.watchdog import tree_rss_bytes
from tests.conftest import write_config


def test_tree_memory_includes_children() -> None:
    alone = tree_rss_bytes()
    # a child that holds ~60 MB
    child = subprocess.Popen([sys.executable, "-c",
                              "b = bytearray(60_000_000); import time; time.sleep(30)"])
    try:
        time.sleep(1.5)
        assert tree_rss_bytes() - alone > 40_000_000
        assert tree_rss_bytes(child.pid) > 50_000_000
    finally:
        child.kill()
        child.wait()


def test_a_crawl_over_the_limit_is_stopped_and_recorded(tmp_path: Path) -> None:
    with MarketServer(generate(seed=3, listings=150)) as server:
        # a limit below what the process needs: the first check stops the crawl
        config = write_config(tmp_path, server.url, memory_limit_mb=1)
        data = yaml.safe_load(config.read_text())
        data["sites"]["enabled"] = ["annonstavlan"]
        config.write_text(yaml.safe_dump(data))
        server.faults.set("annonstavlan", slow_s=0.2)  # long enough for a check to run
        run_snapshot(config, quiet=True)
    with open_store(f"sqlite:///{tmp_path / 'store.sqlite'}") as store:
        [site] = store.runs()[-1].sites
    assert site.errors.get("closed_memory_limit") == 1
