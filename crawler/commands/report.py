"""``adcensus report``: the weekly county summary in Swedish, as HTML and PDF."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path


def add(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "report", help="write the weekly county summary (Swedish, HTML and PDF)",
        description="The weekly summary for one län, in Swedish, for the county coordinators: "
        "counts for the län and each kommun and ort against last week and the baseline, new "
        "and gone listings, reposts with changes (edited, moved to another ort or site), "
        "sites, languages, gender, age bands, stated ages under 18, site health caveats, "
        "trend charts and a method note. Every count is published by the cell key method "
        "(privacy: in adcensus.yaml); whether a listing stated an age under 18 is shown "
        "exactly. Writes a self-contained HTML file and a PDF printed by Chromium into --out "
        "(default: <data_dir>/reports).")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--lan", metavar="LÄN",
                       help='the län: its name ("Västra Götalands län"), länskod ("14") or '
                       'ISO 3166-2 code ("SE-O")')
    which.add_argument("--all-lan", action="store_true", help="one report per län, all 21")
    parser.add_argument("--week", metavar="YYYY-Www",
                        help="ISO week, e.g. 2026-W47 (default: the last complete week)")
    parser.add_argument("--config", type=Path, default=Path("adcensus.yaml"))
    parser.add_argument("--out", type=Path, help="directory to write into")
    parser.add_argument("--no-pdf", action="store_true", help="write the HTML only (no browser)")
    parser.add_argument("--send", action="store_true",
                        help="then e-mail each report to its län's recipients (delivery: in "
                        "adcensus.yaml), once per län and week; exit 1 if one did not go out")
    parser.add_argument("--to", metavar="ADDRESS",
                        help="with --send: a test, to this one address only")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from crawler.config import load_config
    from crawler.errors import AdcensusError
    from crawler.protection import protection_for
    from crawler.report import lan
    from crawler.report.weeks import last_complete_week, parse_week
    from crawler.report.writer import write_reports
    from crawler.store import open_store

    loaded = load_config(args.config)
    tz = loaded.config.schedule.timezone
    week = parse_week(args.week, tz) if args.week else last_complete_week(datetime.now(UTC), tz)
    counties = list(lan.COUNTIES) if args.all_lan else [lan.resolve(args.lan)]
    protection = protection_for(loaded)
    out = args.out or loaded.reports_dir
    if (args.send or args.to) and out.resolve() != loaded.reports_dir:
        raise AdcensusError("--send sends what the reports directory holds: leave out --out")
    with open_store(loaded.store_url) as store:
        written = write_reports(store, counties, week, protection, out,
                                None if args.no_pdf else loaded.browser_executable(),
                                pdf=not args.no_pdf)
    for path in written:
        print(path)
    if args.send or args.to:
        from crawler.delivery.by_hand import send_by_hand

        return send_by_hand(loaded, counties, week, args.to)
    return 0
