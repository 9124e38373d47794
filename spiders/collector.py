"""Where a site's listings wait in memory until the crawl ends, with the counts that
go into the run record (pages, items, errors, recovered pages and drops by reason)."""

from __future__ import annotations

import re
import time
from collections import Counter

from crawler.listing import Listing
from crawler.records import RECOVERED_PREFIX, SiteRun
from crawler.vocabulary import SiteHealth


class SiteCollector:
    def __init__(self, site: str, kind: str) -> None:
        self.site = site
        self.kind = kind
        self.listings: list[Listing] = []
        # site discovery, in memory: the unmonitored domains each listing links to (only
        # listings that link somewhere), and those the site's own pages link to
        self.listing_links: list[tuple[Listing, frozenset[str]]] = []
        self.page_links: set[str] = set()
        self.pages = 0
        self.errors: Counter[str] = Counter()  # what was lost (pages, budgets)
        self.recovered: Counter[str] = Counter()  # pages that answered on a retry
        self.dropped: Counter[str] = Counter()
        self.filled: Counter[str] = Counter()
        self.started = time.monotonic()
        self.finished: float | None = None
        # a browser site's pages, contexts and launches (spiders/crawl.py BROWSER_STATS)
        self.browser: dict[str, int] = {}

    def page(self) -> None:
        self.pages += 1

    def add(self, listing: Listing, links: frozenset[str] = frozenset()) -> None:
        self.listings.append(listing)
        self.filled.update(listing.filled())
        if links:
            self.listing_links.append((listing, links))

    def link(self, domains: frozenset[str]) -> None:
        """Domains the site's own pages (outside any listing) link to."""
        self.page_links.update(domains)

    def drop(self, reason: str) -> None:
        self.dropped[reason] += 1

    def error(self, reason: str) -> None:
        self.errors[reason] += 1

    def close(self) -> None:
        self.finished = time.monotonic()

    def site_run(self) -> SiteRun:
        # a site that yielded no page at all failed; zero listings from a fetched site
        # is a finding (that the health check of a later stage judges), not a failure
        health = SiteHealth.FAILED if self.pages == 0 else SiteHealth.OK
        end = self.finished if self.finished is not None else time.monotonic()
        return SiteRun(
            site=self.site,
            kind=self.kind,
            health=health,
            pages=self.pages,
            items=len(self.listings),
            errors=dict(sorted({**self.errors, **{RECOVERED_PREFIX + r: n for r, n
                                                  in self.recovered.items()}}.items())),
            dropped=dict(sorted(self.dropped.items())),
            duration_s=round(end - self.started, 3),
            filled=dict(sorted(self.filled.items())),
        )


# Scrapy's own download exceptions (2.13+) and Twisted's, by class name
_REASONS = {
    "DownloadConnectionRefusedError": "connection_refused",
    "ConnectionRefusedError": "connection_refused",
    "CannotResolveHostError": "dns_failure",
    "DNSLookupError": "dns_failure",
    "DownloadTimeoutError": "timeout",
    "TimeoutError": "timeout",
    "TCPTimedOutError": "timeout",
    "DownloadCancelledError": "cancelled",
    "DownloadFailedError": "connection_lost",
    "ResponseNeverReceived": "connection_lost",
    "ConnectionLost": "connection_lost",
    "ConnectionDone": "connection_lost",
    "ResponseFailed": "connection_lost",
    "ResponseDataLossError": "truncated_response",
    "UnsupportedURLSchemeError": "unsupported_url_scheme",
}


def reason_of(exc: BaseException) -> str:
    """A failure as a short reason: ``http_503``, ``connection_refused``, ``timeout``..."""
    response = getattr(exc, "response", None)
    if response is not None and getattr(response, "status", None):
        return f"http_{response.status}"
    name = type(exc).__name__
    if type(exc).__module__.startswith("playwright"):
        return "browser_timeout" if "Timeout" in name else "browser_error"
    if name in _REASONS:
        return _REASONS[name]
    if name == "IgnoreRequest" and "robots" in str(exc).lower():
        return "forbidden_by_robots_txt"
    if name == "IgnoreRequest" and "redirect" in str(exc).lower():
        return "too_many_redirects"
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
