"""``adcensus serve``: run the schedule until stopped."""

from __future__ import annotations

import argparse
from pathlib import Path


def add(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "serve", help="run the scheduled jobs until SIGTERM or SIGINT",
        description="The long-running scheduler (docs/OPERATIONS.md). Each snapshot runs in "
        "its own process within schedule.time_budget_s. On SIGTERM or SIGINT no new job "
        "starts and a running snapshot has schedule.stop_grace_s to finish; then, or on a "
        "second signal, it is cancelled and its run recorded as failed with the reason.")
    parser.add_argument("--config", type=Path, default=Path("adcensus.yaml"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from crawler.config import load_config
    from crawler.logsafety import install_root_handler
    from scheduler.service import serve

    loaded = load_config(args.config)
    install_root_handler("INFO")
    return serve(loaded)
