"""Browser soak (issue 4): one snapshot of many browser pages against the demo market,
with the memory of the snapshot's whole process tree sampled throughout, and a search
for any Chromium (or Playwright driver) process left once the snapshot has ended.

    .venv/bin/python benchmarks/soak_browser.py --pages 20000

The market is drawn big enough that its profile directory (a browser site: a
JavaScript shell per profile, filled from a JSON endpoint) has ``--pages`` pages; only
that site is crawled. Contexts are recycled and the browser restarted at the config's
defaults unless ``--per-context`` / ``--restart`` say otherwise; the memory watchdog
stays on at ``--limit-mb`` (the bound), so a crawl that outgrew it would be stopped
and recorded as such, not silently pass.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from tempfile import TemporaryDirectory

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from crawler.config import CrawlSection  # noqa: E402
from crawler.demo_market.generator import generate  # noqa: E402
from crawler.demo_market.market import Market
from crawler.demo_market.server import MarketServer  # noqa: E402
from crawler.demo_market.truth import compute_truth
from crawler.processes import alive, descendants  # noqa: E402
from crawler.store import open_store  # noqa: E402
from spiders.watchdog import tree_rss_bytes  # noqa: E402
from tests.conftest import write_config  # noqa: E402

SITE = "profilkatalogen"
LIST_PAGE_SIZE = 24  # profiles per list page (crawler/demo_market/app.py)
PROGRESS = re.compile(rf"{SITE}: (\d+) pages")
BROWSER_LINE = re.compile(rf"browser of {SITE}: (.*)$")


def pages_of(market: Market) -> int:
    hits = len(market.live_hits(SITE))
    return hits + max(1, math.ceil(hits / LIST_PAGE_SIZE))


def market_for(pages: int, seed: int) -> Market:
    """A market whose profile directory has at least ``pages`` pages."""
    listings = max(200, int(pages * 2.75))  # ~2.77 listings per page of the site
    while True:
        market = generate(seed=seed, listings=listings, horizon_days=0)
        if pages_of(market) >= pages:
            return market
        listings = int(listings * pages / pages_of(market) * 1.02) + 10


def command_line(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode(errors="replace")


def is_browser(cmdline: str) -> bool:
    return "chrom" in cmdline.split(" ", 1)[0].lower()


class Sampler:
    """Peak PSS of the snapshot's tree, the Chromium processes in it, and memory against
    pages crawled (from the snapshot's progress lines)."""

    def __init__(self, process: subprocess.Popen[str], interval_s: float) -> None:
        self.process = process
        self.interval_s = interval_s
        self.peak = 0
        self.pages = 0
        self.series: list[tuple[float, int, int]] = []  # (seconds, pages, PSS MiB)
        self.seen: dict[int, str] = {}  # every pid of the tree: its command line
        self.most_browsers = 0  # browser main processes (no --type=) at one time
        self.tempdir_marker = f"adcensus-snapshot-{process.pid}-"
        self.stderr_tail: list[str] = []
        self.browser_line = ""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            found = PROGRESS.search(line)
            if found:
                self.pages = int(found.group(1))
            found = BROWSER_LINE.search(line)
            if found:
                self.browser_line = found.group(1)
            self.stderr_tail = (self.stderr_tail + [line])[-40:]

    def run(self) -> None:
        started = time.monotonic()
        while self.process.poll() is None:
            used = tree_rss_bytes(self.process.pid)
            self.peak = max(self.peak, used)
            self.series.append((time.monotonic() - started, self.pages, used >> 20))
            browsers = 0
            for pid in descendants(self.process.pid):
                cmdline = self.seen.setdefault(pid, command_line(pid))
                if is_browser(cmdline) and "--type=" not in cmdline:
                    browsers += 1
            self.most_browsers = max(self.most_browsers, browsers)
            time.sleep(self.interval_s)
        self._reader.join(timeout=10)

    def left_behind(self) -> list[str]:
        """Processes of this snapshot still alive: any pid seen in its tree that still
        runs the same command, and any process naming its temporary directory."""
        left = [f"{pid} {cmd[:120]}" for pid, cmd in self.seen.items()
                if alive(pid) and command_line(pid) == cmd and cmd]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and self.tempdir_marker in command_line(int(entry.name)):
                left.append(f"{entry.name} {command_line(int(entry.name))[:120]}")
        return sorted(set(left))


def memory_by_tenth(series: list[tuple[float, int, int]], total: int) -> list[int]:
    """Highest PSS (MiB) in each tenth of the crawl, by pages: flat means no leak."""
    tenths = [0] * 10
    for _s, pages, mib in series:
        i = min(9, pages * 10 // max(total, 1))
        tenths[i] = max(tenths[i], mib)
    return tenths


def main() -> None:
    defaults = CrawlSection()
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--browser-pages", type=int, default=8, help="pages open at once")
    parser.add_argument("--per-context", type=int, default=defaults.browser_pages_per_context)
    parser.add_argument("--restart", type=int, default=defaults.browser_restart_pages)
    parser.add_argument("--limit-mb", type=int, default=defaults.memory_limit_mb,
                        help="the memory bound: the watchdog stops the crawl above it")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between samples")
    args = parser.parse_args()

    t = time.monotonic()
    market = market_for(args.pages, args.seed)
    total = pages_of(market)
    print(json.dumps({"market_listings": market.listings, "site_pages": total,
                      "generated_s": round(time.monotonic() - t, 1)}), flush=True)
    with MarketServer(market) as server, TemporaryDirectory() as tmp:
        work = Path(tmp)
        config = write_config(work, server.url, concurrency=16, browser_pages=args.browser_pages,
                              browser_pages_per_context=args.per_context,
                              browser_restart_pages=args.restart,
                              memory_limit_mb=args.limit_mb, page_budget=total + 1000,
                              time_budget_s=6 * 3600, retry_backoff_s=0.5)
        data = yaml.safe_load(config.read_text())
        data["sites"]["enabled"] = [SITE]
        config.write_text(yaml.safe_dump(data))
        process = subprocess.Popen([sys.executable, "-m", "scheduler.snapshot_process",
                                    "--config", str(config)], cwd=REPO, text=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        sampler = Sampler(process, args.interval)
        sampler.run()
        time.sleep(2)  # what a browser's last processes need to go, if they go at all
        left = sampler.left_behind()
        with open_store(f"sqlite:///{work / 'store.sqlite'}") as store:
            run = store.runs()[-1]
            [site] = [s for s in run.sites if s.site == SITE]
            rows = {i.level: i.value for i in store.indicators(
                snapshot_id=run.snapshot_id, scope=SITE, measure="count", breakdown="total")}
    truth = compute_truth(market, 0)
    browser = dict(pair.split("=") for pair in sampler.browser_line.split())
    result = {
        "exit_status": process.returncode, "run_status": run.status,
        "pages": site.pages, "items": site.items, "seconds": site.duration_s,
        "pages_per_min": round(60 * site.pages / site.duration_s) if site.duration_s else None,
        "peak_tree_pss_mib": sampler.peak >> 20, "bound_mib": args.limit_mb,
        "under_bound": sampler.peak >> 20 < args.limit_mb
        and "closed_memory_limit" not in site.errors,
        "peak_pss_mib_by_tenth_of_pages": memory_by_tenth(sampler.series, total),
        "most_browsers_at_once": sampler.most_browsers,
        "tree_processes_seen": len(sampler.seen),
        "left_behind": left,
        "browser": {k: int(v) for k, v in browser.items()},
        "errors": site.errors,
        "hits_equal_truth": rows.get("hits") == truth.hits[SITE],
        "unique_equal_truth": rows.get("unique") == truth.unique[SITE],
        "cpus": os.cpu_count(),
    }
    print(json.dumps(result), flush=True)
    if process.returncode not in (0, 3):
        sys.stderr.write("".join(sampler.stderr_tail))


if __name__ == "__main__":
    threading.excepthook = lambda args: None  # the market thread's exit is not an error
    main()
