"""Real crawls of the demo market with faults injected: the snapshot finishes, healthy
sites still match the ground truth, and the run record names each fault."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from crawler.demo_market.generator import generate
from crawler.demo_market.market import Market
from crawler.demo_market.server import MarketServer
from crawler.demo_market.truth import compute_truth
from crawler.store import open_store
from scheduler.runner import run_snapshot
from tests.conftest import write_config

pytestmark = [pytest.mark.slow, pytest.mark.browser]
BOARD = "annonstavlan"


@pytest.fixture
def market() -> Iterator[tuple[Market, MarketServer]]:
    m = generate(seed=21, listings=120)
    with MarketServer(m) as server:
        yield m, server


def config(tmp_path: Path, url: str, sites: list[str], **crawl: object) -> Path:
    path = write_config(tmp_path, url, retry_backoff_s=0.05, **crawl)
    data = yaml.safe_load(path.read_text())
    data["sites"]["enabled"] = sites
    path.write_text(yaml.safe_dump(data))
    return path


def latest(tmp_path: Path) -> tuple[object, dict[tuple[str, str, str], int], dict[str, object]]:
    with open_store(f"sqlite:///{tmp_path / 'store.sqlite'}") as store:
        run = store.runs()[-1]
        rows = {(i.scope, i.level, i.measure): i.value
                for i in store.indicators(snapshot_id=run.snapshot_id, breakdown="total")}
    return run, rows, {s.site: s for s in run.sites}


def test_passing_faults_are_retried_and_cost_nothing(market: tuple[Market, MarketServer],
                                                     tmp_path: Path) -> None:
    m, server = market
    server.faults.set(BOARD, too_many=1, passing_500=0.3, slow_s=0.02)
    assert run_snapshot(config(tmp_path, server.url, [BOARD, "sockerdejt"]), quiet=True).exit_code == 0
    run, rows, sites = latest(tmp_path)
    truth = compute_truth(m, 0)
    assert rows[BOARD, "unique", "count"] == truth.unique[BOARD]
    assert rows["sockerdejt", "unique", "count"] == truth.unique["sockerdejt"]
    # every page was asked to wait once, and answered: recovered, none lost
    recovered = sites[BOARD].recovered
    assert recovered["http_429"] >= truth.hits[BOARD]
    assert sites[BOARD].lost == {}


def test_lasting_faults_cost_their_pages_and_are_named(market: tuple[Market, MarketServer],
                                                       tmp_path: Path) -> None:
    m, server = market
    faults = server.faults.set(BOARD, lasting_500=0.08, drop=0.08, truncate=0.08,
                               redirect_loop=0.08)
    assert run_snapshot(config(tmp_path, server.url, [BOARD, "sockerdejt"]), quiet=True).exit_code == 0
    run, rows, sites = latest(tmp_path)
    lasting = ("lasting_500", "drop", "truncate", "redirect_loop")
    # a posting is lost when every one of its hits is on a failing page
    reachable = {h.listing_id for h in m.live_hits(BOARD, 0) if not any(
        faults.picks(fault, f"/sites/{BOARD}/annons/{h.hit_id}") for fault in lasting)}
    assert reachable and len(reachable) < compute_truth(m, 0).unique[BOARD]
    assert rows[BOARD, "unique", "count"] == len(reachable)
    assert rows["sockerdejt", "unique", "count"] == compute_truth(m, 0).unique["sockerdejt"]
    errors = sites[BOARD].lost
    # a cut connection and a cut body both reach Scrapy as a response that lost data
    for reason in ("http_500", "truncated_response", "too_many_redirects"):
        assert errors.get(reason, 0) >= 1, (reason, errors)
    assert not any(r.startswith("recovered_") for r in errors)


def test_layout_change_is_unhealthy_not_zero(market: tuple[Market, MarketServer],
                                             tmp_path: Path) -> None:
    m, server = market
    path = config(tmp_path, server.url, [BOARD, "sockerdejt"])
    for _ in range(2):
        assert run_snapshot(path, quiet=True).exit_code == 0
    server.faults.set(BOARD, layout_changed=True)
    assert run_snapshot(path, quiet=True).exit_code == 3  # partial
    run, rows, sites = latest(tmp_path)
    assert sites[BOARD].health == "unhealthy"
    assert "unhealthy_items_fell" in sites[BOARD].errors
    assert run.status == "partial" and "unhealthy: annonstavlan" in run.reason
    with open_store(f"sqlite:///{tmp_path / 'store.sqlite'}") as store:
        board = store.indicators(snapshot_id=run.snapshot_id, scope=BOARD)
        other = store.indicators(snapshot_id=run.snapshot_id, scope="sockerdejt")
    assert board and not any(i.comparable for i in board)
    assert other and all(i.comparable for i in other)
    assert rows["sockerdejt", "unique", "count"] == compute_truth(m, 0).unique["sockerdejt"]


def test_a_browser_page_that_never_finishes(market: tuple[Market, MarketServer],
                                            tmp_path: Path) -> None:
    m, server = market
    server.faults.set("profilkatalogen", script_hangs=True)
    path = config(tmp_path, server.url, [BOARD, "profilkatalogen"], download_timeout_s=3,
                  retries=0)
    assert run_snapshot(path, quiet=True).exit_code == 3
    run, rows, sites = latest(tmp_path)
    assert sites["profilkatalogen"].health == "failed"
    assert sites["profilkatalogen"].errors.get("browser_timeout", 0) >= 1
    assert rows[BOARD, "unique", "count"] == compute_truth(m, 0).unique[BOARD]
