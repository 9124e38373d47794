"""The terminal summary: one row per site and the total, the counties in a table of their
own, every count as the protection publishes it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from crawler.config import load_config
from crawler.keys import KeyRing
from crawler.listing import Listing
from crawler.normalise.geography import COUNTIES
from crawler.protection import protection_for
from crawler.records import SiteRun
from crawler.report.console import COLUMNS, COUNTY_COLUMNS, summary
from crawler.snapshot import Snapshot
from crawler.store import open_store
from tests.conftest import write_config

TAKEN = datetime(2026, 11, 11, 12, tzinfo=UTC)
# two sites, localities in three län (Skåne, Stockholm, Västra Götaland) and one unknown
SITES = {"annonstavlan": {"Malmö": 6, "Lund": 3, "Solna": 5, "atlantis": 2},
         "radannonsen": {"Göteborg": 4, "Malmö": 2}}


def summary_lines(tmp_path: Path) -> list[str]:
    loaded = load_config(write_config(tmp_path, "http://127.0.0.1:9", browser=False))
    listings = {site: [Listing(site, "ad_board",
                               {"text": f"a neutral synthetic text {site} {place} {n}",
                                "locality": place})
                       for place, size in places.items() for n in range(size)]
                for site, places in SITES.items()}
    with open_store(loaded.store_url) as store:
        snap = Snapshot(store, KeyRing(loaded.keys_dir), 91, "h", now=TAKEN)
        snap.begin()
        snap.finish(listings, [SiteRun(site, "ad_board", "ok", pages=1, items=len(batch))
                               for site, batch in listings.items()], finished=TAKEN)
        return summary(store, protection=protection_for(loaded)).splitlines()


def test_the_site_table_has_one_row_per_site_and_the_total_and_no_county(tmp_path) -> None:
    lines = summary_lines(tmp_path)
    header = next(n for n, line in enumerate(lines) if line.startswith("site "))
    rows = [line.split()[0] for line in lines[header + 2:header + 5]]
    assert rows == ["annonstavlan", "radannonsen", "all"]
    assert not any("county:" in line for line in lines)


def test_the_counties_are_a_table_of_their_own_named_as_people_read_them(tmp_path) -> None:
    lines = summary_lines(tmp_path)
    header = next(n for n, line in enumerate(lines) if line.startswith("county (län)"))
    assert header > next(n for n, line in enumerate(lines) if line.startswith("all "))
    rows = []
    for line in lines[header + 2:]:
        if not line.strip():
            break
        rows.append(line[:28].strip())
    # every län, in SCB's order (länskod), a county without listings too: a zero is a
    # count like any other, published by the protection
    assert rows == [county.name for county in COUNTIES]
    # the site table's columns less hits: unique, distinct, advertisers, new, gone...
    skane = next(line for line in lines[header + 2:] if line.startswith("Skåne län"))
    cells = skane[28:].split()
    assert len(cells) == len(COUNTY_COLUMNS) == len(COLUMNS) - 1
    assert cells[0] != "-"
