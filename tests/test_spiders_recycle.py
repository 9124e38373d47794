"""Browser contexts and the browser recycled: the middleware's rules on stand-ins for
Playwright's objects, then a real snapshot in Chromium whose counts still equal the
ground truth while contexts come and go and the browser restarts."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response

from crawler.demo_market.generator import generate
from crawler.demo_market.server import MarketServer
from crawler.demo_market.truth import compute_truth
from crawler.store import open_store
from spiders.recycle import TICKET, BrowserRecycler
from tests.conftest import write_config

# -- stand-ins for Playwright's browser, context and page ---------------------------------


class Browser:
    def __init__(self) -> None:
        self.closed = False

    async def close(self) -> None:
        self.closed = True


class Context:
    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.closed = False

    async def close(self) -> None:
        self.closed = True


class Page:
    def __init__(self, context: Context) -> None:
        self.context = context
        self._closed = False
        self._on_close: list[Any] = []

    def is_closed(self) -> bool:
        return self._closed

    def once(self, event: str, handler: Any) -> None:
        assert event == "close"
        self._on_close.append(handler)

    def close(self) -> None:
        self._closed = True
        for handler in self._on_close:
            handler(self)


class Stats:
    def __init__(self) -> None:
        self.values: Counter[str] = Counter()

    def inc_value(self, key: str) -> None:
        self.values[key] += 1


def browser_request(**meta: Any) -> Request:
    return Request("http://127.0.0.1:1/p", meta={"playwright": True, **meta})


async def opened(recycler: BrowserRecycler, request: Request, context: Context) -> Page:
    """The request through the middleware, and its page created as scrapy-playwright does."""
    await recycler.process_request(request)
    page = Page(context)
    await request.meta["playwright_page_init_callback"](page, request)
    return page


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def test_requests_wait_until_the_full_context_is_done_then_go_to_a_new_one() -> None:
    async def scenario() -> None:
        stats = Stats()
        recycler = BrowserRecycler(stats, pages_per_context=2,
                                   context_kwargs={"accept_downloads": False})
        first = Context(Browser())
        a, b, c = browser_request(), browser_request(), browser_request()
        await opened(recycler, a, first)
        await opened(recycler, b, first)
        assert a.meta["playwright_context"] == b.meta["playwright_context"] == "adcensus-1"
        assert a.meta["playwright_context_kwargs"] == {"accept_downloads": False}
        waiting = asyncio.ensure_future(recycler.process_request(c))
        await settle()
        assert not waiting.done(), "the third page waits for the first context to drain"
        recycler.process_response(a, Response(a.url))
        await settle()
        assert not waiting.done() and not first.closed
        recycler.process_exception(b, RuntimeError("failed"))  # a failure is done too
        await settle()
        assert waiting.done() and first.closed and not first.browser.closed
        assert c.meta["playwright_context"] == "adcensus-2"
        assert stats.values == {"adcensus/browser/contexts_closed": 1}
        assert TICKET not in a.meta and TICKET in c.meta

    asyncio.run(scenario())


def test_the_browser_is_closed_after_its_page_budget() -> None:
    async def scenario() -> None:
        stats = Stats()
        recycler = BrowserRecycler(stats, pages_per_context=2, restart_pages=3)
        browser = Browser()
        requests = [browser_request() for _ in range(4)]
        context = Context(browser)
        for r in requests[:2]:
            await opened(recycler, r, context)
            recycler.process_response(r, Response(r.url))
        await settle()
        assert not context.closed, "closed when a next page needs a context, not before"
        second = Context(browser)
        await opened(recycler, requests[2], second)  # the browser's third page
        assert context.closed and not browser.closed  # 2 pages: a new context only
        waiting = asyncio.ensure_future(recycler.process_request(requests[3]))
        await settle()
        assert not waiting.done()
        recycler.process_response(requests[2], Response(requests[2].url))
        await settle()
        assert waiting.done() and second.closed and browser.closed
        assert requests[3].meta["playwright_context"] == "adcensus-3"
        assert stats.values == {"adcensus/browser/contexts_closed": 2,
                                "adcensus/browser/restarts": 1}

    asyncio.run(scenario())


def test_a_page_the_spider_keeps_counts_until_the_spider_closes_it() -> None:
    async def scenario() -> None:
        recycler = BrowserRecycler(Stats(), pages_per_context=1)
        context = Context(Browser())
        listing = browser_request(playwright_include_page=True)
        page = await opened(recycler, listing, context)
        listing.meta["playwright_page"] = page  # as scrapy-playwright hands it over
        recycler.process_response(listing, Response(listing.url))
        after = browser_request()
        waiting = asyncio.ensure_future(recycler.process_request(after))
        await settle()
        assert not waiting.done() and not context.closed, "the spider still clicks in it"
        # a retry of that list page reuses its open page: not held, not counted again
        retry = browser_request(playwright_include_page=True, playwright_page=page)
        await recycler.process_request(retry)
        assert TICKET not in retry.meta
        page.close()
        await settle()
        assert waiting.done() and context.closed
        assert after.meta["playwright_context"] == "adcensus-2"

    asyncio.run(scenario())


def test_plain_requests_pass_untouched_and_zero_turns_it_off() -> None:
    async def scenario() -> None:
        recycler = BrowserRecycler(Stats(), pages_per_context=1)
        plain = Request("http://127.0.0.1:1/robots.txt")
        for _ in range(3):
            assert await recycler.process_request(plain) is None
        assert "playwright_context" not in plain.meta and recycler.assigned == 0

    asyncio.run(scenario())

    class Crawler:
        class settings:
            @staticmethod
            def getint(name: str, default: int = 0) -> int:
                return 0

    with pytest.raises(NotConfigured):
        BrowserRecycler.from_crawler(Crawler)


# -- a real crawl in Chromium -------------------------------------------------------------

PER_CONTEXT, RESTART = 10, 35
BROWSER_LINE = re.compile(r"browser of (\w+): (.*)$", re.MULTILINE)


def expected(pages: int) -> tuple[int, int]:
    """Contexts opened and browser restarts for ``pages`` pages, by the rule as stated
    in docs/OPERATIONS.md: a new context after PER_CONTEXT pages, a new browser (and
    context) after RESTART."""
    contexts, restarts, in_context, in_browser = 1, 0, 0, 0
    for _ in range(pages):
        if in_context >= PER_CONTEXT or in_browser >= RESTART:
            contexts += 1
            if in_browser >= RESTART:
                restarts += 1
                in_browser = 0
            in_context = 0
        in_context += 1
        in_browser += 1
    return contexts, restarts


@pytest.mark.slow
@pytest.mark.browser
def test_contexts_are_recycled_and_the_browser_restarted_in_a_real_crawl(tmp_path: Path) -> None:
    market = generate(seed=7, listings=240)
    sites = ["profilkatalogen", "sockerdejt"]  # a page per profile; one long-lived page
    with MarketServer(market) as server:
        config = write_config(tmp_path, server.url, browser_pages_per_context=PER_CONTEXT,
                              browser_restart_pages=RESTART, memory_limit_mb=0)
        data = yaml.safe_load(config.read_text())
        data["sites"]["enabled"] = sites
        config.write_text(yaml.safe_dump(data))
        done = subprocess.run([sys.executable, "-m", "scheduler.snapshot_process",
                               "--config", str(config), "--quiet"],
                              capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    browsers = {site: dict(pair.split("=") for pair in figures.split())
                for site, figures in BROWSER_LINE.findall(done.stderr)}
    profiles = {k: int(v) for k, v in browsers["profilkatalogen"].items()}
    truth = compute_truth(market, 0)
    hits = truth.hits["profilkatalogen"]
    assert profiles["pages"] == hits + -(-hits // 24)  # profiles and list pages
    contexts, restarts = expected(profiles["pages"])
    assert restarts >= 2 and contexts >= 7
    assert profiles["contexts_opened"] == contexts
    assert profiles["contexts_closed"] == contexts - 1  # the last one closes with the crawl
    assert profiles["max_concurrent_contexts"] == 1
    assert profiles["browser_restarts"] == restarts
    assert profiles["browser_launches"] == restarts + 1
    assert int(browsers["sockerdejt"]["contexts_opened"]) == 1

    with open_store(f"sqlite:///{tmp_path / 'store.sqlite'}") as store:
        run = store.runs()[-1]
        rows = {(i.scope, i.level): i.value for i in store.indicators(
            snapshot_id=run.snapshot_id, measure="count", breakdown="total")}
    assert run.status == "complete"
    for site in sites:
        assert rows[site, "hits"] == truth.hits[site], site
        assert rows[site, "unique"] == truth.unique[site], site
        assert rows[site, "distinct"] == truth.distinct[site], site
