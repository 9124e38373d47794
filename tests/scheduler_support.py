"""Helpers for the scheduler tests: configs with a schedule section, real `serve`
processes with their output in files, and waiting on real state with a deadline."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml

from crawler.config import LoadedConfig, load_config
from crawler.records import RunRecord
from crawler.store import open_store
from tests.conftest import write_config

T = TypeVar("T")
REPO = Path(__file__).resolve().parent.parent


def scheduled_config(directory: Path, base_url: str, schedule: dict[str, Any] | None = None,
                     **crawl: object) -> Path:
    """The demo market's config (plain HTTP only: fast) with a ``schedule:`` section."""
    path = write_config(directory, base_url, **{"browser": False, **crawl})
    data = yaml.safe_load(path.read_text())
    data["schedule"] = {"stop_grace_s": 30, **(schedule or {})}
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def set_crawl(config: Path, **crawl: object) -> None:
    data = yaml.safe_load(config.read_text())
    data["crawl"].update(crawl)
    config.write_text(yaml.safe_dump(data, sort_keys=False))


def loaded(config: Path) -> LoadedConfig:
    return load_config(config)


def runs(config: Path) -> list[RunRecord]:
    with open_store(load_config(config).store_url) as store:
        return store.runs()


def raw_count(store_file: Path, table: str, snapshot_id: str) -> int:
    """Rows of a snapshot in a store table, read past the store's visibility filter."""
    db = sqlite3.connect(store_file)
    try:
        return db.execute(f"SELECT COUNT(*) FROM {table} WHERE snapshot_id = ?",
                          (snapshot_id,)).fetchone()[0]
    finally:
        db.close()


def wait_for(what: str, check: Callable[[], T], timeout: float = 60.0, every: float = 0.1) -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)


class Serve:
    """A real `adcensus serve` process; its output goes to a file read while it runs."""

    def __init__(self, config: Path, log: Path) -> None:
        self.log = log
        self._out = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", "serve", "--config", str(config)],
            stdout=self._out, stderr=subprocess.STDOUT, cwd=REPO, start_new_session=True)

    def output(self) -> str:
        return self.log.read_text()

    def stop(self, timeout: float = 60.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        finally:
            self._out.close()

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self._out.close()
