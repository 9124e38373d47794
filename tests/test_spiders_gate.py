"""Age gates and consent walls: recognised on a list page without items, and passed by a
real crawl of the demo market through each kind (a form post, a given cookie, a click in
real Chromium), with every posting found; without the gate step the crawl finds nothing
and `adcensus sites check` says it met a gate, and which key to add."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import scrapy
import yaml
from parsel import Selector
from scrapy.http import FormRequest, HtmlResponse

from crawler.demo_market.generator import generate
from crawler.demo_market.market import Market
from crawler.demo_market.server import MarketServer
from crawler.sites import SiteDefinition
from spiders.collector import SiteCollector
from spiders.gate import click_through, looks_like_gate
from spiders.listings import ListingsSpider
from tests.conftest import SITES, write_config


def page(body: str) -> Selector:
    return Selector(text=f"<html><head><title>t</title></head><body>{body}</body></html>")


@pytest.mark.parametrize("body, found", [
    ('<h2>Är du över 18?</h2><form><button name="svar" value="ja">Ja</button></form>',
     "age_gate_form"),
    ('<div class="age-gate"><h2>Adults only</h2><p>You must be 18 or over.</p>'
     '<button type="button">Enter</button></div>', "age_gate_button"),
    ('<p>Denna sida är för vuxna</p><a href="/in">Jag är 18 år eller äldre</a>',
     "age_gate_link"),
    ('<div role="dialog"><h2>Vi använder cookies</h2><button>Godkänn alla</button></div>',
     "consent_wall_button"),
    ('<div role="dialog"><p>We value your privacy</p>'
     '<input type="submit" value="Accept"></div>', "consent_wall_button"),
    ('<form action="/consent"><p>Ge ditt samtycke</p><button>OK</button></form>',
     "consent_wall_form"),
    # an empty list is not a gate, nor is a footer's cookie link, nor words without a control
    ('<ul class="ads"></ul><p>Inga annonser just nu.</p>', None),
    ('<ul class="ads"></ul><footer><a href="/cookies">Om cookies</a></footer>', None),
    ("<h2>Är du över 18?</h2><p>Kom tillbaka senare.</p>", None),
    ("<script>var age = 18; document.cookie = 'x';</script><button>Sök</button>", None),
])
def test_a_page_that_looks_like_a_gate(body: str, found: str | None) -> None:
    reason = looks_like_gate(page(body))
    assert reason == (f"list_page_looks_like_{found}" if found else None)


# -- the spider's steps, on pages built here (no network) ------------------------------

START = "http://127.0.0.1:1/board/"
GATE_PAGE = ('<h2>Är du över 18?</h2><form class="alder" method="post" action="/board/alder">'
             '<input type="hidden" name="till" value="/board/">'
             '<button name="svar" value="ja">Ja</button><button name="svar" value="nej">Nej'
             "</button></form>")


def gated_spider(gate: dict[str, object], render: str = "http",
                 **list_page: object) -> ListingsSpider:
    site = SiteDefinition.model_validate({
        "name": "board", "kind": "ad_board", "render": render, "start_urls": [START],
        "wait_for": "body.ready" if render == "browser" else None, "gate": gate,
        "list_page": {"items": "li.ad", "link": "a::attr(href)", **list_page},
        "fields": {"locality": ".ort::text"}})
    return ListingsSpider(site, [START], SiteCollector("board", "ad_board"),
                          use_browser=render == "browser")


def starts(s: ListingsSpider) -> list[scrapy.Request]:
    async def collect() -> list[scrapy.Request]:
        return [r async for r in s.start()]

    return asyncio.run(collect())


def response(url: str, body: str, request: scrapy.Request) -> HtmlResponse:
    return HtmlResponse(url=url, body=f"<html><body>{body}</body></html>".encode(),
                        encoding="utf-8", request=request)


def test_a_form_gate_is_posted_before_the_list_is_asked_for() -> None:
    s = gated_spider({"form": {"css": "form.alder", "data": {"svar": "ja"}},
                      "cookies": {"lang": "sv"}}, page_parameter={"name": "sida"})
    [gate] = starts(s)
    assert gate.url == START and gate.callback == s.parse_gate and gate.dont_filter
    assert gate.cookies == {"lang": "sv"}
    [post] = list(s.parse_gate(response(START, GATE_PAGE, gate)))
    assert isinstance(post, FormRequest) and post.method == "POST"
    assert post.url == "http://127.0.0.1:1/board/alder"
    assert sorted(post.body.decode().split("&")) == ["svar=ja", "till=%2Fboard%2F"]
    assert post.cookies == {"lang": "sv"} and post.callback == s.gate_passed
    # once answered, the list: the first numbered page, with the given cookies too
    [first] = list(s.gate_passed(response("http://127.0.0.1:1/board/", "", post)))
    assert first.url == START + "?sida=1" and first.dont_filter
    assert first.cookies == {"lang": "sv"} and first.callback == s.parse_list
    assert not s.collector.errors and not s.collector.dropped


def test_a_gate_not_shown_or_failed_still_reads_the_list_and_says_so() -> None:
    s = gated_spider({"form": {"css": "form.alder", "url": "/alder-check"}},
                     next_page="a.next::attr(href)")
    [gate] = starts(s)
    assert gate.url == "http://127.0.0.1:1/alder-check"
    [first] = list(s.parse_gate(response(gate.url, "<p>Välkommen</p>", gate)))
    assert first.url == START and s.collector.dropped == {"gate_form_not_shown": 1}

    class Refused(Exception):
        pass

    failure = type("Failure", (), {"value": Refused(), "request": gate})()
    [again] = list(s.gate_failed(failure))
    assert again.url == START and s.collector.errors == {"gate_refused": 1}


@pytest.mark.parametrize("form, data, sent", [
    (GATE_PAGE, {}, [("till", "/board/"), ("svar", "ja")]),  # the first button clicked
    (GATE_PAGE, {"svar": "ja"}, [("till", "/board/"), ("svar", "ja")]),
    ('<form><input name="a" value="1"><input type="checkbox" name="c" value="x">'
     '<input type="checkbox" name="d" checked><input type="submit" name="go" value="OK">'
     '<input type="submit" name="no" value="Nej"></form>', {}, [("a", "1"), ("d", "on"),
                                                                ("go", "OK")]),
    ('<form><select name="land"><option value="se">SE</option><option value="no" selected>'
     'NO</option></select><textarea name="t">hej</textarea><button type="button" '
     'name="x">X</button></form>', {"t": "då"}, [("land", "no"), ("t", "då")]),
    ('<form><input type="hidden" name="token" value="abc"><button>Ja</button></form>',
     {"svar": "ja"}, [("token", "abc"), ("svar", "ja")]),
])
def test_what_a_gate_s_form_sends(form: str, data: dict[str, str],
                                  sent: list[tuple[str, str]]) -> None:
    from spiders.gate import form_fields

    assert form_fields(Selector(text=form).css("form")[0], data) == sent


def test_cookies_headers_and_a_click_go_with_every_request() -> None:
    s = gated_spider({"click": "#godkann", "headers": {"X-Age": "18"}}, render="browser")
    [first] = starts(s)
    assert first.headers.get("X-Age") == b"18"
    methods = first.meta["playwright_page_methods"]
    # the gate is clicked before the page counts as rendered
    assert methods[0].method is click_through and methods[0].args == ("#godkann", "body.ready")
    assert methods[1].method == "wait_for_selector" and methods[1].args == ("body.ready",)
    detail = s._request("http://127.0.0.1:1/board/ad/1", s.parse_detail, list_page=False)
    assert detail.meta["playwright_page_methods"][0].method is click_through
    assert detail.headers.get("X-Age") == b"18" and not detail.dont_filter


# -- real crawls: `adcensus sites check` crawls one site in its own process -------------

LISTINGS = 900  # several pages on each small site: 8 numbered on radannonsen, 3 on dejtflodet


@pytest.fixture(scope="module")
def market() -> Iterator[tuple[Market, MarketServer]]:
    m = generate(seed=5, listings=LISTINGS)
    with MarketServer(m) as server:
        yield m, server


def check(tmp_path: Path, server: MarketServer, name: str,
          change: dict[str, object] | None = None) -> subprocess.CompletedProcess[str]:
    """``adcensus sites check NAME`` on the shipped definitions, ``change`` set on top
    of the site's (a key set to None is removed)."""
    sites = tmp_path / "sites"
    shutil.copytree(SITES, sites)
    if change:
        path = sites / f"{name}.yaml"
        data = yaml.safe_load(path.read_text())
        for key, value in change.items():
            if value is None:
                data.pop(key)
            else:
                data[key] = value
        path.write_text(yaml.safe_dump(data, allow_unicode=True))
    config = write_config(tmp_path, server.url, sites_dir=sites)
    return subprocess.run([sys.executable, "-m", "crawler.cli", "sites", "check", name,
                           "--config", str(config), "--pages", "1000"],
                          capture_output=True, text=True, timeout=600)


def items_of(out: str, name: str) -> int:
    found = re.search(rf"^{name}: (\d+) pages, (\d+) items$", out, re.MULTILINE)
    assert found, out
    return int(found.group(2))


@pytest.mark.slow
@pytest.mark.parametrize("name", [
    "radannonsen",  # a form posted over plain HTTP, its cookie kept for the crawl
    "visitkortet",  # a cookie given in the definition, no browser
    pytest.param("sockerdejt", marks=pytest.mark.browser),  # a consent wall clicked
])
def test_a_crawl_through_the_gate_finds_every_posting(
        tmp_path: Path, market: tuple[Market, MarketServer], name: str) -> None:
    m, server = market
    result = check(tmp_path, server, name)
    assert result.returncode == 0, result.stdout + result.stderr
    assert items_of(result.stdout, name) == len(m.live_hits(name)) > 20
    assert "errors:" not in result.stdout and "looks like" not in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("name, kind, control", [
    ("radannonsen", "an age gate", "form and words about age"),
    ("visitkortet", "an age gate", "button and words about age"),
    pytest.param("sockerdejt", "a consent wall", "button and words about consent",
                 marks=pytest.mark.browser),
])
def test_without_the_gate_step_check_says_it_met_a_gate(
        tmp_path: Path, market: tuple[Market, MarketServer], name: str, kind: str,
        control: str) -> None:
    m, server = market
    result = check(tmp_path, server, name, {"gate": None})
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert items_of(out, name) == 0
    assert f"the list page looks like {kind} (a {control}, no items)" in out
    assert "under 'gate:'" in out and "no items: check list_page.items" not in out
    # a fixed description only: nothing of the gate page, nothing of any listing
    for text in ("Är du över 18", "Adults only", "Godkänn alla", "Vi använder cookies"):
        assert text not in out
    assert not any(p.text in out or p.fields.get("title", "\0") in out
                   or p.fields.get("name", "\0") in out for p in m.postings)


@pytest.mark.slow
@pytest.mark.browser
def test_page_numbers_combined_with_infinite_scroll(
        tmp_path: Path, market: tuple[Market, MarketServer]) -> None:
    """Dejtflödet: each numbered page grows by scrolling; every page is scrolled to its
    end, then the next number asked for, until a page with no posts."""
    m, server = market
    live = len(m.live_hits("dejtflodet"))
    assert live > 2 * 15, "the fixture market has three numbered pages"
    result = check(tmp_path, server, "dejtflodet")
    assert result.returncode == 0, result.stdout + result.stderr
    assert items_of(result.stdout, "dejtflodet") == live
    assert "errors:" not in result.stdout
    # the same pages reached by the "Nästa sida" link the feed shows at each page's end
    by_link = {"items": "section.post", "next_page": "a.nasta::attr(href)",
               "infinite_scroll": {"end": "#slut", "max_steps": 50}}
    result = check(tmp_path / "link", server, "dejtflodet", {"list_page": by_link})
    assert result.returncode == 0, result.stdout + result.stderr
    assert items_of(result.stdout, "dejtflodet") == live
    # without paging between pages only the first page is read
    first_only = {"items": "section.post", "infinite_scroll": {"end": "#slut"}}
    result = check(tmp_path / "one", server, "dejtflodet", {"list_page": first_only})
    assert items_of(result.stdout, "dejtflodet") == 15
