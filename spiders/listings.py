"""The one generic spider: a site definition says what to fetch and what to read.

List pages are paged through (a next link, a page number, or in the browser a "load
more" button or infinite scroll); each item is read in place, or on its detail page
when the definition has a link. Listings go to the site's collector in memory; nothing
passes Scrapy's item pipeline, so no feed exporter or item log line can ever see content.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import scrapy
from parsel import Selector, SelectorList
from scrapy.http import HtmlResponse, Response
from scrapy_playwright.page import PageMethod
from w3lib.url import add_or_replace_parameter

from crawler.listing import LIST_FIELDS, Listing, Value
from crawler.sites import Extractor, FieldSource, ListPage, SiteDefinition
from spiders.collector import SiteCollector, reason_of
from spiders.inpage import load_all
from spiders.structured import read_structured


def extract(node: Selector | Response, extractor: Extractor) -> str:
    found: SelectorList = (
        node.css(extractor.css) if extractor.css is not None else node.xpath(extractor.xpath)
    )
    if extractor.all:
        return " ".join(" ".join(found.getall()).split())
    return " ".join((found.get() or "").split())


def extract_values(node: Selector | Response, extractor: Extractor) -> tuple[str, ...]:
    """A list field: every match (``all``) or the first, each split by ``split``, each
    part a value of its own, whitespace collapsed, empty ones dropped."""
    found = select(node, extractor)
    texts = found.getall() if extractor.all else [found.get() or ""]
    splitter = extractor.splitter
    values = (" ".join(part.split()) for text in texts
              for part in (splitter.split(text) if splitter is not None else (text,)))
    return tuple(v for v in values if v)


def read(node: Selector | Response, name: str, extractor: Extractor) -> Value:
    if isinstance(extractor, FieldSource) and extractor.source not in ("css", "xpath"):
        return read_structured(node, name, extractor)
    return extract_values(node, extractor) if name in LIST_FIELDS else extract(node, extractor)


def select(node: Selector | Response, extractor: Extractor) -> SelectorList:
    return node.css(extractor.css) if extractor.css is not None else node.xpath(extractor.xpath)


class ListingsSpider(scrapy.Spider):
    name = "listings"

    def __init__(self, site: SiteDefinition, start_urls: list[str], collector: SiteCollector,
                 use_browser: bool = True, **kwargs: Any) -> None:
        super().__init__(name=site.name, **kwargs)
        self.site = site
        self.start_urls = start_urls
        self.allowed_domains = site.domains(start_urls)
        self.collector = collector
        self.browser = use_browser and site.render == "browser"

    @property
    def list_page(self) -> ListPage:
        # api and sitemap sites have spiders of their own (spiders/crawl.py spider_class)
        assert self.site.list_page is not None, "a site without list_page"
        return self.site.list_page

    async def start(self) -> AsyncIterator[Any]:
        numbered = self.list_page.page_parameter
        for url in self.start_urls:
            if numbered is None:
                yield self._request(url, self.parse_list, list_page=True)
            else:
                yield self._numbered_page(url, numbered.first, previous=None)

    def _request(self, url: str, callback: Any, list_page: bool,
                 cb_kwargs: dict[str, Any] | None = None) -> scrapy.Request:
        meta: dict[str, Any] = {}
        if self.browser:
            meta["playwright"] = True
            if self.site.wait_for:
                meta["playwright_page_methods"] = [PageMethod("wait_for_selector", self.site.wait_for)]
            if list_page and self.list_page.in_browser:
                meta["playwright_include_page"] = True
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta=meta,
                              cb_kwargs=cb_kwargs)

    def _numbered_page(self, url: str, number: int, previous: int | None) -> scrapy.Request:
        numbered = self.list_page.page_parameter
        assert numbered is not None
        return self._request(add_or_replace_parameter(url, numbered.name, str(number)),
                             self.parse_list, list_page=True,
                             cb_kwargs={"number": number, "previous": previous})

    async def parse_list(self, response: Response, number: int | None = None,
                         previous: int | None = None) -> AsyncIterator[Any]:
        self.collector.page()
        page = response.meta.get("playwright_page")
        if page is not None:
            try:
                html = await load_all(page, self.list_page, self.collector)
            finally:
                await page.close()
            response = HtmlResponse(url=response.url, body=html, encoding="utf-8")
        list_page = self.list_page
        items = select(response, list_page.items)
        numbered = list_page.page_parameter if number is not None else None
        signature = hash(tuple(item.get() for item in items)) if numbered is not None else None
        if numbered is not None and number != numbered.first:
            # paging by number has no next link to say where the list ends: the first
            # empty page, or a page repeating the one before, is its end
            if not items or signature == previous:
                return
        elif not items:
            self.collector.drop("list_page_without_items")
        for item in items:
            if list_page.link is None:
                self._collect(item)
                continue
            link = extract(item, list_page.link)
            if link:
                yield self._request(response.urljoin(link), self.parse_detail, list_page=False)
            else:
                self.collector.drop("item_without_link")
        if list_page.next_page is not None:
            next_url = extract(response, list_page.next_page)
            if next_url:
                yield self._request(response.urljoin(next_url), self.parse_list, list_page=True)
        if numbered is not None and number is not None and items:
            if number - numbered.first + 1 >= numbered.max_pages:
                self.collector.error("page_parameter_budget_reached")
            else:
                yield self._numbered_page(response.url, number + 1, signature)

    def parse_detail(self, response: Response) -> None:
        self.collector.page()
        self._collect(response)

    def _collect(self, node: Selector | Response) -> None:
        values = {name: read(node, name, ex) for name, ex in self.site.fields.items()}
        if not any(values.values()):
            self.collector.drop("no_field_filled")
            return
        self.collector.add(Listing(self.site.name, self.site.kind, values))

    async def on_error(self, failure: Any) -> None:
        self.collector.error(reason_of(failure.value))
        page = failure.request.meta.get("playwright_page")
        if page is not None:
            await page.close()
