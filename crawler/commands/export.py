"""``adcensus export``: tidy tables of a period's indicators for researchers
(crawler/export/, docs/EXPORTS.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _day(text: str) -> object:
    from crawler.export import parse_day

    try:
        return parse_day(text)
    except ValueError as exc:  # argparse names the option: "argument --from: ..."
        raise argparse.ArgumentTypeError(str(exc)) from None


def add(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "export", help="write a period's indicators as CSV or Parquet, with a codebook",
        description="Write the indicators of every complete or partial snapshot taken in a "
        "period as tidy tables (one row per snapshot, scope, level, measure, breakdown and "
        "category), a table of what each snapshot did per site, a codebook of every column "
        "and category, and a README on the method. Every count is published by the cell key "
        "method (a small, fixed noise per count; docs/PRIVACY.md); the store keeps the exact "
        "counts. Files are written whole or not at all.",
        epilog="Example: adcensus export --from 2026-01-01 --to 2026-11-30 --format parquet")
    parser.add_argument("--config", type=Path, default=Path("adcensus.yaml"))
    parser.add_argument("--from", dest="start", type=_day, metavar="YYYY-MM-DD",
                        help="first day (UTC) of the period, included (default: the first "
                        "snapshot)")
    parser.add_argument("--to", dest="end", type=_day, metavar="YYYY-MM-DD",
                        help="last day (UTC) of the period, included (default: the last "
                        "snapshot)")
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv",
                        help="the tables' format (default csv; the codebook is always CSV)")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="directory to write to (made if missing; default "
                        "adcensus-export-<from>-<to> in the current directory)")
    parser.add_argument("--force", action="store_true",
                        help="replace the files of an earlier export in DIR")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from crawler.config import load_config
    from crawler.export import ExportError, Period, Request, export
    from crawler.protection import protection_for
    from crawler.store import SQLITE, open_store

    try:
        period = Period(args.start, args.end)
    except ValueError as exc:
        raise ExportError(str(exc)) from None
    loaded = load_config(args.config)
    url = loaded.store_url
    if url.startswith(SQLITE) and not Path(url[len(SQLITE):]).exists():
        # an export reads; it does not make an empty store where none was
        raise ExportError(f"no store at {url[len(SQLITE):]}: take a snapshot first "
                          "(`adcensus snapshot`)")
    request = Request(period, args.format, args.out, args.force)
    with open_store(url) as store:
        result = export(store, request, protection_for(loaded),
                        sites={s.name: s.kind for s in loaded.sites},
                        window_days=loaded.config.baseline.window_days,
                        progress=lambda line: print(line, file=sys.stderr))
    print(f"wrote {result.directory}: {result.snapshots} snapshot(s), "
          f"{result.indicator_rows} indicator rows, {result.run_rows} run rows")
    for path in result.files:
        print(f"  {path}")
    return 0
