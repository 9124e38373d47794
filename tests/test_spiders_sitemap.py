"""Listing pages found from sitemaps: an index, gzipped files, robots.txt, which
entries are listings, and the budget, on responses built here; then a real crawl of
the demo market's profilarkivet (sitemaps, JSON-LD, microdata) on 127.0.0.1."""

from __future__ import annotations

import asyncio
import gzip
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse

from crawler.demo_market.generator import generate
from crawler.demo_market.server import MarketServer
from crawler.sites import SiteDefinition
from spiders.collector import SiteCollector
from spiders.sitemap import SitemapListingsSpider
from tests.conftest import write_config

BASE = "http://127.0.0.1:1"
XMLNS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def spider(**sitemap: Any) -> SitemapListingsSpider:
    site = SiteDefinition.model_validate({
        "name": "arkivet", "kind": "profile_directory", "start_urls": [f"{BASE}/sitemap.xml"],
        "sitemap": {"listings": r"/profile/\w+$", **sitemap},
        "fields": {"locality": {"jsonld": "address.addressLocality"}},
    })
    return SitemapListingsSpider(site, [f"{BASE}/sitemap.xml"],
                                 SiteCollector("arkivet", "profile_directory"),
                                 use_browser=False)


def response(path: str, body: bytes) -> Response:
    url = BASE + path
    return TextResponse(url=url, body=body, encoding="utf-8", request=scrapy.Request(url))


def index(*paths: str) -> bytes:
    entries = "".join(f"<sitemap><loc>{BASE}{p}</loc></sitemap>" for p in paths)
    return f'<?xml version="1.0"?><sitemapindex {XMLNS}>{entries}</sitemapindex>'.encode()


def urlset(*paths: str) -> bytes:
    entries = "".join(f"<url><loc>{BASE}{p}</loc><lastmod>2026-01-01</lastmod></url>"
                      for p in paths)
    return f'<?xml version="1.0"?><urlset {XMLNS}>{entries}</urlset>'.encode()


def urls(requests: list[scrapy.Request]) -> list[str]:
    return [r.url.removeprefix(BASE) for r in requests]


def test_start_urls_are_sitemaps_fetched_without_a_browser() -> None:
    async def start() -> list[scrapy.Request]:
        return [r async for r in spider().start()]

    [request] = asyncio.run(start())
    assert request.url == f"{BASE}/sitemap.xml" and not request.meta.get("playwright")


def test_an_index_is_followed_where_it_matches() -> None:
    s = spider(follow="profiles-")
    out = list(s.parse_sitemap(response("/sitemap.xml", index(
        "/sitemaps/pages.xml", "/sitemaps/profiles-1.xml.gz", "/sitemaps/profiles-2.xml"))))
    assert urls(out) == ["/sitemaps/profiles-1.xml.gz", "/sitemaps/profiles-2.xml"]
    assert all(r.callback == s.parse_sitemap for r in out)
    everything = spider()
    assert len(list(everything.parse_sitemap(response("/sitemap.xml", index(
        "/a.xml", "/b.xml"))))) == 2


def test_listing_entries_become_listing_pages_gzipped_or_not() -> None:
    s = spider()
    body = urlset("/profile/a1", "/about", "/profile/b2", "/profile/b2/photos")
    for path, data in (("/s.xml", body), ("/s.xml.gz", gzip.compress(body))):
        out = list(s.parse_sitemap(response(path, data)))
        assert urls(out) == ["/profile/a1", "/profile/b2"]
        assert all(r.callback == s.parse_detail for r in out)
    assert not s.collector.errors and not s.collector.dropped


def test_robots_txt_names_the_sitemaps() -> None:
    s = spider()
    robots = b"User-agent: *\nDisallow: /admin/\nSitemap: /sitemap-a.xml\nsitemap: /b.xml\n"
    assert urls(list(s.parse_sitemap(response("/robots.txt", robots)))) == [
        "/sitemap-a.xml", "/b.xml"]


def test_what_is_not_a_sitemap_is_recorded() -> None:
    s = spider()
    assert list(s.parse_sitemap(response("/sitemap.xml", b"<html><body>404</body></html>"))) == []
    assert list(s.parse_sitemap(response("/sitemap.xml", b"Not found"))) == []
    assert list(s.parse_sitemap(response("/s.xml.gz", b"\x1f\x8bbroken"))) == []
    assert s.collector.errors == {"sitemap_unreadable": 3}
    assert list(s.parse_sitemap(response("/s.xml", urlset("/about", "/contact")))) == []
    assert s.collector.dropped == {"sitemap_without_listings": 1}


def test_max_sitemaps_is_a_budget_and_recorded() -> None:
    s = spider(max_sitemaps=2)
    out = list(s.parse_sitemap(response("/sitemap.xml", index("/1.xml", "/2.xml", "/3.xml"))))
    assert urls(out) == ["/1.xml", "/2.xml"]
    assert s.collector.errors == {"sitemap_budget_reached": 1}


def test_profilarkivet_is_found_from_its_sitemaps_and_read_from_json_ld(tmp_path: Path) -> None:
    """Every live profile found (none of the ordinary pages), each field filled exactly
    where the profile states it: JSON-LD for most, microdata for age, gender, handle."""
    market = generate(seed=12, listings=600)
    live = [market.posting(h.listing_id) for h in market.live_hits("profilarkivet")]
    with MarketServer(market) as server:
        result = subprocess.run(
            [sys.executable, "-m", "crawler.cli", "sites", "check", "profilarkivet", "--config",
             str(write_config(tmp_path, server.url, browser=False)), "--pages", "1000"],
            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    sitemaps = 1 + -(-len(live) // 8)  # the index and the profile sitemaps, not pages.xml
    assert f"profilarkivet: {sitemaps + len(live)} pages, {len(live)} items" in result.stdout
    filled = {m[1]: int(m[2]) for m in re.finditer(
        r"^  (\w+)\s+(?:indicator|transient content)\s+(\d+)", result.stdout, re.MULTILINE)}
    expected = Counter(k for p in live for k in p.fields)
    assert filled == {k: expected[k] for k in filled} and len(filled) == 12
    assert filled["locality"] == len(live) > 10
    assert "errors" not in result.stdout and "dropped" not in result.stdout
