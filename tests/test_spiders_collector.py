from __future__ import annotations

import pytest
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.listing import Listing
from spiders.collector import SiteCollector, reason_of


@pytest.mark.parametrize("exc, reason", [
    (DownloadConnectionRefusedError("x"), "connection_refused"),
    (CannotResolveHostError("x"), "dns_failure"),
    (DownloadTimeoutError("x"), "timeout"),
    (ResponseDataLossError("x"), "truncated_response"),
    (IgnoreRequest("Forbidden by robots.txt"), "forbidden_by_robots_txt"),
    (HttpError(Response("http://127.0.0.1/", status=503, request=Request("http://127.0.0.1/")),
               "x"), "http_503"),
    (ValueError("x"), "value_error"),
])
def test_reasons(exc: BaseException, reason: str) -> None:
    assert reason_of(exc) == reason


def test_site_run_counts_and_health() -> None:
    collector = SiteCollector("a", "ad_board")
    assert collector.site_run().health == "failed"  # no page fetched
    collector.page()
    collector.add(Listing("a", "ad_board", {"text": "x"}))
    collector.error("http_500")
    collector.drop("no_field_filled")
    run = collector.site_run()
    assert (run.health, run.pages, run.items) == ("ok", 1, 1)
    assert run.errors == {"http_500": 1} and run.dropped == {"no_field_filled": 1}


def test_recovered_pages_are_kept_apart_from_lost_ones() -> None:
    collector = SiteCollector("a", "ad_board")
    collector.page()
    collector.error("http_503")
    collector.recovered["http_503"] += 83
    run = collector.site_run()
    assert run.lost == {"http_503": 1}
    assert run.recovered == {"http_503": 83}
    assert run.errors == {"http_503": 1, "recovered_http_503": 83}  # as the stores keep it


def test_redirect_loops_have_a_reason() -> None:
    assert reason_of(IgnoreRequest("max redirections reached")) == "too_many_redirects"
