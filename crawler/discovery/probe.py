"""A polite look at a domain given by hand: its robots.txt and its front page, nothing else.

Two requests at most (three more if the front page redirects within its own domain), with
the project's user agent and a timeout; robots.txt is obeyed (a front page it disallows
is not fetched). Nothing of what comes back is kept: the answer is whether the domain is
reachable, and a short reason ("http 200", "timeout", "disallowed by robots.txt").

``resolve`` maps a host name to an address and port, as curl's ``--resolve``: the demo
and the tests reach their ``.test`` domains on 127.0.0.1 that way, without DNS
(crawler/demo_market/elsewhere.py). It is refused with https, which would need the
host's certificate.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from protego import Protego

from crawler.discovery.domains import BadDomain, parse_domain, registrable

MAX_REDIRECTS = 3
ROBOTS_MAX_BYTES = 512 * 1024  # as Google reads: what lies past it is ignored
FRONT_PAGE_BYTES = 64 * 1024  # read (and dropped) only to see the answer arrive whole


@dataclass(frozen=True, slots=True)
class ProbeResult:
    domain: str
    reachable: bool
    reason: str

    def __str__(self) -> str:
        return f"{self.domain}: {'reachable' if self.reachable else 'not reachable'} " \
               f"({self.reason})"


class _Failed(Exception):
    """A request that got no answer; the message is the reason."""


def probe(text: str, user_agent: str, timeout_s: float, scheme: str = "https",
          resolve: Mapping[str, tuple[str, int]] | None = None) -> ProbeResult:
    """Probe the domain a person typed; raises BadDomain when it is not a domain."""
    domain = parse_domain(text)
    if resolve and scheme == "https":
        raise ValueError("a host -> address mapping works with http only")
    fetch = _Fetcher(user_agent, timeout_s, resolve or {})
    try:
        status, body, _ = fetch(scheme, domain, "/robots.txt", ROBOTS_MAX_BYTES)
    except _Failed as exc:
        return ProbeResult(domain, False, str(exc))
    if status >= 500:
        return ProbeResult(domain, False, f"robots.txt answered http {status}")
    # a missing robots.txt (4xx) allows everything, as RFC 9309 says
    rules = Protego.parse(body.decode("utf-8", "replace")) if status < 300 else None
    url = f"{scheme}://{domain}/"
    if rules is not None and not rules.can_fetch(url, user_agent):
        return ProbeResult(domain, False, "disallowed by robots.txt")
    host, path = domain, "/"
    for _ in range(MAX_REDIRECTS + 1):
        try:
            status, _, location = fetch(scheme, host, path, FRONT_PAGE_BYTES)
        except _Failed as exc:
            return ProbeResult(domain, False, f"front page: {exc}")
        if status in (301, 302, 303, 307, 308) and location:
            target = urlsplit(urljoin(f"{scheme}://{host}{path}", location))
            if registrable(target.hostname or "") != domain:
                return ProbeResult(domain, False, "front page redirects to another domain "
                                   f"({registrable(target.hostname or '') or 'an address'})")
            if target.scheme not in ("http", "https"):
                return ProbeResult(domain, False, "front page redirects out of http")
            scheme, host = target.scheme, target.hostname or domain
            path = target.path or "/"
            if rules is not None and not rules.can_fetch(f"{scheme}://{host}{path}", user_agent):
                return ProbeResult(domain, False, "redirect target disallowed by robots.txt")
            continue
        if 200 <= status < 300:
            return ProbeResult(domain, True, f"http {status}")
        return ProbeResult(domain, False, f"front page answered http {status}")
    return ProbeResult(domain, False, "too many redirects")


class _Fetcher:
    def __init__(self, user_agent: str, timeout_s: float,
                 resolve: Mapping[str, tuple[str, int]]) -> None:
        self.user_agent = user_agent
        self.timeout_s = timeout_s
        self.resolve = resolve

    def __call__(self, scheme: str, host: str, path: str,
                 limit: int) -> tuple[int, bytes, str | None]:
        address, port = self.resolve.get(host, (host, 443 if scheme == "https" else 80))
        conn: http.client.HTTPConnection = (
            http.client.HTTPSConnection(address, port, timeout=self.timeout_s,
                                        context=ssl.create_default_context())
            if scheme == "https" else
            http.client.HTTPConnection(address, port, timeout=self.timeout_s))
        try:
            conn.request("GET", path, headers={"Host": host, "User-Agent": self.user_agent,
                                               "Accept": "*/*"})
            response = conn.getresponse()
            body = response.read(limit)
            return response.status, body, response.getheader("Location")
        except socket.gaierror:
            raise _Failed("the name does not resolve (DNS)") from None
        except ConnectionRefusedError:
            raise _Failed("connection refused") from None
        except TimeoutError:
            raise _Failed(f"no answer within {self.timeout_s:g} s (timeout)") from None
        except ssl.SSLError as exc:
            raise _Failed(f"TLS failed ({exc.reason or 'handshake'})") from None
        except (OSError, http.client.HTTPException) as exc:
            raise _Failed(f"connection failed ({type(exc).__name__})") from None
        finally:
            conn.close()


__all__ = ["BadDomain", "ProbeResult", "probe"]
