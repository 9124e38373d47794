"""Memory watchdog: stop a crawl cleanly before the machine runs out.

Scrapy's MemoryUsage extension watches only the Python process, but a browser site's
memory is mostly Chromium's, in child processes (Playwright's driver and the browser's
renderers). This extension sums the resident memory of the snapshot process and all
its descendants (from /proc) and, past ``ADCENSUS_MEMORY_LIMIT_MB``, closes its spider
with the reason "memory_limit", which the run record keeps.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

logger = logging.getLogger(__name__)
PAGE = os.sysconf("SC_PAGE_SIZE")


def _memory(pid: int) -> int:
    """Proportional set size (shared pages split among their users), else RSS.

    Chromium's processes share most of their pages; summing RSS would count them once
    per process and overstate the tree several times."""
    proc = Path("/proc") / str(pid)
    try:
        for line in (proc / "smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return int((proc / "statm").read_text().split()[1]) * PAGE


def tree_rss_bytes(root: int | None = None) -> int:
    """Memory (PSS) of ``root`` (default: this process) and every descendant."""
    root = os.getpid() if root is None else root
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # the command name, in parentheses, may hold spaces: split after it
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            total += _memory(pid)
        except OSError:
            continue
        todo.extend(children.get(pid, ()))
    return total


class MemoryWatchdog:
    def __init__(self, crawler: Any, limit_mb: int, interval_s: float) -> None:
        self.crawler = crawler
        self.limit = limit_mb * 1024 * 1024
        self.interval_s = interval_s
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> MemoryWatchdog:
        limit = crawler.settings.getint("ADCENSUS_MEMORY_LIMIT_MB", 0)
        if limit <= 0 or not Path("/proc/self/statm").exists():
            raise NotConfigured
        watchdog = cls(crawler, limit, crawler.settings.getfloat("ADCENSUS_MEMORY_CHECK_S", 2.0))
        crawler.signals.connect(watchdog.start, signal=signals.engine_started)
        crawler.signals.connect(watchdog.stop, signal=signals.engine_stopped)
        return watchdog

    def start(self) -> None:
        self.loop = task.LoopingCall(self.check)
        self.loop.start(self.interval_s, now=True)

    def stop(self) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()

    def check(self) -> None:
        used = tree_rss_bytes()
        self.crawler.stats.max_value("adcensus/memory_peak_mb", used // (1024 * 1024))
        if used <= self.limit:
            return
        logger.error("memory of the snapshot's processes (%d MiB) is over the limit (%d MiB): "
                     "stopping the crawl of %s", used >> 20, self.limit >> 20,
                     self.crawler.spider.name if self.crawler.spider else "?")
        self.stop()
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason="memory_limit"))
