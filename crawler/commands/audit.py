"""``adcensus audit``: the auditor's one command (crawler/audit/)."""

from __future__ import annotations

import argparse
from pathlib import Path

EXIT_PASS, EXIT_FAIL = 0, 1


def add(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "audit", help="check that only aggregated indicators are kept",
        description="List every table or index and field the store holds, and check that "
        "nothing but the three record types is kept, that fingerprints and keys exist only "
        "for the live baseline window, and that no file under the data, log and temporary "
        "directories holds page content. Reads only; writes nothing. Exit status: 0 pass, "
        "1 fail, 2 bad configuration. See docs/PRIVACY.md.")
    parser.add_argument("--config", type=Path, default=Path("adcensus.yaml"))
    parser.add_argument("--json", action="store_true",
                        help="print the report as JSON (a record to keep)")
    parser.add_argument("--scan", type=Path, action="append", default=[], metavar="PATH",
                        help="also read this file or directory, as logs (repeatable), e.g. "
                        "a journal export: journalctl -u adcensus > adcensus-journal.log")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from crawler.audit import run_audit
    from crawler.config import load_config

    report = run_audit(load_config(args.config), extra_paths=args.scan)
    print(report.to_json() if args.json else report.render())
    return EXIT_PASS if report.passed else EXIT_FAIL
