"""One Scrapy process crawling every enabled site at once, one crawler per site.

Each site gets its own crawler (own settings, own browser when it needs one), so a
site that fails or hangs ends alone while the others complete.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from urllib.parse import urljoin, urlsplit

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.utils.reactor import install_reactor
from twisted.internet import task

from crawler.config import LoadedConfig
from crawler.discovery.domains import monitored_domains as registrable_domains
from crawler.errors import ConfigError
from crawler.logsafety import install_root_handler
from crawler.sites import SiteDefinition
from spiders.api import ApiSpider
from spiders.collector import SiteCollector
from spiders.cookiejar import use_offline_suffixes
from spiders.listings import ListingsSpider
from spiders.retry import RECOVERED
from spiders.settings import ASYNCIO_REACTOR, process_settings, site_settings
from spiders.sitemap import SitemapListingsSpider

logger = logging.getLogger(__name__)

Progress = Callable[[Sequence[SiteCollector], bool], None]

# what a browser site's browser did, from Scrapy's stats: logged at the end of its crawl
# so an operator sees contexts and the browser recycled (spiders/recycle.py)
BROWSER_STATS = {
    "pages": "playwright/page_count",
    "contexts_opened": "playwright/context_count",
    "contexts_closed": "adcensus/browser/contexts_closed",
    "max_concurrent_contexts": "playwright/context_count/max_concurrent",
    "browser_launches": "playwright/browser_count",
    "browser_restarts": "adcensus/browser/restarts",
    "memory_peak_mb": "adcensus/memory_peak_mb",
}


def crawl_sites(
    loaded: LoadedConfig,
    sites: Sequence[SiteDefinition],
    progress: Progress | None = None,
    progress_interval_s: float = 2.0,
) -> list[SiteCollector]:
    """Crawl ``sites`` to the end and return their collectors (listings in memory)."""
    # one reactor for all crawlers, installed before any of them (or Playwright) needs it
    install_reactor(ASYNCIO_REACTOR)
    use_offline_suffixes()  # before a gate's cookie makes Scrapy fetch the suffix list
    process = CrawlerProcess(process_settings(loaded))
    install_root_handler(loaded.config.crawl.log_level)
    use_browser = loaded.config.crawl.browser
    collectors: list[SiteCollector] = []
    monitored = monitored_domains(loaded)
    for site in sites:
        try:
            start_urls = site.resolved_start_urls(loaded.config.sites.base_url)
        except ConfigError as exc:
            raise ConfigError(str(loaded.path), str(exc), key="sites.base_url") from None
        collector = SiteCollector(site.name, site.kind)
        collectors.append(collector)
        crawler = Crawler(spider_class(site), site_settings(loaded, site, use_browser, start_urls))
        deferred = process.crawl(crawler, site=site, start_urls=start_urls,
                                 collector=collector, use_browser=use_browser,
                                 monitored=monitored)
        deferred.addBoth(_closed(crawler, collector))
    if progress is not None:
        loop = task.LoopingCall(progress, collectors, False)
        loop.start(progress_interval_s, now=False)
    process.start(stop_after_crawl=True, install_signal_handlers=True)
    for collector in collectors:
        collector.close()
    if progress is not None:
        progress(collectors, True)
    return collectors


def monitored_domains(loaded: LoadedConfig) -> frozenset[str]:
    """The registrable domains of every site defined (enabled or not): a link to one of
    them is a link inside the monitored market, not a candidate."""
    base = loaded.config.sites.base_url
    urls = [url for site in loaded.sites for url in site.start_urls
            if base or urlsplit(url).scheme]
    root = (base or "").rstrip("/") + "/"
    resolved = [url if urlsplit(url).scheme else urljoin(root, url.lstrip("/")) for url in urls]
    allowed = [f"//{d}" for site in loaded.sites for d in site.allowed_domains or ()]
    return registrable_domains([*resolved, *allowed])


def spider_class(site: SiteDefinition) -> type[ListingsSpider]:
    """The spider for where a site's listings are found: list pages, an API, sitemaps."""
    if site.api is not None:
        return ApiSpider
    if site.sitemap is not None:
        return SitemapListingsSpider
    return ListingsSpider


def _closed(crawler: Crawler, collector: SiteCollector) -> Callable[[object], None]:
    def record(result: object) -> None:
        collector.close()
        stats = crawler.stats.get_stats() if crawler.stats else {}
        reason = stats.get("finish_reason", "")
        if reason.startswith("closespider_"):
            # a budget ended the crawl: the counts are incomplete, and the record says so
            collector.error(reason.replace("closespider_", "budget_"))
        elif reason not in ("finished", ""):
            collector.error(f"closed_{reason}")
        # a page lost after its retries is counted once, by the errback's reason
        # (http_503, timeout); one that answered on a retry is recovered, not an error
        for key, count in stats.items():
            if key.startswith(RECOVERED):
                collector.recovered[key[len(RECOVERED):]] += count
        filtered = stats.get("dupefilter/filtered", 0)
        if filtered:
            # a page asked for twice (or a redirect back to a page seen) was not fetched
            collector.errors["duplicate_requests_filtered"] += filtered
        if any(key.startswith("playwright/") for key in stats):
            collector.browser = {name: int(stats.get(key, 0))
                                 for name, key in BROWSER_STATS.items()}
            logger.info("browser of %s: %s", collector.site,
                        " ".join(f"{k}={v}" for k, v in collector.browser.items()))
        if hasattr(result, "value"):  # a Failure: the crawler itself broke
            collector.error(f"crawler_{type(result.value).__name__}")  # type: ignore[attr-defined]
            logger.error("crawl of %s ended with %s", collector.site,
                         type(result.value).__name__)  # type: ignore[attr-defined]
        return None

    return record
