"""Every Scrapy and Chromium setting that could write content to disk stays off."""

from __future__ import annotations

from pathlib import Path

from crawler.config import load_config
from spiders.settings import abort_request, site_settings
from tests.conftest import write_config


def settings_for(tmp_path: Path, site_name: str) -> dict:
    loaded = load_config(write_config(tmp_path, "http://127.0.0.1:1"))
    site = next(s for s in loaded.sites if s.name == site_name)
    return site_settings(loaded, site, True, site.resolved_start_urls("http://127.0.0.1:1"))


def test_no_cache_jobdir_feeds_or_ports(tmp_path: Path) -> None:
    s = settings_for(tmp_path, "annonstavlan")
    assert s["HTTPCACHE_ENABLED"] is False and s["JOBDIR"] is None
    assert s["FEEDS"] == {} and s["ITEM_PIPELINES"] == {} and s["STATS_DUMP"] is False
    assert s["TELNETCONSOLE_ENABLED"] is False and s["REMOTE_CONTROL_ENABLED"] is False
    for ext in ("telnet.TelnetConsole", "remote_control.RemoteControl", "feedexport.FeedExporter",
                "spiderstate.SpiderState"):
        assert s["EXTENSIONS"][f"scrapy.extensions.{ext}"] is None
    assert s["LOG_FORMATTER"] == "spiders.logformatter.PrivateLogFormatter"
    assert "DOWNLOAD_HANDLERS" not in s  # an HTTP site starts no browser


def test_browser_site_has_no_disk_cache_and_one_browser(tmp_path: Path) -> None:
    s = settings_for(tmp_path, "profilkatalogen")
    args = s["PLAYWRIGHT_LAUNCH_OPTIONS"]["args"]
    assert "--disk-cache-size=1" in args and "--disable-breakpad" in args
    assert list(s["DOWNLOAD_HANDLERS"]) == ["http"]  # one Chromium, not one per scheme
    # contexts are opened by the recycler, each with these options, none at start-up
    assert s["PLAYWRIGHT_CONTEXTS"] == {}
    assert s["ADCENSUS_BROWSER_CONTEXT"]["accept_downloads"] is False
    assert s["ADCENSUS_BROWSER_CONTEXT"]["service_workers"] == "block"


def test_browser_sites_recycle_contexts_and_restart_the_browser(tmp_path: Path) -> None:
    s = settings_for(tmp_path, "profilkatalogen")
    assert s["DOWNLOADER_MIDDLEWARES"]["spiders.recycle.BrowserRecycler"] == 950
    assert s["DOWNLOADER_MIDDLEWARES"]["spiders.retry.BackoffRetryMiddleware"] == 550
    assert s["ADCENSUS_BROWSER_PAGES_PER_CONTEXT"] == 500
    assert s["ADCENSUS_BROWSER_RESTART_PAGES"] == 5000
    assert s["PLAYWRIGHT_RESTART_DISCONNECTED_BROWSER"] is True
    http = settings_for(tmp_path, "annonstavlan")
    assert "spiders.recycle.BrowserRecycler" not in http["DOWNLOADER_MIDDLEWARES"]


def test_images_are_never_fetched() -> None:
    class Req:
        def __init__(self, kind: str) -> None:
            self.resource_type = kind

    assert abort_request(Req("image")) and abort_request(Req("media"))
    assert not abort_request(Req("document")) and not abort_request(Req("fetch"))


def test_per_site_politeness_overrides(tmp_path: Path) -> None:
    loaded = load_config(write_config(tmp_path, "http://127.0.0.1:1", concurrency=16))
    site = next(s for s in loaded.sites if s.name == "annonstavlan")
    site = site.model_copy(update={"politeness": site.politeness.model_copy(
        update={"concurrency": 2, "delay_s": 1.5, "page_budget": 50})})
    s = site_settings(loaded, site, True, ["http://127.0.0.1:1/"])
    assert s["CONCURRENT_REQUESTS"] == 2 and s["DOWNLOAD_DELAY"] == 1.5
    assert s["CLOSESPIDER_PAGECOUNT"] == 50
