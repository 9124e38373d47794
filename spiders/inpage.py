"""Paging inside one browser page: click "load more" or scroll, until the list is whole.

Both end on their own budget (max_steps), and a page that stops answering keeps what it
had loaded; either case is recorded as an error of the site, never silently.
"""

from __future__ import annotations

from typing import Any

from playwright.async_api import TimeoutError as PlaywrightTimeout

from crawler.sites import ListPage
from spiders.collector import SiteCollector, reason_of

# items counted in the page, by CSS or XPath
_COUNT = """([kind, items]) => kind === "css" ? document.querySelectorAll(items).length
  : document.evaluate(`count(${items})`, document, null, XPathResult.NUMBER_TYPE, null)
      .numberValue"""

# waits until a click on "load more" added items or removed the button
_GREW = f"""([kind, items, before, button]) => {{
  const count = {_COUNT};
  return count([kind, items]) > before || !document.querySelector(button);
}}"""

# waits until a scroll added items or the list's end marker appeared
_SCROLLED = f"""([kind, items, before, end]) => {{
  const count = {_COUNT};
  return count([kind, items]) > before || (end !== null && !!document.querySelector(end));
}}"""

_TO_BOTTOM = "() => window.scrollTo(0, document.documentElement.scrollHeight)"


async def load_all(page: Any, list_page: ListPage, collector: SiteCollector) -> str:
    """The page's HTML once every item is loaded (or a budget or fault stopped it)."""
    items = list_page.items
    kind, expr = ("css", items.css) if items.css is not None else ("xpath", items.xpath)
    if list_page.load_more is not None:
        await _click_until_gone(page, list_page, kind, expr, collector)
    elif list_page.infinite_scroll is not None:
        await _scroll_until_end(page, list_page, kind, expr, collector)
    return await page.content()


async def _click_until_gone(page: Any, list_page: ListPage, kind: str, expr: str,
                            collector: SiteCollector) -> None:
    load_more = list_page.load_more
    assert load_more is not None
    locator = page.locator(f"{kind}={expr}")
    for _ in range(load_more.max_steps):
        button = page.locator(f"css={load_more.button}")
        if await button.count() == 0:
            return
        before = await locator.count()
        await button.first.click()
        try:
            await page.wait_for_function(_GREW, arg=[kind, expr, before, load_more.button])
        except Exception as exc:  # the page stopped answering: keep what is loaded
            collector.error(f"load_more_{reason_of(exc)}")
            return
    if await page.locator(f"css={load_more.button}").count():
        collector.error("load_more_budget_reached")


async def _scroll_until_end(page: Any, list_page: ListPage, kind: str, expr: str,
                            collector: SiteCollector) -> None:
    scroll = list_page.infinite_scroll
    assert scroll is not None
    locator = page.locator(f"{kind}={expr}")
    for _ in range(scroll.max_steps):
        if scroll.end is not None and await page.locator(f"css={scroll.end}").count():
            return
        before = await locator.count()
        await page.evaluate(_TO_BOTTOM)
        try:
            await page.wait_for_function(_SCROLLED, arg=[kind, expr, before, scroll.end],
                                         timeout=scroll.wait_s * 1000)
        except PlaywrightTimeout:
            if scroll.end is not None:
                # the site says when the list ends, and it did not: something broke
                collector.error("infinite_scroll_timeout")
            # without an end marker, a scroll that brings nothing is how the list ends
            return
        except Exception as exc:
            collector.error(f"infinite_scroll_{reason_of(exc)}")
            return
    if scroll.end is None or not await page.locator(f"css={scroll.end}").count():
        collector.error("infinite_scroll_budget_reached")
