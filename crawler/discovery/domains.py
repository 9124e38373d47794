"""Registrable domains: the name a site is known by, never a path or a page.

The public suffix list decides where the registrable part starts (``sub.example.co.uk``
-> ``example.co.uk``; ``anna.github.io`` -> ``anna.github.io``, since ``github.io`` is a
suffix in the list's private section: a person's page on a hosting platform stays its
own domain, below the floor, instead of raising the platform's). The list is the one
bundled with tldextract (a dependency of Scrapy already): ``suffix_list_urls=()`` and no
cache directory, so nothing is fetched or written at run time. A name whose last label
the list does not know (``.test``, a new TLD) gets the list's own default rule, "*": its
last label is the suffix.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

# also Scrapy's cookie jar's (spiders/cookiejar.py): one offline list for the process
OFFLINE_SUFFIXES = tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(),
                                         fallback_to_snapshot=True,
                                         include_psl_private_domains=True)
# one DNS label: letters, digits, hyphens inside (IDNA "xn--" forms included)
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_LINKED_PREFIXES = ("http://", "https://")


class BadDomain(ValueError):
    """A domain name as a person typed it that is not one: the message says why."""


def _hostname(host: str) -> str:
    host = host.strip().rstrip(".").lower()
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


@lru_cache(maxsize=8192)
def registrable(host: str) -> str | None:
    """The registrable domain of a host name; None for an IP address, a single label
    (``localhost``) or something that is not a host name."""
    name = _hostname(host)
    if not name or is_ip(name):
        return None
    labels = name.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return None
    found = OFFLINE_SUFFIXES(name)
    if found.suffix:
        return found.top_domain_under_public_suffix or None
    return ".".join(labels[-2:])  # the list's default rule "*"


def parse_domain(text: str) -> str:
    """A domain a person typed (``discover add``), as its registrable domain; raises
    BadDomain with the reason. A URL is accepted for its host; a path is dropped."""
    value = text.strip()
    if not value:
        raise BadDomain("empty domain")
    host = urlsplit(value if "//" in value else f"//{value}").hostname or ""
    if is_ip(host):
        raise BadDomain(f"{text!r} is an IP address, not a domain")
    name = _hostname(host)
    if not name or "." not in name:
        raise BadDomain(f"{text!r} is not a domain name (expected e.g. example.se)")
    bad = [label for label in name.split(".") if not _LABEL.match(label)]
    if bad:
        raise BadDomain(f"{text!r} is not a domain name: bad label {bad[0]!r}")
    if OFFLINE_SUFFIXES(name).suffix and not OFFLINE_SUFFIXES(name).domain:
        raise BadDomain(f"{text!r} is a public suffix, not a registrable domain")
    found = registrable(name)
    if found is None:
        raise BadDomain(f"{text!r} is not a domain name")
    return found


def linked_domains(hrefs: Iterable[str], page_url: str,
                   monitored: frozenset[str]) -> frozenset[str]:
    """The registrable domains that ``hrefs`` (as found on the page at ``page_url``) link
    to, less the monitored ones and the page's own; links that are not http(s) (mailto:,
    tel:, javascript:) and links to IP addresses name no domain."""
    own = registrable(urlsplit(page_url).hostname or "")
    found = set()
    for href in hrefs:
        href = href.strip()
        # most links of a page are relative: they stay on its own host, and need no parsing
        lowered = href[:8].lower()
        if lowered.startswith("//"):
            href = f"{urlsplit(page_url).scheme}:{href}"
        elif not lowered.startswith(_LINKED_PREFIXES):
            continue
        try:
            host = urlsplit(href).hostname
        except ValueError:
            continue
        domain = registrable(host) if host else None
        if domain is not None and domain != own and domain not in monitored:
            found.add(domain)
    return frozenset(found)


def monitored_domains(urls: Iterable[str]) -> frozenset[str]:
    """The registrable domains of the monitored sites' URLs (their start URLs)."""
    return frozenset(d for url in urls
                     if (d := registrable(urlsplit(url).hostname or "")) is not None)
