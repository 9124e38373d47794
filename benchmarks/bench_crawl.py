"""Crawl rate: pages and listings per minute for each kind of site of the demo market
(an HTTP list with detail pages, a browser site, a JSON API, sitemaps with JSON-LD),
politeness delays at zero, with the CPU time and peak memory of the snapshot process
tree; and Scrapy's own `scrapy bench` in the same run, for a ratio.

    .venv/bin/python benchmarks/bench_crawl.py [--listings 6000] [--only api --only http]
        [--marginal]
"""

from __future__ import annotations

import argparse
import json
import re
import resource
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
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = subprocess.Popen([sys.executable, "-m", "scheduler.snapshot_process",
                                "--config", str(config), "--quiet"], cwd=REPO)
    peak = 0
    while process.poll() is None:  # sample the whole tree: Python, driver, Chromium
        peak = max(peak, tree_rss_bytes(process.pid))
        time.sleep(0.25)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # user + system CPU of the snapshot process and every descendant it waited for
    # (Playwright's driver, Chromium): the whole process, start-up and store included
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    with open_store(f"sqlite:///{work / 'store.sqlite'}") as store:
        [run] = [s for s in store.runs()[-1].sites if s.site == site]
    return {"site": site, "pages": run.pages, "items": run.items, "seconds": run.duration_s,
            "pages_per_min": round(60 * run.pages / run.duration_s),
            "listings_per_min": round(60 * run.items / run.duration_s),
            "ms_per_listing": round(1000 * run.duration_s / run.items, 2) if run.items else None,
            "process_cpu_s": round(cpu, 2),
            "peak_tree_mib": round(peak / 2**20), "errors": run.errors}


def scrapy_bench() -> float:
    out = subprocess.run([str(Path(sys.executable).parent / "scrapy"), "bench", "-s",
                          "LOG_LEVEL=INFO", "-s", "CLOSESPIDER_TIMEOUT=20"],
                         capture_output=True, text=True, cwd=tempfile.gettempdir()).stderr
    rates = [int(r) for r in re.findall(r"at (\d+) pages/min", out)]
    return max(rates) if rates else float("nan")


# a kind of site: the demo site that shows it, and its crawl settings
KINDS: dict[str, tuple[str, dict[str, object]]] = {
    "http": ("annonstavlan", {}),  # list pages, a detail page per listing
    "browser": ("profilkatalogen", {"browser_pages": 8}),  # JavaScript shells in Chromium
    "api": ("kontaktnavet", {}),  # a JSON API, 50 listings a batch, no browser
    "sitemap": ("profilarkivet", {}),  # sitemaps, a page per listing read from JSON-LD
}


def run(kinds: list[str], listings: int) -> list[dict[str, object]]:
    market = generate(seed=5, listings=listings, horizon_days=1)
    results = []
    with MarketServer(market) as server, tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            site, settings = KINDS[kind]
            results.append({"kind": kind, **crawl(server.url, site, Path(tmp) / kind,
                                                   **settings)})
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--listings", type=int, default=6000)
    parser.add_argument("--only", choices=tuple(KINDS), action="append",
                        help="a kind of site to crawl (repeatable); all and scrapy bench "
                             "when not given")
    parser.add_argument("--marginal", action="store_true",
                        help="crawl each kind again on a market a quarter the size and print "
                             "the CPU per listing net of start-up (the difference of the two)")
    args = parser.parse_args()
    kinds = [kind for kind in KINDS if args.only is None or kind in args.only]
    results = run(kinds, args.listings)
    for r in results:
        print(json.dumps(r), flush=True)
    if args.marginal:
        # process CPU includes start-up (imports, store, a browser's launch), which a
        # small site's crawl does not outweigh: the difference of two market sizes does
        for big, small in zip(results, run(kinds, args.listings // 4), strict=True):
            extra = big["items"] - small["items"]
            cpu = big["process_cpu_s"] - small["process_cpu_s"]
            print(json.dumps({"kind": big["kind"], "items": [small["items"], big["items"]],
                              "process_cpu_s": [small["process_cpu_s"], big["process_cpu_s"]],
                              "marginal_cpu_ms_per_listing":
                                  round(1000 * cpu / extra, 2) if extra > 0 else None}),
                  flush=True)
    if args.only is not None:
        return
    bench = scrapy_bench()
    http = results[0]["pages_per_min"]
    print(json.dumps({"scrapy_bench_pages_per_min": bench,
                      "http_rate_vs_scrapy_bench": round(http / bench, 2) if bench else None}))


if __name__ == "__main__":
    threading.excepthook = lambda args: None  # the market thread's exit is not an error
    main()
