"""Scrapy's cookie middleware, kept offline and off the disk.

To refuse cookies set for a public suffix, Scrapy's CookiesMiddleware asks a module-level
``tldextract.TLDExtract`` whether a domain is one. Built with its defaults, the first
cookie of a crawl (a gate's answer, crawler/site_gate.py) makes it fetch the Public
Suffix List from the internet and write a cache and lock files under HOME: a request to
a third party from the process that holds content, and files outside the snapshot's
memory-backed directory. This one reads the list that ships with tldextract, and keeps
nothing. Imported by spiders/crawl.py before any crawler starts.
"""

from __future__ import annotations

import scrapy.downloadermiddlewares.cookies as scrapy_cookies

from crawler.discovery.domains import OFFLINE_SUFFIXES


def use_offline_suffixes() -> None:
    # no public setting for it: the module-level extractor is replaced
    scrapy_cookies._split_domain = OFFLINE_SUFFIXES
