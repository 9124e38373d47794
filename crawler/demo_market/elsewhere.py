"""The demo market's links out: to other demo sites and to a few unmonitored domains.

Real listings link to booking apps, chat channels and an advertiser's own page; real
sites' footers link to partners and support services. The demo does the same with names
under ``.test`` (RFC 6761: reserved, never resolvable in public DNS), so nothing a crawl
or a test does can reach a real host:

- ``stodlinjen.test``: the footer of every page of every demo site (the sites' own voice:
  above the floor by ``discovery.min_sites``);
- ``bokningsappen.test`` and ``chattkanalen.test`` (as ``m.chattkanalen.test``): linked
  from the listings of many advertisers (above the floor by ``discovery.min_advertisers``);
- ``egen-sida.test``: linked from one listing only, "an advertiser's own page": it must
  never be stored (with canaries, its name is a canary: tests/canaries.py);
- the other demo sites, by path on the market's own host: inside the monitored market.

The crawl never fetches these links (it reads only its own sites); the probe of a domain
added by hand (``adcensus discover add``) reaches a demo domain only through an explicit
host -> 127.0.0.1:port mapping (``DemoDomains`` serves them; docs/OPERATIONS.md).

Links are assigned after the draw, from ids alone, so every draw stays as it was.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from crawler.demo_market.market import Posting

SUPPORT = "stodlinjen.test"
BOOKING = "bokningsappen.test"
CHAT = "chattkanalen.test"
PERSONAL = "egen-sida.test"
# found and stored (above the floor) in a crawl of the demo market; PERSONAL never is
LINKED_ABOVE_FLOOR = (SUPPORT, BOOKING, CHAT)
# the sites whose listings show a link: the server-rendered ones, the sugardating feed
# (built by JavaScript from JSON, so links are read from the rendered page too) and the
# JSON API (a URL among an item's values)
LINKING_SITES = ("annonstavlan", "radannonsen", "visitkortet", "dejtflodet", "kontaktnavet")


def footer() -> str:
    """Every demo page's footer: the other demo sites (same host) and a support service."""
    sites = " ".join(f'<a href="/sites/{name}/">{name}</a>' for name in (
        "annonstavlan", "profilkatalogen", "sockerdejt", "radannonsen", "visitkortet",
        "dejtflodet", "kontaktnavet", "profilarkivet"))
    return (f'<footer class="sidfot"><nav>{sites}</nav>'
            f'<a href="https://www.{SUPPORT}/">Stödlinjen</a></footer>')


def website_of(p: Posting) -> str | None:
    """The link a posting shows, by its advertiser (several advertisers share the booking
    app and the chat channel)."""
    if p.site not in LINKING_SITES:
        return None
    if p.advertiser_id % 4 == 0:
        return f"https://{BOOKING}/boka/{p.advertiser_id}"
    if p.advertiser_id % 7 == 3:
        return f"https://m.{CHAT}/kanal/{p.advertiser_id}"
    return None


def personal_posting(postings: Sequence[Posting]) -> int | None:
    """The one posting that links to an "own page": the longest-lived of day 0 on the ad
    board, so that every snapshot of the demo's weeks sees it."""
    found = [p for p in postings if p.site == "annonstavlan" and p.start_day <= 0]
    if not found:
        return None
    return max(found, key=lambda p: (p.end_day, -p.listing_id)).listing_id


def with_links(postings: Sequence[Posting]) -> list[Posting]:
    personal = personal_posting(postings)
    return [replace(p, website=f"https://{PERSONAL}/" if p.listing_id == personal
                    else website_of(p)) for p in postings]


def website_link(p: Posting) -> str:
    """The listing's link as a page shows it (empty: none)."""
    from html import escape

    return f'<a class="webb" href="{escape(p.website)}">Webb</a>' if p.website else ""


class _Handler(BaseHTTPRequestHandler):
    server: _DomainsServer

    def do_GET(self) -> None:
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        site = self.server.domains.get(host)
        if site is None:
            self.send_error(404)
            return
        robots, status = site
        if self.path == "/robots.txt":
            body, code = robots.encode(), 200
        elif self.path == "/":
            body, code = f"<!doctype html><title>{host}</title><p>Demo.</p>".encode(), status
        else:
            body, code = b"not found", 404
        self.send_response(code)
        self.send_header("Content-Type", "text/plain" if self.path == "/robots.txt"
                         else "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return  # a demo server logs nothing


class _DomainsServer(ThreadingHTTPServer):
    daemon_threads = True
    domains: dict[str, tuple[str, int]]


class DemoDomains:
    """Unmonitored demo domains on 127.0.0.1 (one port, told apart by the Host header):
    host -> (robots.txt, front page status). Use as a context manager."""

    ROBOTS_OPEN = "User-agent: *\nDisallow:\n"
    ROBOTS_CLOSED = "User-agent: *\nDisallow: /\n"

    def __init__(self, domains: dict[str, tuple[str, int]]) -> None:
        self.domains = {host.lower(): site for host, site in domains.items()}
        self._server: _DomainsServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        assert self._server is not None, "not started"
        return self._server.server_address[1]

    def __enter__(self) -> DemoDomains:
        self._server = _DomainsServer(("127.0.0.1", 0), _Handler)
        self._server.domains = self.domains
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name=f"demo-domains-{self.port}")
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        self._server = None
