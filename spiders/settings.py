"""Scrapy settings for one site's crawl, from the run configuration.

Privacy first: no HTTP cache, no job directory, no telnet console, no stats dump, no
feeds, a log formatter that writes no items or listing URLs. Chromium gets no disk
cache and no crash reporter; its profile lives in the snapshot's memory-backed
temporary directory (see crawler/tempdirs.py), and so does its HOME: Chromium
writes a crash database and caches under HOME whatever its profile directory is.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any
from urllib.parse import urlsplit

from crawler.browser import CHROMIUM_ARGS, browser_env
from crawler.config import LoadedConfig
from crawler.sites import SiteDefinition

ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"



def abort_request(request: Any) -> bool:
    # images, media and fonts carry nothing we count; not fetching them saves time and
    # keeps pictures of people out of the browser's memory altogether
    return request.resource_type in ("image", "media", "font")


def browser_home() -> str:
    """Where Chromium's HOME goes: inside the temporary directory, which the snapshot
    process (and `adcensus sites check`) put on memory-backed storage and remove."""
    return os.path.join(tempfile.gettempdir(), "browser-home")


def process_settings(loaded: LoadedConfig) -> dict[str, Any]:
    """Settings of the CrawlerProcess (logging, reactor)."""
    crawl = loaded.config.crawl
    return {
        "TWISTED_REACTOR": ASYNCIO_REACTOR,
        "LOG_LEVEL": crawl.log_level,
        "LOG_FORMATTER": "spiders.logformatter.PrivateLogFormatter",
        "LOG_FILE": None,
        # crawler.logsafety installs the one (redacting) handler instead
        "LOG_INSTALL_ROOT_HANDLER": False,
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
    }


def site_settings(loaded: LoadedConfig, site: SiteDefinition, use_browser: bool,
                  start_urls: list[str]) -> dict[str, Any]:
    crawl = loaded.config.crawl
    polite = site.politeness
    concurrency = polite.concurrency or crawl.concurrency
    delay_s = crawl.delay_s if polite.delay_s is None else polite.delay_s
    schemes = sorted({urlsplit(u).scheme for u in start_urls})
    settings: dict[str, Any] = {
        **process_settings(loaded),
        "BOT_NAME": "adcensus",
        "USER_AGENT": crawl.user_agent,
        "ROBOTSTXT_OBEY": crawl.obey_robots_txt,
        "ROBOTSTXT_USER_AGENT": crawl.user_agent,
        "HTTPCACHE_ENABLED": False,
        "JOBDIR": None,
        "STATS_DUMP": False,
        "FEEDS": {},
        "ITEM_PIPELINES": {},
        # each of these can write to disk or open a port into the process holding content
        "EXTENSIONS": {
            "scrapy.extensions.telnet.TelnetConsole": None,
            "scrapy.extensions.remote_control.RemoteControl": None,
            "scrapy.extensions.spiderstate.SpiderState": None,
            "scrapy.extensions.feedexport.FeedExporter": None,
            "scrapy.extensions.memdebug.MemoryDebugger": None,
            "spiders.watchdog.MemoryWatchdog": 0,
        },
        "ADCENSUS_MEMORY_LIMIT_MB": crawl.memory_limit_mb,
        "REMOTE_CONTROL_ENABLED": False,
        "COOKIES_ENABLED": True,
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "DOWNLOAD_DELAY": delay_s,
        "AUTOTHROTTLE_ENABLED": crawl.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(delay_s, 0.5),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 2.0,
        "RETRY_TIMES": crawl.retries,
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "spiders.retry.BackoffRetryMiddleware": 550,
        },
        "ADCENSUS_RETRY_BACKOFF_S": crawl.retry_backoff_s,
        "DOWNLOAD_TIMEOUT": crawl.download_timeout_s,
        "CLOSESPIDER_PAGECOUNT": polite.page_budget or crawl.page_budget,
        "CLOSESPIDER_TIMEOUT": crawl.time_budget_s,
        "REDIRECT_MAX_TIMES": 10,
        "DNS_TIMEOUT": 10,
    }
    if use_browser and site.render == "browser":
        home = browser_home()
        launch: dict[str, Any] = {"headless": True, "env": browser_env(home),
                                  "args": [*CHROMIUM_ARGS, f"--crash-dumps-dir={home}/crash"]}
        executable = loaded.browser_executable()
        if executable:
            launch["executable_path"] = executable
        timeout_ms = crawl.download_timeout_s * 1000
        settings.update({
            # one handler instance per scheme means one Chromium per scheme: register
            # it only for the schemes this site starts on
            "DOWNLOAD_HANDLERS": {scheme: "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
                                  for scheme in schemes},
            "PLAYWRIGHT_BROWSER_TYPE": "chromium",
            "PLAYWRIGHT_LAUNCH_OPTIONS": launch,
            "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": crawl.browser_pages,
            # contexts are named, opened and closed by spiders.recycle.BrowserRecycler,
            # one at a time: none at start-up, and every one with these options
            "PLAYWRIGHT_CONTEXTS": {},
            "ADCENSUS_BROWSER_CONTEXT": {"accept_downloads": False, "service_workers": "block",
                                         "user_agent": crawl.user_agent},
            "ADCENSUS_BROWSER_PAGES_PER_CONTEXT": crawl.browser_pages_per_context,
            "ADCENSUS_BROWSER_RESTART_PAGES": crawl.browser_restart_pages,
            "DOWNLOADER_MIDDLEWARES": {**settings["DOWNLOADER_MIDDLEWARES"],
                                       # after every middleware that may drop or retry
                                       "spiders.recycle.BrowserRecycler": 950},
            # the recycler keeps one; a second slot only so that a context it never saw
            # (its first page failed before it opened) cannot block the crawl
            "PLAYWRIGHT_MAX_CONTEXTS": 2,
            # a browser closed by the recycler (or crashed) is launched again on demand
            "PLAYWRIGHT_RESTART_DISCONNECTED_BROWSER": True,
            "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": timeout_ms,
            "PLAYWRIGHT_ABORT_REQUEST": abort_request,
            # pages beyond the browser's capacity wait in Scrapy's queue, not in Chromium
            "CONCURRENT_REQUESTS": min(concurrency, crawl.browser_pages),
            "CONCURRENT_REQUESTS_PER_DOMAIN": min(concurrency, crawl.browser_pages),
        })
    return settings
