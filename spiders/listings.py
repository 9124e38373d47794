"""The one generic spider: a site definition says what to fetch and what to read.

List pages are paged through (next link, or a "load more" button in the browser); each
item is read in place, or on its detail page when the definition has a link. Listings
go to the site's collector in memory; nothing passes Scrapy's item pipeline, so no feed
exporter or item log line can ever see content.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import scrapy
from parsel import Selector, SelectorList
from scrapy.http import HtmlResponse, Response
from scrapy_playwright.page import PageMethod

from crawler.listing import Listing
from crawler.sites import Extractor, SiteDefinition
from spiders.collector import SiteCollector, reason_of

# waits in the page until a click on "load more" added items or removed the button
_GREW = """([kind, items, before, button]) => {
  const n = kind === "css" ? document.querySelectorAll(items).length
    : document.evaluate(`count(${items})`, document, null, XPathResult.NUMBER_TYPE, null).numberValue;
  return n > before || !document.querySelector(button);
}"""


def extract(node: Selector | Response, extractor: Extractor) -> str:
    found: SelectorList = (
        node.css(extractor.css) if extractor.css is not None else node.xpath(extractor.xpath)
    )
    if extractor.all:
        return " ".join(" ".join(found.getall()).split())
    return " ".join((found.get() or "").split())


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

    async def start(self) -> AsyncIterator[Any]:
        for url in self.start_urls:
            yield self._request(url, self.parse_list, list_page=True)

    def _request(self, url: str, callback: Any, list_page: bool) -> scrapy.Request:
        meta: dict[str, Any] = {}
        if self.browser:
            meta["playwright"] = True
            if self.site.wait_for:
                meta["playwright_page_methods"] = [PageMethod("wait_for_selector", self.site.wait_for)]
            if list_page and self.site.list_page.load_more:
                meta["playwright_include_page"] = True
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta=meta)

    async def parse_list(self, response: Response) -> AsyncIterator[Any]:
        self.collector.page()
        page = response.meta.get("playwright_page")
        if page is not None:
            try:
                html = await self._load_all(page)
            finally:
                await page.close()
            response = HtmlResponse(url=response.url, body=html, encoding="utf-8")
        list_page = self.site.list_page
        items = select(response, list_page.items)
        if not items:
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

    async def _load_all(self, page: Any) -> str:
        load_more = self.site.list_page.load_more
        assert load_more is not None
        items = self.site.list_page.items
        kind, expr = ("css", items.css) if items.css is not None else ("xpath", items.xpath)
        locator = page.locator(f"{kind}={expr}")
        for _ in range(load_more.max_steps):
            button = page.locator(f"css={load_more.button}")
            if await button.count() == 0:
                break
            before = await locator.count()
            await button.first.click()
            try:
                await page.wait_for_function(_GREW, arg=[kind, expr, before, load_more.button])
            except Exception as exc:  # the page stopped answering: keep what is loaded
                self.collector.error(f"load_more_{reason_of(exc)}")
                break
        else:
            if await page.locator(f"css={load_more.button}").count():
                self.collector.error("load_more_budget_reached")
        return await page.content()

    def parse_detail(self, response: Response) -> None:
        self.collector.page()
        self._collect(response)

    def _collect(self, node: Selector | Response) -> None:
        values = {name: extract(node, ex) for name, ex in self.site.fields.items()}
        if not any(values.values()):
            self.collector.drop("no_field_filled")
            return
        self.collector.add(Listing(self.site.name, self.site.kind, values))

    async def on_error(self, failure: Any) -> None:
        self.collector.error(reason_of(failure.value))
        page = failure.request.meta.get("playwright_page")
        if page is not None:
            await page.close()
