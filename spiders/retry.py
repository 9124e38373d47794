"""Retries with exponential backoff, honouring Retry-After.

Scrapy's RetryMiddleware retries at once; a site that answers 429 or 503 asks the
crawler to wait, and retrying at once is both impolite and useless. This subclass
waits before handing the retry back: Retry-After when the site sends it (capped), else
base * 2^(attempt-1). The wait is an asyncio sleep: other requests go on meanwhile.

A page that answers after a retry is recovered, not lost: it is counted in the stats
under ``RECOVERED`` + the reason of its first failure (``http_503``, ``timeout``), so the
run record can tell it from the pages that were lost (spiders/crawl.py).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response

from spiders.collector import reason_of

# stats key prefix: pages answered after a retry, by the reason of their first failure
RECOVERED = "adcensus/retry/recovered/"
_FIRST_FAILURE = "adcensus_first_failure"  # request meta: why its first attempt failed


def retry_after_s(value: bytes | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date), else None."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.base_s = settings.getfloat("ADCENSUS_RETRY_BACKOFF_S", 0.5)
        self.max_s = settings.getfloat("ADCENSUS_RETRY_MAX_DELAY_S", 60.0)

    def delay_for(self, retry: Request, response: Response | None) -> float:
        header = response.headers.get(b"Retry-After") if response is not None else None
        asked = retry_after_s(header)
        if asked is not None:
            return min(asked, self.max_s)
        attempt = max(1, int(retry.meta.get("retry_times", 1)))
        return min(self.base_s * 2 ** (attempt - 1), self.max_s)

    async def process_response(self, request: Request, response: Response,  # type: ignore[override]
                               spider: Any = None) -> Request | Response:
        result = super().process_response(request, response)
        if isinstance(result, Request):
            result.meta[_FIRST_FAILURE] = request.meta.get(_FIRST_FAILURE,
                                                           f"http_{response.status}")
            await asyncio.sleep(self.delay_for(result, response))
        elif request.meta.get(_FIRST_FAILURE) and response.status < 400 and self._stats:
            self._stats.inc_value(RECOVERED + request.meta[_FIRST_FAILURE])
        return result

    async def process_exception(self, request: Request, exception: Exception,  # type: ignore[override]
                                spider: Any = None) -> Request | Response | None:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            result.meta[_FIRST_FAILURE] = request.meta.get(_FIRST_FAILURE, reason_of(exception))
            await asyncio.sleep(self.delay_for(result, None))
        return result

    @property
    def _stats(self) -> Any:
        crawler = getattr(self, "crawler", None)
        return crawler.stats if crawler is not None else None
