"""Browser contexts, and the browser itself, recycled: long scrapy-playwright crawls grow.

Chromium keeps what a context's pages leave behind (caches, renderer and JavaScript
heaps, whatever a site's scripts leak) for as long as the context lives, and its own
processes grow over hours of browsing. This downloader middleware gives every browser
request a named context (scrapy-playwright's ``playwright_context``). After
``ADCENSUS_BROWSER_PAGES_PER_CONTEXT`` pages, further requests wait until the pages of
the current context are done; the context is closed and the next one opened. After
``ADCENSUS_BROWSER_RESTART_PAGES`` pages the browser is closed as well, and
scrapy-playwright launches a new one for the next page (its
``PLAYWRIGHT_RESTART_DISCONNECTED_BROWSER``, on by default; spiders/settings.py sets it).

Draining before switching, rather than opening the next context beside the old one,
keeps one context and one browser at a time, so memory is bounded by one context's
worth; it costs about one page's time per context.

Stats: ``adcensus/browser/contexts_closed`` and ``adcensus/browser/restarts``; next to
scrapy-playwright's own ``playwright/context_count`` (opened) and
``playwright/browser_count`` (launched).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response

logger = logging.getLogger(__name__)

# request meta: which context a request was counted in, until it is done
TICKET = "adcensus_browser_context"
CONTEXT_PREFIX = "adcensus-"


class BrowserRecycler:
    def __init__(self, stats: Any, pages_per_context: int, restart_pages: int = 0,
                 context_kwargs: dict[str, Any] | None = None) -> None:
        self.stats = stats
        self.pages_per_context = pages_per_context
        self.restart_pages = restart_pages  # 0: never
        self.context_kwargs = dict(context_kwargs or {})
        self.number = 1  # of the current context, in its name
        self.assigned = 0  # pages given to the current context
        self.since_launch = 0  # pages given to the current browser
        self.open = 0  # pages of the current context not done yet
        self.context: Any = None  # the current context, once one of its pages exists
        self.switching: asyncio.Event | None = None  # set while the current context drains
        self._retiring: asyncio.Task[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> BrowserRecycler:
        settings = crawler.settings
        pages = settings.getint("ADCENSUS_BROWSER_PAGES_PER_CONTEXT", 0)
        if pages <= 0:
            raise NotConfigured
        return cls(crawler.stats, pages, settings.getint("ADCENSUS_BROWSER_RESTART_PAGES", 0),
                   settings.getdict("ADCENSUS_BROWSER_CONTEXT"))

    @property
    def context_name(self) -> str:
        return f"{CONTEXT_PREFIX}{self.number}"

    async def process_request(self, request: Request) -> None:
        if not request.meta.get("playwright"):
            return None
        page = request.meta.get("playwright_page")
        if page is not None and not page.is_closed():
            # a retry that reuses its page: it belongs to that page's context, which the
            # first attempt already counted and which waits for the page to close
            return None
        while self.switching is not None or self._due():
            if self.switching is None:
                self.switching = asyncio.Event()
                if self.open == 0:
                    self._retire_soon()
            await self.switching.wait()
        request.meta.update(playwright_context=self.context_name,
                            playwright_context_kwargs=self.context_kwargs,
                            playwright_page_init_callback=self._page_created)
        request.meta[TICKET] = self.number
        self.assigned += 1
        self.since_launch += 1
        self.open += 1
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        self._finished(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._finished(request)
        return None

    def _due(self) -> bool:
        return self.assigned >= self.pages_per_context or self._restart_due()

    def _restart_due(self) -> bool:
        return self.restart_pages > 0 and self.since_launch >= self.restart_pages

    async def _page_created(self, page: Any, request: Request) -> None:
        self.context = page.context

    def _finished(self, request: Request) -> None:
        number = request.meta.pop(TICKET, None)
        if number is None:
            return
        page = request.meta.get("playwright_page")
        if page is not None and request.meta.get("playwright_include_page") \
                and not page.is_closed():
            # the spider still works in this page (clicking, scrolling): done once it
            # closes it
            page.once("close", lambda _page: self._release(number))
        else:
            self._release(number)

    def _release(self, number: int) -> None:
        if number != self.number:
            return  # cannot happen: a context is closed only once its pages are done
        self.open -= 1
        if self.open == 0 and self.switching is not None:
            self._retire_soon()

    def _retire_soon(self) -> None:
        if self._retiring is None or self._retiring.done():
            self._retiring = asyncio.ensure_future(self._retire())

    async def _retire(self) -> None:
        context, restart = self.context, self._restart_due()
        try:
            if context is not None:
                browser = context.browser
                await context.close()
                self.stats.inc_value("adcensus/browser/contexts_closed")
                if restart and browser is not None:
                    await browser.close()
                    self.stats.inc_value("adcensus/browser/restarts")
                    # the browser announced its disconnection as it closed; one turn of
                    # the loop lets scrapy-playwright's callback drop it, so the next
                    # page launches a new one (a page that still found the old one is
                    # retried by scrapy-playwright itself, as a closed target)
                    await asyncio.sleep(0)
        except Exception as exc:  # a browser already gone: the next page starts afresh
            logger.warning("could not close browser context %s: %s", self.context_name,
                           type(exc).__name__)
        finally:
            if restart:
                self.since_launch = 0
            self.number += 1
            self.assigned = 0
            self.context = None
            switching, self.switching = self.switching, None
            if switching is not None:
                switching.set()
