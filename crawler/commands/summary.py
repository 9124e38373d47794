"""``adcensus summary``: the latest snapshot's counts in the terminal."""

from __future__ import annotations

import argparse
from pathlib import Path


def add(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "summary", help="print the latest snapshot's counts",
        description="Counts per site and locality of the latest snapshot, new and gone "
        "against the baseline.")
    parser.add_argument("--config", type=Path, default=Path("adcensus.yaml"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from crawler.config import load_config
    from crawler.protection import protection_for
    from crawler.report.console import summary
    from crawler.store import open_store

    loaded = load_config(args.config)
    with open_store(loaded.store_url) as store:
        print(summary(store, protection=protection_for(loaded)))
    return 0
