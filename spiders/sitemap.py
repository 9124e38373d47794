"""A site whose listing pages are found from its sitemaps (``sitemap:`` in its definition).

Directories publish every profile in a sitemap for search engines, often split over a
sitemap index; where the list pages are hard to page through (a search form, a
capped result count) the sitemap is the complete list. Sitemap files are XML, maybe
gzipped, or a robots.txt naming them; parsed with Scrapy's ``Sitemap`` (the reader of
its SitemapSpider, which guards against entity expansion). Listing pages are then read
like any detail page: fields by selector, JSON-LD or microdata.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap as SitemapFile
from scrapy.utils.sitemap import sitemap_urls_from_robots

from crawler.sites import Sitemap
from spiders.listings import ListingsSpider

# a gzipped sitemap may hold 50 000 URLs (the protocol's limit) in at most 50 MB
MAX_SITEMAP_BYTES = 50 * 1024 * 1024


class SitemapListingsSpider(ListingsSpider):
    name = "sitemap"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assert self.site.sitemap is not None
        self.rules: Sitemap = self.site.sitemap
        self.listings = re.compile(self.rules.listings)
        self.follow = re.compile(self.rules.follow) if self.rules.follow else None
        self.sitemaps_read = 0

    def _list_starts(self) -> Iterator[scrapy.Request]:
        for url in self.start_urls:
            yield self._sitemap(url, dont_filter=True)

    def _sitemap(self, url: str, dont_filter: bool = False) -> scrapy.Request:
        # sitemap files are fetched plainly even for a browser site: only listing pages
        # need rendering
        return scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error,
                              dont_filter=dont_filter, **self.gated())

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        self.collector.page()
        if response.url.endswith("/robots.txt"):
            for url in sitemap_urls_from_robots(response.body, base_url=response.url):
                yield from self._more(url)
            return
        body = self._body(response)
        if body is None:
            self.collector.error("sitemap_unreadable")
            return
        document = SitemapFile(body)
        entries = [entry["loc"] for entry in document]
        if document.type == "sitemapindex":
            for url in entries:
                if self.follow is None or self.follow.search(url):
                    yield from self._more(response.urljoin(url))
            return
        if document.type != "urlset":
            self.collector.error("sitemap_unreadable")
            return
        listings = [url for url in entries if self.listings.search(url)]
        if entries and not listings:
            self.collector.drop("sitemap_without_listings")
        for url in listings:
            yield self._request(response.urljoin(url), self.parse_detail, list_page=False)

    def _more(self, url: str) -> Iterator[scrapy.Request]:
        self.sitemaps_read += 1
        if self.sitemaps_read > self.rules.max_sitemaps:
            self.collector.error("sitemap_budget_reached")
            return
        yield self._sitemap(url)

    @staticmethod
    def _body(response: Response) -> bytes | None:
        body = response.body
        if body[:2] == b"\x1f\x8b":  # a .xml.gz file served as is
            try:
                body = gunzip(body, max_size=MAX_SITEMAP_BYTES)
            except (OSError, EOFError, ValueError):  # broken, cut short, too large
                return None
        stripped = body.lstrip()
        if not stripped.startswith(b"<"):
            return None  # an HTML error page still starts with "<"; Sitemap's type says
        return body
