"""A JSON API site: paging (offset, page number, next URL), items in place or at
their own endpoint, and how a batch ends, on responses built here; then real crawls
of the demo market's kontaktnavet over HTTP on 127.0.0.1, without a browser."""

from __future__ import annotations

import asyncio
import datetime
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import scrapy
import yaml
from scrapy.http import TextResponse

from crawler.demo_market.generator import generate
from crawler.demo_market.market import Market
from crawler.demo_market.server import MarketServer
from crawler.sites import SiteDefinition
from spiders.api import ApiSpider
from spiders.collector import SiteCollector
from tests.conftest import SITES, write_config

START = "http://127.0.0.1:1/api/ads?limit=2"


def spider(**api: Any) -> ApiSpider:
    site = SiteDefinition.model_validate({
        "name": "navet", "kind": "sugardating", "start_urls": [START],
        "api": {"items": "data.ads", **api},
        "fields": {"locality": {"json": "city"}, "languages": {"json": "langs"}},
    })
    return ApiSpider(site, [START], SiteCollector("navet", "sugardating"), use_browser=False)


def batch(url: str, data: Any) -> TextResponse:
    body = data if isinstance(data, bytes) else json.dumps(data).encode()
    return TextResponse(url=url, body=body, encoding="utf-8", request=scrapy.Request(url))


def ads(*cities: str) -> dict[str, Any]:
    return {"data": {"ads": [{"city": c, "langs": ["Svenska", "English"], "self": f"/ad/{c}"}
                             for c in cities]}}


def first(s: ApiSpider) -> scrapy.Request:
    async def collect() -> list[scrapy.Request]:
        return [r async for r in s.start()]

    [request] = asyncio.run(collect())
    return request


def parse(s: ApiSpider, request: scrapy.Request, data: Any) -> list[scrapy.Request]:
    return list(s.parse_batch(batch(request.url, data), **request.cb_kwargs))


def test_offset_counts_items_and_ends_at_an_empty_batch() -> None:
    s = spider(offset={"name": "offset"})
    request = first(s)
    assert request.url == START + "&offset=0"
    assert request.headers["Accept"] == b"application/json"
    [following] = parse(s, request, ads("Lund", "Umea"))
    assert following.url == START + "&offset=2"
    [last] = parse(s, following, ads("Visby"))
    assert last.url == START + "&offset=3"  # a short batch is not taken as the end
    assert parse(s, last, {"data": {"ads": []}}) == []
    assert len(s.collector.listings) == 3 and not s.collector.dropped and not s.collector.errors
    assert s.collector.pages == 3


def test_page_numbers_end_where_a_batch_repeats() -> None:
    s = spider(page={"name": "sida"})
    request = first(s)
    assert request.url == START + "&sida=1"  # pages count from 1, offsets from 0
    assert first(spider(page={"name": "sida", "first": 0})).url == START + "&sida=0"
    assert first(spider(offset={"name": "skip", "first": 10})).url == START + "&skip=10"
    [following] = parse(s, request, ads("Lund"))
    assert following.url == START + "&sida=2"
    # an API that serves its last batch again for any higher number
    assert parse(s, following, ads("Lund")) == []
    assert len(s.collector.listings) == 1


def test_a_next_url_in_the_json_until_it_is_null() -> None:
    s = spider(next_url="paging.next")
    request = first(s)
    assert request.url == START
    [following] = parse(s, request, {**ads("Lund"), "paging": {"next": "/api/ads?after=x1"}})
    assert following.url == "http://127.0.0.1:1/api/ads?after=x1"
    assert parse(s, following, {**ads("Umea"), "paging": {"next": None}}) == []
    assert len(s.collector.listings) == 2


def test_max_pages_is_a_budget_and_recorded() -> None:
    s = spider(offset={"name": "offset"}, max_pages=2)
    [following] = parse(s, first(s), ads("Lund", "Umea"))
    assert parse(s, following, ads("Visby", "Kiruna")) == []
    assert s.collector.errors == {"api_page_budget_reached": 1}


def test_detail_endpoints_and_the_item_within() -> None:
    s = spider(detail="self", detail_item="ad")
    requests = parse(s, first(s), ads("Lund", "Umea"))
    assert [r.url for r in requests] == ["http://127.0.0.1:1/ad/Lund",
                                         "http://127.0.0.1:1/ad/Umea"]
    assert len(s.collector.listings) == 0
    s.parse_item(batch(requests[0].url, {"ad": {"city": "Lund", "langs": []}}))
    s.parse_item(batch(requests[1].url, {"error": "gone"}))
    assert len(s.collector.listings) == 1 and s.collector.dropped == {"api_detail_item_missing": 1}


@pytest.mark.parametrize("data, reason, kind", [
    ({"data": {"annonser": []}}, "api_items_missing", "dropped"),
    ({"data": {"ads": {"city": "Lund"}}}, "api_items_not_a_list", "dropped"),
    ({"data": {"ads": []}}, "api_batch_empty", "dropped"),
    (b"<html><body>Logga in</body></html>", "api_not_json", "errors"),
])
def test_a_first_batch_without_items_says_why(data: Any, reason: str, kind: str) -> None:
    s = spider(offset={"name": "offset"})
    assert parse(s, first(s), data) == []
    assert getattr(s.collector, kind) == {reason: 1}


def test_items_that_fill_no_field_are_dropped() -> None:
    s = spider()
    assert parse(s, first(s), {"data": {"ads": [{"id": 1}, {"city": "Lund"}]}}) == []
    assert len(s.collector.listings) == 1 and s.collector.dropped == {"no_field_filled": 1}


# --- real crawls of the demo market ------------------------------------------------------


def check(config: Path, site: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crawler.cli", "sites", "check", site,
                           "--config", str(config), "--pages", "1000"],
                          capture_output=True, text=True, timeout=300, check=False)


def filled(out: str) -> dict[str, int]:
    return {m[1]: int(m[2]) for m in re.finditer(r"^  (\w+)\s+(?:indicator|transient content)"
                                                  r"\s+(\d+)", out, re.MULTILINE)}


def test_kontaktnavet_is_read_from_its_api_without_a_browser(tmp_path: Path) -> None:
    """Every live ad, each field filled exactly where the ad states it, with the
    browser switched off; nothing of any ad printed."""
    market = generate(seed=11, listings=600)
    live = [market.posting(h.listing_id) for h in market.live_hits("kontaktnavet")]
    with MarketServer(market) as server:
        result = check(write_config(tmp_path, server.url, browser=False), "kontaktnavet")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"kontaktnavet: {-(-len(live) // 50) + 1} pages, {len(live)} items" in out
    expected = Counter(k for p in live for k in p.fields if k not in ("title", "price"))
    assert filled(out) == {k: expected[k] for k in filled(out)}
    assert filled(out)["locality"] == len(live) > 10
    assert "@" not in out and not any(p.name in out for p in live)


def sites_with(tmp_path: Path, definition: dict[str, Any]) -> Path:
    """A sites directory holding ``definition`` (written again when it changes)."""
    sites = tmp_path / "sites"
    sites.mkdir(exist_ok=True)
    (sites / f"{definition['name']}.yaml").write_text(yaml.safe_dump(definition))
    return sites


def check_broken(tmp_path: Path, key: str | dict[str, Any], value: Any,
                 market: Market | None = None) -> subprocess.CompletedProcess[str]:
    """`sites check` of kontaktnavet with keys of its definition changed (None: removed)."""
    sites = tmp_path / "sites"
    shutil.copytree(SITES, sites)
    broken = yaml.safe_load((sites / "kontaktnavet.yaml").read_text())
    for dotted, new in ({key: value} if isinstance(key, str) else key).items():
        section, name = dotted.split(".")
        if new is None:
            del broken[section][name]
        else:
            broken[section][name] = new
    (sites / "kontaktnavet.yaml").write_text(yaml.safe_dump(broken))
    with MarketServer(market or generate(seed=11, listings=200)) as server:
        config = write_config(tmp_path, server.url, sites_dir=sites)
        return check(config, "kontaktnavet")


def test_sites_check_says_when_the_items_path_finds_nothing(tmp_path: Path) -> None:
    result = check_broken(tmp_path, "api.items", "data.ads")  # the API says data.annonser
    assert result.returncode == 1
    assert "kontaktnavet: 1 pages, 0 items" in result.stdout
    assert "dropped: api_items_missing 1" in result.stdout
    assert "no items: check api.items" in result.stdout


def test_sites_check_flags_a_json_path_that_fills_nothing(tmp_path: Path) -> None:
    # the API says plats.stad
    result = check_broken(tmp_path, "fields.locality", {"json": "plats.city"})
    assert result.returncode == 0, result.stderr
    assert re.search(r"locality\s+indicator\s+0\s+0\.0 %  <- never filled: check its "
                     r"selector or path", result.stdout)
    assert re.search(r"name\s+transient content\s+(\d+)\s+100\.0 %", result.stdout)


@pytest.mark.parametrize("changes, requests", [
    # each ad's own endpoint: the batches of 50 (and the empty one), then one per ad
    ({"api.detail": "lank", "api.detail_item": "annons"}, lambda n: -(-n // 50) + 1 + n),
    # the next URL the API gives, in batches of 50, until it is null
    ({"api.offset": None, "api.next_url": "paging.next"}, lambda n: -(-n // 50)),
])
def test_other_ways_of_reading_kontaktnavet_find_the_same(
        tmp_path: Path, changes: dict[str, Any], requests: Any) -> None:
    market = generate(seed=11, listings=600)
    live = [market.posting(h.listing_id) for h in market.live_hits("kontaktnavet")]
    result = check_broken(tmp_path, changes, None, market)
    assert result.returncode == 0, result.stderr
    assert f"kontaktnavet: {requests(len(live))} pages, {len(live)} items" in result.stdout
    expected = Counter(k for p in live for k in p.fields)
    assert filled(result.stdout) == {k: expected[k] for k in filled(result.stdout)}


@pytest.mark.parametrize("gate", [None, {"cookies": {"samtycke": "ja"}}])
def test_an_api_behind_a_consent_wall_is_read_with_the_gates_cookie(
        tmp_path: Path, gate: dict[str, Any] | None) -> None:
    """Sockerdejt's member API answers 403 until its consent cookie is sent: the same
    site read from its API, without the browser that clicks its wall, needs the gate's
    cookie on every batch."""
    market = generate(seed=11, listings=600)
    live = market.live_hits("sockerdejt")
    definition: dict[str, Any] = {
        "name": "sockerdejt", "kind": "sugardating", "render": "http",
        "start_urls": ["/sites/sockerdejt/api/members?limit=50"],
        "api": {"items": "members", "offset": {"name": "offset"}},
        "fields": {"locality": {"json": "city"}, "text": {"json": "about"}}}
    if gate is not None:
        definition["gate"] = gate
    with MarketServer(market) as server:
        config = write_config(tmp_path, server.url, browser=False,
                              sites_dir=sites_with(tmp_path, definition))
        result = check(config, "sockerdejt")
    if gate is None:
        assert result.returncode == 1
        assert "sockerdejt: 0 pages, 0 items" in result.stdout
        assert "http_403" in result.stdout
    else:
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"sockerdejt: {-(-len(live) // 50) + 1} pages, {len(live)} items" in result.stdout


# --- POST bodies (GraphQL) and cursors ----------------------------------------------------

QUERY = "query ($first: Int, $after: String) { ads(first: $first, after: $after) { ... } }"


def connection(cursor: str | None, *cities: str) -> dict[str, Any]:
    return {"data": {"ads": [{"city": c, "langs": []} for c in cities],
                     "pageInfo": {"endCursor": cursor}}}


def test_a_post_api_gets_its_body_and_the_cursor_of_each_batch() -> None:
    s = spider(post={"query": QUERY, "variables": {"first": 2}},
               cursor={"path": "data.pageInfo.endCursor", "name": "variables.after"})
    request = first(s)
    assert request.method == "POST" and request.url == START
    assert request.headers["Content-Type"] == b"application/json"
    assert request.headers["Accept"] == b"application/json"
    assert json.loads(request.body) == {"query": QUERY, "variables": {"first": 2}}
    [following] = parse(s, request, connection("c2", "Lund", "Umea"))
    assert json.loads(following.body) == {"query": QUERY,
                                          "variables": {"first": 2, "after": "c2"}}
    assert s.site.api is not None and s.site.api.post == {"query": QUERY,
                                                          "variables": {"first": 2}}
    # the same cursor again, or none, is the end
    assert parse(s, following, connection("c2", "Visby")) == []
    s2 = spider(post={"query": QUERY},
                cursor={"path": "data.pageInfo.endCursor", "name": "variables.after"})
    assert parse(s2, first(s2), connection(None, "Lund")) == []
    assert len(s.collector.listings) == 3 and not s.collector.errors


def test_a_cursor_in_a_query_parameter_and_an_offset_in_a_body() -> None:
    s = spider(cursor={"path": "data.pageInfo.endCursor", "name": "after"})
    request = first(s)
    assert request.method == "GET" and request.url == START
    [following] = parse(s, request, connection("x9", "Lund"))
    assert following.url == START + "&after=x9"
    s = spider(post={"query": QUERY, "variables": {"limit": 2}},
               offset={"name": "variables.offset"})
    request = first(s)
    assert json.loads(request.body)["variables"] == {"limit": 2, "offset": 0}
    [following] = parse(s, request, ads("Lund", "Umea"))
    assert json.loads(following.body)["variables"] == {"limit": 2, "offset": 2}
    assert parse(s, following, {"data": {"ads": []}}) == []


def test_an_api_that_refuses_the_query_says_so() -> None:
    s = spider(post={"query": QUERY}, cursor={"path": "x", "name": "variables.after"})
    refused = {"data": None, "errors": [{"message": "Cannot query field 'ads'"}]}
    assert parse(s, first(s), refused) == []
    assert s.collector.errors == {"api_errors_returned": 1} and not s.collector.listings


@pytest.mark.parametrize("api, message", [
    ({"offset": {"name": "o"}, "cursor": {"path": "c", "name": "after"}},
     "not offset and cursor"),
    ({"post": {"query": "q"}, "next_url": "paging.next"}, "page a POST API by offset"),
    ({"post": {"when": datetime.date(2026, 1, 1)}}, "'post' must be a JSON object"),
    ({"cursor": {"path": "a[", "name": "after"}}, "JSON path"),
])
def test_bad_api_paging_is_named(api: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        spider(**api)


def test_kontaktnavet_is_read_from_its_graphql_endpoint(tmp_path: Path) -> None:
    """The same ads from a POST endpoint answering a GraphQL-style query with a
    connection: every live ad, fields filled as from the REST API; a query the endpoint
    refuses is named by `sites check`."""
    market = generate(seed=11, listings=600)
    live = [market.posting(h.listing_id) for h in market.live_hits("kontaktnavet")]
    definition = yaml.safe_load((SITES / "kontaktnavet.yaml").read_text())
    definition["start_urls"] = ["/sites/kontaktnavet/graphql"]
    definition["api"] = {
        "items": "data.annonser.edges[].node",
        "post": {"query": "query ($first: Int, $after: String) { annonser(first: $first, "
                          "after: $after) { edges { node { alias } } } }",
                 "variables": {"first": 50}},
        "cursor": {"path": "data.annonser.pageInfo.endCursor", "name": "variables.after"}}
    with MarketServer(market) as server:
        config = write_config(tmp_path, server.url, browser=False,
                              sites_dir=sites_with(tmp_path, definition))
        result = check(config, "kontaktnavet")
        assert result.returncode == 0, result.stderr
        # batches of 50, and the one after the last cursor that comes back empty
        assert f"kontaktnavet: {-(-len(live) // 50) + 1} pages, {len(live)} items" in result.stdout
        expected = Counter(k for p in live for k in p.fields if k not in ("title", "price"))
        assert filled(result.stdout) == {k: expected[k] for k in filled(result.stdout)}
        definition["api"]["post"]["query"] = "query { members { id } }"
        sites_with(tmp_path, definition)
        refused = check(config, "kontaktnavet")
    assert refused.returncode == 1
    assert "errors: api_errors_returned 1" in refused.stdout
    assert "api_errors_returned: the API refused the query" in refused.stdout
