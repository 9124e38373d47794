"""``adcensus overview``: the national overview, comparable to the 2020 mapping's tables."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path


def add(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "overview", help="national tables comparable to the 2020 mapping",
        description="Sites, ads vs. profiles, localities, gender, age, orientation, "
        "nationality, language and ethnicity for one snapshot (default: the latest) or a "
        "period, at the unique, distinct and advertiser levels, as counts and shares beside "
        "the 2020 mapping's figures. Counts are published by the cell key method, as in every "
        "output. See docs/REPORTS.md.")
    parser.add_argument("--config", type=Path, default=Path("adcensus.yaml"))
    parser.add_argument("--snapshot", metavar="ID", help="a snapshot id (default: the latest)")
    parser.add_argument("--from", dest="start", metavar="DATE",
                        help="first day of a period, YYYY-MM-DD (UTC)")
    parser.add_argument("--to", dest="end", metavar="DATE",
                        help="last day of a period, YYYY-MM-DD (UTC), included")
    parser.add_argument("--format", choices=("text", "html", "csv"), default="text")
    parser.add_argument("--out", type=Path, metavar="PATH",
                        help="write to this file (default: standard output)")
    parser.add_argument("--top", type=int, default=20, metavar="N",
                        help="localities, nationalities and languages listed (default 20)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from crawler.config import load_config
    from crawler.protection import protection_for
    from crawler.report.overview import OverviewError, build
    from crawler.report.overview_render import render
    from crawler.store import open_store

    start, end = _day(args.start, "--from"), _day(args.end, "--to")
    if args.snapshot is not None and (start or end):
        raise OverviewError("give either --snapshot or a period (--from/--to), not both")
    if args.top < 1:
        raise OverviewError("--top must be 1 or more")
    if args.out is not None and not args.out.parent.is_dir():
        raise OverviewError(f"{args.out.parent}: no such directory")
    loaded = load_config(args.config)
    with open_store(loaded.store_url) as store:
        overview = build(store, protection_for(loaded), args.snapshot, start, end, args.top)
    output = render(overview, args.format)
    if args.out is None:
        sys.stdout.write(output)
    else:
        args.out.write_text(output, encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


def _day(value: str | None, option: str) -> date | None:
    from crawler.report.overview import OverviewError

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise OverviewError(f"{option} {value!r} is not a date (YYYY-MM-DD)") from None
