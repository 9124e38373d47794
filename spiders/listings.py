"""The one generic spider: a site definition says what to fetch and what to read.

An age gate or consent wall is passed first where the definition has one (spiders/gate.py).
List pages are paged through (a next link, a page number, and/or in the browser a "load
more" button or infinite scroll); each item is read in place, or on its detail page
when the definition has a link. Listings go to the site's collector in memory; nothing
passes Scrapy's item pipeline, so no feed exporter or item log line can ever see content.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urljoin

import scrapy
from parsel import Selector, SelectorList
from scrapy.http import FormRequest, HtmlResponse, Response
from scrapy_playwright.page import PageMethod
from w3lib.url import add_or_replace_parameter

from crawler.discovery.domains import linked_domains
from crawler.listing import LIST_FIELDS, Listing, Value
from crawler.sites import Extractor, FieldSource, ListPage, SiteDefinition
from spiders.collector import SiteCollector, reason_of
from spiders.gate import click_through, form_fields, looks_like_gate
from spiders.inpage import load_all
from spiders.structured import read_structured

# A detail page's links, less its header, footer and navigation: those are the site's
# (a partner, a support line), not the listing's, and read with every listing they made a
# footer's domain look linked by every advertiser. A header or footer inside an
# <article> or <main> is the listing's own and stays.
DETAIL_PAGE_LINKS = ("//a[not(ancestor::*[self::header or self::footer or self::nav]"
                     "[not(ancestor::article or ancestor::main)])]/@href")


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


def json_urls(data: Any) -> Iterator[str]:
    """Every absolute http(s) URL among a JSON object's string values, at any depth: the
    links of an API's item."""
    if isinstance(data, str):
        if data.startswith(("http://", "https://")):
            yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from json_urls(value)
    elif isinstance(data, list):
        for value in data:
            yield from json_urls(value)


def select(node: Selector | Response, extractor: Extractor) -> SelectorList:
    return node.css(extractor.css) if extractor.css is not None else node.xpath(extractor.xpath)


class ListingsSpider(scrapy.Spider):
    name = "listings"

    def __init__(self, site: SiteDefinition, start_urls: list[str], collector: SiteCollector,
                 use_browser: bool = True, monitored: frozenset[str] = frozenset(),
                 **kwargs: Any) -> None:
        super().__init__(name=site.name, **kwargs)
        self.site = site
        self.start_urls = start_urls
        self.allowed_domains = site.domains(start_urls)
        self.collector = collector
        self.browser = use_browser and site.render == "browser"
        self.monitored = monitored  # registrable domains of every monitored site

    @property
    def list_page(self) -> ListPage:
        # api and sitemap sites have spiders of their own (spiders/crawl.py spider_class)
        assert self.site.list_page is not None, "a site without list_page"
        return self.site.list_page

    async def start(self) -> AsyncIterator[Any]:
        form = self.site.gate.form if self.site.gate is not None else None
        if form is not None:
            # the gate first, over plain HTTP as its post is; the list is asked for once
            # it is passed (or failed)
            assert self.site.gate is not None
            yield scrapy.Request(urljoin(self.start_urls[0], form.url or ""),
                                 callback=self.parse_gate, errback=self.gate_failed,
                                 dont_filter=True, cookies=dict(self.site.gate.cookies),
                                 headers=dict(self.site.gate.headers))
            return
        for request in self._list_starts():
            yield request

    def _list_starts(self) -> Iterator[scrapy.Request]:
        """The first requests for the listings, once a gate is passed (spiders of other
        sources, spiders/api.py and spiders/sitemap.py, start from their own)."""
        numbered = self.list_page.page_parameter
        for url in self.start_urls:
            if numbered is None:
                yield self._request(url, self.parse_list, list_page=True, dont_filter=True)
            else:
                yield self._numbered_page(url, numbered.first, previous=None, dont_filter=True)

    def _request(self, url: str, callback: Any, list_page: bool,
                 cb_kwargs: dict[str, Any] | None = None,
                 dont_filter: bool = False) -> scrapy.Request:
        meta: dict[str, Any] = {}
        gate = self.site.gate
        if self.browser:
            meta["playwright"] = True
            methods = []
            if gate is not None and gate.click is not None:
                methods.append(PageMethod(click_through, gate.click, self.site.wait_for))
            if self.site.wait_for:
                methods.append(PageMethod("wait_for_selector", self.site.wait_for))
            if methods:
                meta["playwright_page_methods"] = methods
            if list_page and self.list_page.in_browser:
                meta["playwright_include_page"] = True
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta=meta,
                              cb_kwargs=cb_kwargs, dont_filter=dont_filter, **self.gated())

    def gated(self, headers: dict[str, str] | None = None) -> dict[str, Any]:
        """The cookies and headers a gate gives, for every request of the crawl whatever
        finds the listings (list pages, an API, sitemaps), with ``headers`` of its own."""
        gate = self.site.gate
        given = dict(gate.headers) if gate is not None else {}
        return {"cookies": dict(gate.cookies) if gate is not None else None,
                "headers": {**given, **(headers or {})} or None}

    def _numbered_page(self, url: str, number: int, previous: int | None,
                       dont_filter: bool = False) -> scrapy.Request:
        numbered = self.list_page.page_parameter
        assert numbered is not None
        return self._request(add_or_replace_parameter(url, numbered.name, str(number)),
                             self.parse_list, list_page=True,
                             cb_kwargs={"number": number, "previous": previous},
                             dont_filter=dont_filter)

    def parse_gate(self, response: Response) -> Iterator[scrapy.Request]:
        gate = self.site.gate
        assert gate is not None and gate.form is not None
        form = response.css(gate.form.css)
        if not form:
            # no gate today: the list is read as it is, and the record says so
            self.collector.drop("gate_form_not_shown")
            yield from self._list_starts()
            return
        yield FormRequest(
            response.urljoin(form[0].attrib.get("action", "")),
            method=form[0].attrib.get("method", "GET").upper(),
            formdata=form_fields(form[0], dict(gate.form.data)),
            callback=self.gate_passed, errback=self.gate_failed, dont_filter=True,
            cookies=dict(gate.cookies), headers=dict(gate.headers))

    def gate_passed(self, response: Response) -> Iterator[scrapy.Request]:
        # the answer's cookie is in the jar now; where the post led is not read
        yield from self._list_starts()

    def gate_failed(self, failure: Any) -> Iterator[scrapy.Request]:
        # the list is still asked for: a gate page in place of it is then recorded too
        self.collector.error(f"gate_{reason_of(failure.value)}")
        yield from self._list_starts()

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
            gate = looks_like_gate(response)
            if gate is not None:
                self.collector.drop(gate)
        self._page_links(response, items)
        for item in items:
            if list_page.link is None:
                self._collect(item, response.url)
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
        self._collect(response, response.url)

    def _collect(self, node: Any, page_url: str) -> None:
        """One listing from ``node``: an item's element, a detail page, or an API's JSON
        object (spiders/api.py), with the domains it links to."""
        values = {name: read(node, name, ex) for name, ex in self.site.fields.items()}
        if not any(values.values()):
            self.collector.drop("no_field_filled")
            return
        hrefs = (node.xpath(DETAIL_PAGE_LINKS).getall() if isinstance(node, Response)
                 else node.css("a::attr(href)").getall() if isinstance(node, Selector)
                 else json_urls(node))
        links = linked_domains(hrefs, page_url, self.monitored)
        self.collector.add(Listing(self.site.name, self.site.kind, values), links)

    def _page_links(self, response: Response, items: SelectorList) -> None:
        """The list page's own links: every link on it less those inside its items (a
        listing's links are the listing's, counted by advertiser, never the site's)."""
        hrefs = Counter(response.css("a::attr(href)").getall())
        hrefs.subtract(href for item in items for href in item.css("a::attr(href)").getall())
        self.collector.link(linked_domains((h for h, n in hrefs.items() if n > 0),
                                           response.url, self.monitored))

    async def on_error(self, failure: Any) -> None:
        self.collector.error(reason_of(failure.value))
        page = failure.request.meta.get("playwright_page")
        if page is not None:
            await page.close()
