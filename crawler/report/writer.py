"""Writing the weekly county reports: an HTML file and a PDF per län, each whole or not
at all (``crawler.files``), built before anything is written."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from contextlib import nullcontext
from functools import partial
from pathlib import Path

from crawler.files import staging, write_atomically
from crawler.normalise.geography import County
from crawler.protection import Protection
from crawler.report.html import render
from crawler.report.pdf import Printer
from crawler.report.weekly import build
from crawler.report.weeks import Week
from crawler.store.base import Store


def write_reports(store: Store, counties: Sequence[County], week: Week, protection: Protection,
                  out: Path, executable: str | None, pdf: bool = True) -> list[Path]:
    """The reports of ``counties`` for ``week`` in ``out``: the paths written, in order."""
    # every report is built before anything is written: a bad week fails all at once
    pages = [(county, render(build(store, county, week, protection))) for county in counties]
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    written = []
    with Printer(executable) if pdf else nullcontext() as printer:
        for n, (county, html) in enumerate(pages, 1):
            stem = f"veckorapport-{week.label}-{county.iso}"
            target = out / f"{stem}.html"
            write_atomically(target, html.encode("utf-8"))
            written.append(target)
            if printer is None:
                continue
            if len(pages) > 1:
                print(f"[{n}/{len(pages)}] {county.name}", file=sys.stderr, flush=True)
            errors: list[str] = []
            with staging(out) as stage:
                stage.write(f"{stem}.pdf", partial(_print, printer, html, errors))
                written.extend(stage.commit())
            for error in errors:
                print(f"adcensus: {target.name}: the page reported: {error}", file=sys.stderr)
    return written


def _print(printer: Printer, html: str, errors: list[str], target: Path) -> None:
    errors.extend(printer.print(html, target))
