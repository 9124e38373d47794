"""Crawl rate: pages per minute for an HTTP site and a browser site of the demo market,
politeness delays at zero, with the peak memory of the snapshot process tree; and
Scrapy's own `scrapy bench` in the same run, for a ratio.

    .venv/bin/python benchmarks/bench_crawl.py [--listings 6000]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from crawler.demo_market.generator import generate  # noqa: E402
from crawler.demo_market.server import MarketServer  # noqa: E402
from crawler.store import open_store  # noqa: E402
from spiders.watchdog import tree_rss_bytes  # noqa: E402
from tests.conftest import write_config  # noqa: E402


def crawl(url: str, site: str, work: Path, **crawl_settings: object) -> dict[str, float]:
    work.mkdir(parents=True, exist_ok=True)
    config = write_config(work, url, concurrency=16, memory_limit_mb=0, **crawl_settings)
    data = yaml.safe_load(config.read_text())
    data["sites"]["enabled"] = [site]
    config.write_text(yaml.safe_dump(data))
    process = subprocess.Popen([sys.executable, "-m", "scheduler.snapshot_process",
                                "--config", str(config), "--quiet"], cwd=REPO)
    peak = 0
    while process.poll() is None:  # sample the whole tree: Python, driver, Chromium
        peak = max(peak, tree_rss_bytes(process.pid))
        time.sleep(0.25)
    with open_store(f"sqlite:///{work / 'store.sqlite'}") as store:
        [run] = [s for s in store.runs()[-1].sites if s.site == site]
    return {"site": site, "pages": run.pages, "items": run.items, "seconds": run.duration_s,
            "pages_per_min": round(60 * run.pages / run.duration_s),
            "peak_tree_mib": round(peak / 2**20), "errors": run.errors}


def scrapy_bench() -> float:
    out = subprocess.run([str(Path(sys.executable).parent / "scrapy"), "bench", "-s",
                          "LOG_LEVEL=INFO", "-s", "CLOSESPIDER_TIMEOUT=20"],
                         capture_output=True, text=True, cwd=tempfile.gettempdir()).stderr
    rates = [int(r) for r in re.findall(r"at (\d+) pages/min", out)]
    return max(rates) if rates else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--listings", type=int, default=6000)
    parser.add_argument("--only", choices=("http", "browser"), default=None)
    args = parser.parse_args()
    market = generate(seed=5, listings=args.listings, horizon_days=1)
    results = []
    with MarketServer(market) as server, tempfile.TemporaryDirectory() as tmp:
        if args.only in (None, "http"):
            results.append(crawl(server.url, "annonstavlan", Path(tmp) / "http"))
        if args.only in (None, "browser"):
            results.append(crawl(server.url, "profilkatalogen", Path(tmp) / "browser",
                                 browser_pages=8))
    for r in results:
        print(json.dumps(r), flush=True)
    if args.only is not None:
        return
    bench = scrapy_bench()
    http = results[0]["pages_per_min"]
    print(json.dumps({"scrapy_bench_pages_per_min": bench,
                      "http_rate_vs_scrapy_bench": round(http / bench, 2) if bench else None}))


if __name__ == "__main__":
    threading.excepthook = lambda args: None  # the market thread's exit is not an error
    main()
