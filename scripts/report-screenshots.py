"""Screenshots of the weekly county report for docs/: the HTML as Chromium shows it and
the PDF's first page. Run after `adcensus demo --snapshots 4` (a month of weekly
snapshots of the synthetic market):

    .venv/bin/python scripts/report-screenshots.py adcensus-data/reports/veckorapport-2026-W48-SE-AB
"""

from __future__ import annotations

import sys
from pathlib import Path

import pypdfium2
from playwright.sync_api import sync_playwright

DOCS = Path(__file__).resolve().parent.parent / "docs" / "images"


def main(stem: str) -> None:
    html, pdf = Path(f"{stem}.html"), Path(f"{stem}.pdf")
    DOCS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page(viewport={"width": 900, "height": 1400})
        page.goto(html.resolve().as_uri())
        page.screenshot(path=DOCS / "weekly-report-html.png")
        browser.close()
    document = pypdfium2.PdfDocument(pdf)
    document[0].render(scale=1.4).to_pil().save(DOCS / "weekly-report-pdf.png")
    document.close()
    print(DOCS / "weekly-report-html.png", DOCS / "weekly-report-pdf.png")


if __name__ == "__main__":
    main(sys.argv[1])
