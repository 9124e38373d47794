"""``adcensus demo``: the whole method on the synthetic market, start to summary."""

from __future__ import annotations

import argparse
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from crawler import __version__
from crawler.commands import positive

REPO_SITES = Path(__file__).resolve().parent.parent.parent / "sites"


def add(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "demo", help="run the whole method on the bundled synthetic market",
        description="Start the synthetic demo market on a free 127.0.0.1 port, take a baseline "
        "snapshot, advance the market by a week, take a second snapshot, print a summary, stop "
        "the market. The SQLite store is left in DATA_DIR/demo.sqlite.")
    parser.add_argument("--listings", type=positive, default=400,
                        help="unique listings live in the market at the baseline (default 400)")
    parser.add_argument("--seed", type=int, default=1, help="market seed (default 1)")
    parser.add_argument("--days", type=positive, default=7,
                        help="days the market advances between the snapshots (default 7)")
    parser.add_argument("--snapshots", type=positive, default=2,
                        help="snapshots to take, DAYS apart on the market's clock; the last is "
                        "dated now, the earlier ones as many days back (default 2)")
    parser.add_argument("--data-dir", type=Path, default=Path("adcensus-data"),
                        help="where the demo's store, keys and config go (default ./adcensus-data)")
    parser.add_argument("--store", default=None, metavar="URL",
                        help="store URL instead of DATA_DIR/demo.sqlite, e.g. "
                        "elasticsearch://127.0.0.1:9200 (its demo indices are emptied first)")
    parser.add_argument("--no-browser", action="store_true",
                        help="fetch the JavaScript sites without a browser (they then yield nothing)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from crawler.config import load_config
    from crawler.demo_market.generator import generate
    from crawler.demo_market.server import MarketServer
    from crawler.protection import protection_for
    from crawler.report.console import summary
    from crawler.store import open_store
    from scheduler.runner import run_snapshot

    started = time.monotonic()
    data_dir: Path = args.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    keys_dir = data_dir / "demo-keys"
    store_url = args.store or f"sqlite:///{data_dir / 'demo.sqlite'}"
    # each demo is its own window: an earlier demo's baseline would make nothing "new"
    _empty(store_url)
    shutil.rmtree(keys_dir, ignore_errors=True)

    print(f"generating a synthetic market: seed {args.seed}, {args.listings} listings", flush=True)
    market = generate(seed=args.seed, listings=args.listings)
    with MarketServer(market) as server:
        config_path = data_dir / "demo-adcensus.yaml"
        config_path.write_text(yaml.safe_dump(
            _config(server.url, store_url, data_dir, keys_dir, browser=not args.no_browser),
            sort_keys=False))
        load_config(config_path)
        print(f"demo market on {server.url}; config {config_path}", flush=True)
        # dated on the market's clock, so a week in the market is a week in the store
        # and the weekly report compares with the week before
        now = datetime.now(UTC)
        statuses = []
        for n in range(args.snapshots):
            if n:
                print(f"advancing the market by {args.days} days", flush=True)
                market.advance(args.days)
            taken = now - timedelta(days=args.days * (args.snapshots - 1 - n))
            statuses.append(run_snapshot(config_path, job_id="demo", quiet=False,
                                         taken_at=taken).exit_code)
    loaded = load_config(config_path)
    with open_store(store_url) as store:
        print()
        print(summary(store, protection=protection_for(loaded)))
        written = _county_report(store, loaded, pdf=not args.no_browser)
    for path in written:
        print(f"weekly county report (Swedish): {path}")
    print(f"\nstore: {store_url}  ({time.monotonic() - started:.0f} s)")
    return max(statuses)


def _county_report(store, loaded, pdf: bool) -> list[Path]:  # type: ignore[no-untyped-def]
    """The weekly report of the län with the most listings in the last snapshot."""
    from crawler.normalise.geography import COUNTIES
    from crawler.protection import protection_for
    from crawler.report.weekly import visible_runs
    from crawler.report.weeks import week_of
    from crawler.report.writer import write_reports

    runs = visible_runs(store)
    if not runs:
        return []
    latest = runs[-1]
    protection = protection_for(loaded)
    # chosen by the published counts, as a reader of the overview would choose it
    totals = {i.scope: protection.published(i) for i in store.indicators(
        snapshot_id=latest.snapshot_id, level="unique", measure="count", breakdown="total")}
    county = max(COUNTIES, key=lambda c: (totals.get(c.scope, 0), c.code))
    week = week_of(datetime.fromisoformat(latest.started_at), loaded.config.schedule.timezone)
    return write_reports(store, [county], week, protection, loaded.reports_dir,
                         loaded.browser_executable(), pdf=pdf)


def _empty(store_url: str) -> None:
    if store_url.startswith("sqlite:///"):
        path = Path(store_url[len("sqlite:///"):])
        for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            stale.unlink(missing_ok=True)
        return
    from crawler.store import open_store

    with open_store(store_url) as store:
        drop = getattr(store, "drop", None)
        if drop is not None:
            drop()


def _config(url: str, store_url: str, data_dir: Path, keys_dir: Path,
            browser: bool) -> dict[str, object]:
    return {
        "store": store_url,
        "data_dir": str(data_dir),
        "keys_dir": str(keys_dir),
        "sites": {"dir": str(REPO_SITES), "base_url": url},
        # the demo market is ours and local: no politeness delay needed
        "crawl": {"autothrottle": False, "delay_s": 0, "concurrency": 16,
                  "user_agent": f"adcensus/{__version__} demo", "browser": browser,
                  # the progress lines tell the story; Scrapy's INFO lines would bury them
                  "log_level": "WARNING"},
    }
