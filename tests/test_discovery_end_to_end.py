"""Site discovery on the demo market, with real parts: a real Scrapy crawl of the
server-rendered demo sites on 127.0.0.1 in the snapshot subprocess, a real SQLite store,
`adcensus discover` as a person runs it, and a draft that `adcensus sites validate`
accepts once completed."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from crawler.cli import main
from crawler.demo_market.elsewhere import BOOKING, CHAT, LINKED_ABOVE_FLOOR, PERSONAL, SUPPORT
from crawler.demo_market.generator import generate
from crawler.demo_market.market import Market
from crawler.demo_market.server import MarketServer
from crawler.store import open_store
from crawler.vocabulary import Breakdown
from scheduler.runner import run_snapshot
from tests.conftest import SITES, write_config

pytestmark = pytest.mark.slow

HTTP_SITES = ["annonstavlan", "radannonsen", "visitkortet"]
TAKEN = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


@pytest.fixture
def market() -> Iterator[tuple[Market, MarketServer]]:
    m = generate(seed=7, listings=240)
    with MarketServer(m) as server:
        yield m, server


def config_for(tmp_path: Path, url: str, enabled: list[str] = HTTP_SITES,
               browser: bool = False) -> Path:
    # a sites dir of its own (with its bases): adopt writes its draft there
    sites = tmp_path / "sites"
    shutil.copytree(SITES, sites)
    path = write_config(tmp_path, url, sites_dir=sites, browser=browser)
    data = yaml.safe_load(path.read_text())
    data["sites"]["enabled"] = enabled
    data["discovery"] = {"min_advertisers": 5}
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def linked(store_path: Path) -> dict[tuple[str, str, str, str], int]:
    with open_store(f"sqlite:///{store_path}") as store:
        return {(i.snapshot_id, i.scope, i.level, i.category): i.value
                for i in store.indicators(breakdown=Breakdown.LINKED_DOMAIN)}


def test_linked_domains_found_ranked_and_adopted(market: tuple[Market, MarketServer],
                                                 tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    m, server = market
    config = config_for(tmp_path, server.url)
    assert run_snapshot(config, quiet=True, taken_at=TAKEN).exit_code == 0
    m.advance(7)
    assert run_snapshot(config, quiet=True,
                        taken_at=TAKEN.replace(day=9)).exit_code == 0

    cells = linked(tmp_path / "store.sqlite")
    snapshots = sorted({c[0] for c in cells})
    assert len(snapshots) == 2
    latest = {c[1:]: v for c, v in cells.items() if c[0] == snapshots[-1]}
    named = {category for (_, _, category) in latest}
    # the footer's support service (every site's own pages), the booking app and the chat
    # channel (many advertisers' listings) are found, by registrable domain
    assert named == {*LINKED_ABOVE_FLOOR, "(other domains)"}
    for site in HTTP_SITES:
        assert ("all", "advertisers", SUPPORT) in latest
        assert (site, "unique", SUPPORT) in latest
    # the footer is the sites' own, not their listings': no advertiser links to it
    assert latest["all", "advertisers", SUPPORT] == 0
    assert latest["all", "advertisers", BOOKING] >= 5
    assert latest["all", "advertisers", CHAT] >= 5
    # the one listing's own page is counted among the others, never named
    assert latest["all", "unique", "(other domains)"] >= 1

    # it appears in no sink: the store file, the data directory, the logs
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert PERSONAL.encode() not in path.read_bytes(), path

    assert main(["discover", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert PERSONAL not in out
    rows = [line.split()[0] for line in out.splitlines() if line.endswith(".test")
            or re.match(r"^\S+\.test\s", line)]
    # ranked by sites linking, then advertisers: the booking app and the footer's domain
    # are on all three sites, the booking app in many advertisers' listings, the footer
    # in none (it is the sites' own); the chat channel on one site
    assert rows == [BOOKING, SUPPORT, CHAT] and set(rows) == set(LINKED_ABOVE_FLOOR)
    support = next(line for line in out.splitlines() if line.startswith(SUPPORT))
    assert support.split()[2:4] == ["3", "0"]  # three monitored sites, no advertiser
    for line in out.splitlines():
        if line.split() and line.split()[0] in LINKED_ABOVE_FLOOR:
            assert line.split()[1] in ("new", "rising")

    assert main(["discover", "dismiss", CHAT, "--config", str(config)]) == 0
    assert main(["discover", "adopt", BOOKING, "--config", str(config)]) == 0
    capsys.readouterr()
    assert main(["discover", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert CHAT not in out.split("\n\n")[1]  # dismissed: hidden unless --all
    assert re.search(rf"^{re.escape(BOOKING)}\s+monitored\s", out, re.MULTILINE)
    assert main(["discover", "--all", "--config", str(config)]) == 0
    assert re.search(rf"^{re.escape(CHAT)}\s+dismissed\s", capsys.readouterr().out, re.MULTILINE)

    draft = tmp_path / "sites" / "bokningsappen.yaml.draft"
    assert draft.exists()
    # the draft fails validation until its TODOs are done, and snapshots ignore it
    assert main(["sites", "validate", str(draft)]) != 0
    assert main(["sites", "validate", "--config", str(config)]) == 0
    text = draft.read_text()
    text = text.replace("kind: TODO", "kind: ad_board")
    text = re.sub(r'items: "<TODO[^"]*>"', 'items: "li.ad"', text)
    text = re.sub(r'link: "<TODO[^"]*>"', 'link: "a::attr(href)"', text)
    text = re.sub(r'next_page: "<TODO[^"]*>"', 'next_page: "a.next::attr(href)"', text)
    text = text.replace('"<TODO>"', '".field::text"')
    draft.write_text(text)
    capsys.readouterr()
    assert main(["sites", "validate", str(draft)]) == 0, capsys.readouterr().err


@pytest.mark.browser
def test_links_are_read_from_pages_built_by_javascript(market: tuple[Market, MarketServer],
                                                       tmp_path: Path) -> None:
    """The sugardating feed is written by JavaScript from JSON, scrolled to its end in
    Chromium: its footer and its posts' links are read from the rendered page."""
    m, server = market
    config = config_for(tmp_path, server.url, ["annonstavlan", "dejtflodet"], browser=True)
    assert run_snapshot(config, quiet=True, taken_at=TAKEN).exit_code == 0
    cells = {key[1:]: v for key, v in linked(tmp_path / "store.sqlite").items()}
    assert ("dejtflodet", "unique", SUPPORT) in cells  # its own page's footer
    posts = m.live_hits("dejtflodet")
    linking = {m.posting(h.listing_id).website.split("/")[2].removeprefix("m.")
               for h in posts if m.posting(h.listing_id).website}
    assert linking, "the feed's posts link out"
    for domain in linking & {BOOKING, CHAT}:
        if ("all", "advertisers", domain) in cells:
            assert cells["dejtflodet", "unique", domain] > 0
    assert any(("dejtflodet", "unique", d) in cells for d in (BOOKING, CHAT))
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert PERSONAL.encode() not in path.read_bytes(), path


def test_links_are_read_from_a_json_apis_items(market: tuple[Market, MarketServer],
                                               tmp_path: Path) -> None:
    """Kontaktnavet is read from its JSON API: a URL among an item's values is its link,
    counted for the domain with the listing, as a link on a page would be."""
    m, server = market
    config = config_for(tmp_path, server.url, ["annonstavlan", "kontaktnavet"])
    assert run_snapshot(config, quiet=True, taken_at=TAKEN).exit_code == 0
    cells = {key[1:]: v for key, v in linked(tmp_path / "store.sqlite").items()}
    linking = {m.posting(h.listing_id).website.split("/")[2].removeprefix("m.")
               for h in m.live_hits("kontaktnavet") if m.posting(h.listing_id).website}
    assert linking, "the API's items link out"
    # a domain named in the store (above the floor) counts kontaktnavet's listings too
    named = [d for d in linking if ("all", "advertisers", d) in cells]
    assert named
    for domain in named:
        assert cells["kontaktnavet", "unique", domain] > 0
