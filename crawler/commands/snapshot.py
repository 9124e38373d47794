"""``adcensus snapshot``: one snapshot, in its own process."""

from __future__ import annotations

import argparse
import subprocess
import sys
from datetime import datetime
from pathlib import Path


def add(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "snapshot", help="crawl every enabled site once and store the indicators",
        description="Take one snapshot in a subprocess (listings live only in its memory). "
        "Exit status: 0 complete, 3 partial (a site failed), 1 failed, 2 bad configuration.")
    parser.add_argument("--config", type=Path, default=Path("adcensus.yaml"))
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.set_defaults(func=run)


def run_snapshot(config: Path, quiet: bool = False, taken_at: datetime | None = None) -> int:
    """Run one snapshot in its own process; returns its exit status. ``taken_at`` dates
    it on the demo market's clock (demo and tests only)."""
    command = [sys.executable, "-m", "scheduler.snapshot_process", "--config", str(config)]
    if quiet:
        command.append("--quiet")
    if taken_at is not None:
        command += ["--taken-at", taken_at.isoformat()]
    return subprocess.run(command, check=False).returncode


def run(args: argparse.Namespace) -> int:
    from crawler.config import load_config

    load_config(args.config)  # fail here, with the file and key named, before a process starts
    status = run_snapshot(args.config, args.quiet)
    if status in (0, 3):  # complete or partial: the same-day under-18 alerts (delivery:)
        from scheduler.delivery_worker import alert_latest

        alert_latest(str(args.config))
    return status
