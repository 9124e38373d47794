"""Scrapy's log lines without items and without listing URLs.

Scrapy's default formatter logs every scraped item and every crawled URL at DEBUG; the
people behind the listings must not appear in a log at any level, so lines name the
site (the spider) and the status or reason only.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.logformatter import LogFormatter


class PrivateLogFormatter(LogFormatter):
    def crawled(self, request: Any, response: Any, spider: Any) -> dict[str, Any]:
        return {
            "level": logging.DEBUG,
            "msg": "Crawled (%(status)s) a page of %(site)s",
            "args": {"status": response.status, "site": spider.name},
        }

    def scraped(self, item: Any, response: Any, spider: Any) -> dict[str, Any]:
        return {"level": logging.DEBUG, "msg": "Scraped an item of %(site)s",
                "args": {"site": spider.name}}

    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any) -> dict[str, Any]:
        return {"level": logging.INFO, "msg": "Dropped an item of %(site)s: %(reason)s",
                "args": {"site": spider.name, "reason": type(exception).__name__}}

    def item_error(self, item: Any, exception: BaseException, response: Any, spider: Any) -> dict[str, Any]:
        return {"level": logging.ERROR, "msg": "Error processing an item of %(site)s: %(reason)s",
                "args": {"site": spider.name, "reason": type(exception).__name__}}

    def spider_error(self, failure: Any, request: Any, response: Any, spider: Any) -> dict[str, Any]:
        return {"level": logging.ERROR, "msg": "Spider error on a page of %(site)s: %(reason)s",
                "args": {"site": spider.name, "reason": failure.type.__name__}}

    def download_error(self, failure: Any, request: Any, spider: Any, errmsg: str | None = None) -> dict[str, Any]:
        return {"level": logging.ERROR, "msg": "Download error on a page of %(site)s: %(reason)s",
                "args": {"site": spider.name,
                         "reason": failure.type.__name__ if failure is not None else "unknown"}}
