"""The generic spider's paging by page number, on pages built here (no network): where
it asks next, and the three ways such a list ends."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import scrapy
from scrapy.http import HtmlResponse

from crawler.sites import SiteDefinition
from spiders.collector import SiteCollector
from spiders.listings import ListingsSpider

START = "http://127.0.0.1:1/board/?order=new"


def spider(max_pages: int = 50) -> ListingsSpider:
    site = SiteDefinition.model_validate({
        "name": "board", "kind": "ad_board", "start_urls": [START],
        "list_page": {"items": {"xpath": "//li[@class='ad']"}, "link": {"xpath": "./a/@href"},
                      "page_parameter": {"name": "sida", "first": 1, "max_pages": max_pages}},
        "fields": {"locality": ".ort::text"},
    })
    return ListingsSpider(site, [START], SiteCollector("board", "ad_board"), use_browser=False)


def list_page(url: str, *ads: str) -> HtmlResponse:
    items = "".join(f'<li class="ad"><a href="/board/ad/{a}">{a}</a></li>' for a in ads)
    return HtmlResponse(url=url, body=f"<html><body><ul>{items}</ul></body></html>".encode(),
                        encoding="utf-8", request=scrapy.Request(url))


def run(s: ListingsSpider, response: HtmlResponse, **kwargs: Any) -> list[scrapy.Request]:
    async def collect() -> list[scrapy.Request]:
        return [r async for r in s.parse_list(response, **kwargs)]

    return asyncio.run(collect())


def test_the_first_page_is_asked_for_by_number() -> None:
    async def first() -> list[scrapy.Request]:
        return [r async for r in spider().start()]

    [request] = asyncio.run(first())
    assert request.url == "http://127.0.0.1:1/board/?order=new&sida=1"
    assert request.cb_kwargs == {"number": 1, "previous": None}


def test_a_page_with_items_asks_for_the_next_number() -> None:
    s = spider()
    out = run(s, list_page("http://127.0.0.1:1/board/?order=new&sida=1", "a", "b"),
              number=1, previous=None)
    details, [following] = out[:2], out[2:]
    assert [r.url for r in details] == ["http://127.0.0.1:1/board/ad/a",
                                        "http://127.0.0.1:1/board/ad/b"]
    assert following.url == "http://127.0.0.1:1/board/?order=new&sida=2"
    assert following.cb_kwargs["number"] == 2 and following.cb_kwargs["previous"] is not None


def test_the_list_ends_at_an_empty_page_without_a_drop() -> None:
    s = spider()
    assert run(s, list_page("http://127.0.0.1:1/board/?sida=4"), number=4, previous=1) == []
    assert not s.collector.dropped and not s.collector.errors
    # an empty first page is a finding, as on any site: the health check sees it
    run(s, list_page("http://127.0.0.1:1/board/?sida=1"), number=1, previous=None)
    assert s.collector.dropped == {"list_page_without_items": 1}


def test_the_list_ends_where_a_page_repeats_the_one_before() -> None:
    s = spider()
    [*_, following] = run(s, list_page("http://127.0.0.1:1/board/?sida=3", "x", "y"),
                          number=3, previous=None)
    # a site that serves its last page for any higher number
    again = run(s, list_page("http://127.0.0.1:1/board/?sida=4", "x", "y"), number=4,
                previous=following.cb_kwargs["previous"])
    assert again == [] and not s.collector.errors


def test_max_pages_is_a_budget_and_recorded() -> None:
    s = spider(max_pages=3)
    out = run(s, list_page("http://127.0.0.1:1/board/?sida=3", "z"), number=3, previous=None)
    assert [r.url for r in out] == ["http://127.0.0.1:1/board/ad/z"]
    assert s.collector.errors == {"page_parameter_budget_reached": 1}


def read_item(html: str, extractor: dict[str, Any], name: str = "languages") -> object:
    from parsel import Selector

    from crawler.sites import Extractor
    from spiders.listings import read

    return read(Selector(text=f"<div class='item'>{html}</div>"), name,
                Extractor.model_validate(extractor))


# list fields stay lists: one value per chip, <li> or separated part
@pytest.mark.parametrize("html, extractor, expected", [
    ('<span class="chip">English</span><span class="chip">Svenska</span>',
     {"css": ".chip::text", "all": True}, ("English", "Svenska")),
    ("<ul><li>English</li><li> Svenska </li><li></li></ul>",
     {"css": "li::text", "all": True}, ("English", "Svenska")),
    ('<p class="s">English, Svenska / Deutsch</p>',
     {"css": ".s::text", "split": [",", "/"]}, ("English", "Svenska", "Deutsch")),
    ('<p class="s">English och Svenska; Deutsch</p>',
     {"css": ".s::text", "split": r"\s*(?:;|\boch\b)\s*"}, ("English", "Svenska", "Deutsch")),
    ('<p class="s">English, Svenska</p><p class="s">Suomi</p>',
     {"css": ".s::text", "all": True, "split": [","]}, ("English", "Svenska", "Suomi")),
    ('<p class="s">English, Svenska</p>', {"css": ".s::text"}, ("English, Svenska",)),
    ('<p class="s"></p>', {"css": ".s::text", "all": True}, ()),
])
def test_a_list_field_is_read_as_its_values(html: str, extractor: dict[str, Any],
                                            expected: tuple[str, ...]) -> None:
    assert read_item(html, extractor) == expected


def test_other_fields_read_with_all_are_one_text() -> None:
    html = "<p class='t'>Hej</p><p class='t'>där</p>"
    assert read_item(html, {"css": ".t::text", "all": True}, "text") == "Hej där"


def test_a_detail_pages_header_footer_and_navigation_are_not_the_listings_links() -> None:
    s = spider()
    body = ("<html><body><header><a href='https://partner.test/'>p</a></header>"
            "<nav><a href='https://meny.test/x'>m</a></nav>"
            "<main><article><span class='ort'>Lund</span>"
            "<a href='https://bokning.test/a'>boka</a>"
            "<footer><a href='https://kanal.test/b'>kanal</a></footer></article></main>"
            "<footer><a href='https://stod.test/'>stöd</a></footer></body></html>")
    url = "http://127.0.0.1:1/board/ad/a"
    s.parse_detail(HtmlResponse(url=url, body=body.encode(), encoding="utf-8",
                                request=scrapy.Request(url)))
    [(listing, domains)] = s.collector.listing_links
    # the listing's own links, its article's footer included; the page's chrome is not
    assert domains == {"bokning.test", "kanal.test"}
    assert listing.get("locality") == "Lund"
