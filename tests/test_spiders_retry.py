from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from scrapy.http import Request, Response
from scrapy.settings import Settings

from spiders.retry import RECOVERED, BackoffRetryMiddleware, retry_after_s


def test_retry_after_forms() -> None:
    assert retry_after_s(b"3") == 3.0
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True).encode()
    assert 25 <= (retry_after_s(later) or 0) <= 31
    assert retry_after_s(b"soon") is None and retry_after_s(None) is None


def test_backoff_doubles_and_respects_the_cap_and_the_header() -> None:
    mw = BackoffRetryMiddleware(Settings({"ADCENSUS_RETRY_BACKOFF_S": 0.5,
                                          "ADCENSUS_RETRY_MAX_DELAY_S": 3}))
    url = "http://127.0.0.1/x"
    delays = [mw.delay_for(Request(url, meta={"retry_times": n}), None) for n in (1, 2, 3, 4)]
    assert delays == [0.5, 1.0, 2.0, 3.0]
    asked = Response(url, status=429, headers={"Retry-After": "2"})
    assert mw.delay_for(Request(url, meta={"retry_times": 1}), asked) == 2.0
    too_long = Response(url, status=429, headers={"Retry-After": "3600"})
    assert mw.delay_for(Request(url, meta={"retry_times": 1}), too_long) == 3.0


def _middleware() -> tuple[BackoffRetryMiddleware, object]:
    from scrapy import Spider
    from scrapy.utils.test import get_crawler

    crawler = get_crawler(Spider, {"ADCENSUS_RETRY_BACKOFF_S": 0, "RETRY_TIMES": 2,
                                   "RETRY_HTTP_CODES": [429, 500, 503]})
    crawler.spider = crawler._create_spider("retry")
    return BackoffRetryMiddleware.from_crawler(crawler), crawler.stats


# one page's attempts in order: a status, or an exception; what its record says
@pytest.mark.parametrize("attempts, recovered", [
    ([200], {}),
    ([503, 200], {"http_503": 1}),
    ([429, 500, 200], {"http_429": 1}),  # by its first failure, once per page
    ([TimeoutError(), 200], {"timeout": 1}),
    ([503, 503, 503], {}),  # retries exhausted: lost (the errback counts it), not recovered
    ([503, 404], {}),  # answered, but not with the page
])
def test_a_page_that_answers_on_a_retry_is_counted_as_recovered(
        attempts: list[object], recovered: dict[str, int]) -> None:
    mw, stats = _middleware()

    async def crawl() -> None:
        request = Request("http://127.0.0.1/x")
        for attempt in attempts:
            if isinstance(attempt, Exception):
                result = await mw.process_exception(request, attempt)
            else:
                result = await mw.process_response(request, Response(request.url, status=attempt))
            if not isinstance(result, Request):
                return
            request = result

    asyncio.run(crawl())
    found = {k[len(RECOVERED):]: v for k, v in stats.get_stats().items()  # type: ignore[attr-defined]
             if k.startswith(RECOVERED)}
    assert found == recovered
