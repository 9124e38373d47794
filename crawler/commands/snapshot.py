"""``adcensus snapshot``: one snapshot, in its own process."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "snapshot", help="crawl every enabled site once and store the indicators",
        description="Take one snapshot in a subprocess (listings live only in its memory), "
        "as a scheduled one: holding the store's snapshot lock, within schedule.time_budget_s, "
        "recorded in the run history (`adcensus status`). Exit status: 0 complete, 3 partial "
        "(a site failed), 1 failed, 2 bad configuration, 4 skipped (another snapshot of this "
        "store is running).")
    parser.add_argument("--config", type=Path, default=Path("adcensus.yaml"))
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from crawler.config import load_config
    from scheduler.runner import run_in_foreground

    load_config(args.config)  # fail here, with the file and key named, before a process starts
    outcome = run_in_foreground(args.config, job_id="snapshot", command="snapshot",
                                quiet=args.quiet)
    if not outcome.ran or outcome.exit_status is None or outcome.exit_status < 0:
        # the process did not run, or was killed: it could not say why itself
        print(f"adcensus: {outcome.reason or outcome.outcome}", file=sys.stderr)
    return outcome.exit_code
