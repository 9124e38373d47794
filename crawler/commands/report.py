"""``adcensus report``: the weekly county summary in Swedish, as HTML and PDF."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path


def add(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "report", help="write the weekly county summary (Swedish, HTML and PDF)",
        description="The weekly summary for one län, in Swedish, for the county coordinators: "
        "counts for the län and each kommun and ort against last week and the baseline, new "
        "and gone listings, sites, languages, gender, age bands, stated ages under 18, site "
        "health caveats, trend charts and a method note. Every count is published by the cell "
        "key method (privacy: in adcensus.yaml); whether a listing stated an age under 18 is "
        "shown exactly. Writes a self-contained HTML file and a PDF "
        "printed by Chromium into --out (default: <data_dir>/reports).")
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


def write_reports(store, counties, week, protection, out: Path,  # type: ignore[no-untyped-def]
                  executable: str | None, pdf: bool = True) -> list[Path]:
    from contextlib import nullcontext

    from crawler.report.html import render
    from crawler.report.pdf import Printer
    from crawler.report.weekly import build

    # every report is built before anything is written: a bad week fails all at once
    pages = [(county, render(build(store, county, week, protection))) for county in counties]
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    written = []
    with Printer(executable) if pdf else nullcontext() as printer:
        for n, (county, html) in enumerate(pages, 1):
            stem = f"veckorapport-{week.label}-{county.iso}"
            target = out / f"{stem}.html"
            _write_atomically(target, html.encode("utf-8"))
            written.append(target)
            if printer is None:
                continue
            if len(pages) > 1:
                print(f"[{n}/{len(pages)}] {county.name}", file=sys.stderr, flush=True)
            with tempfile.NamedTemporaryFile(dir=out, prefix=f".{stem}-", suffix=".pdf",
                                             delete=False) as tmp:
                pass
            try:
                errors = printer.print(html, Path(tmp.name))
                os.replace(tmp.name, out / f"{stem}.pdf")
            finally:
                Path(tmp.name).unlink(missing_ok=True)
            for error in errors:
                print(f"adcensus: {target.name}: the page reported: {error}", file=sys.stderr)
            written.append(out / f"{stem}.pdf")
    return written


def _write_atomically(target: Path, data: bytes) -> None:
    """A crash leaves the old file or the new one, never half of one."""
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}-",
                                     delete=False) as tmp:
        tmp.write(data)
    os.replace(tmp.name, target)
