"""``adcensus status``: the schedule, the latest runs and snapshots, and warnings."""

from __future__ import annotations

import argparse
from pathlib import Path


def add(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "status", help="the schedule, the latest snapshots per site, and warnings",
        description="Jobs and their next run times, the scheduler's latest runs, the latest "
        "snapshots with each site's health (counts from the run records), and warnings: "
        "failed or skipped runs, unhealthy sites, a baseline window (and its key) ending "
        "soon, a job that is overdue.")
    parser.add_argument("--config", type=Path, default=Path("adcensus.yaml"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from crawler.config import load_config
    from scheduler.status import gather, render

    loaded = load_config(args.config)
    print(render(gather(loaded), str(args.config)))
    return 0
