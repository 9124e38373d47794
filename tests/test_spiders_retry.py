from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from scrapy.http import Request, Response
from scrapy.settings import Settings

from spiders.retry import BackoffRetryMiddleware, retry_after_s


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
