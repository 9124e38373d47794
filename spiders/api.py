"""A site read from its JSON API (``api:`` in its definition), with plain HTTP.

Many sites build their list in the browser from an XHR endpoint; reading that endpoint
directly gives the same items without a browser, a shell page or any markup. Each
batch's items are at a JSON path; the batches are paged by an offset, a page number, a
cursor or a next URL in the JSON. An API asked with POST (GraphQL) gets the definition's
JSON body, its paging key set for each batch. Items are read in place, or from their own
JSON (``detail``). Listings go to the collector in memory, as with every site.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.http import Response
from w3lib.url import add_or_replace_parameter

from crawler import jsonpath
from crawler.sites import Api
from spiders.listings import ListingsSpider

ACCEPT_JSON = {"Accept": "application/json"}
SEND_JSON = {"Content-Type": "application/json"}


class ApiSpider(ListingsSpider):
    name = "api"

    @property
    def api(self) -> Api:
        assert self.site.api is not None
        return self.site.api

    def _list_starts(self) -> Iterator[scrapy.Request]:
        for url in self.start_urls:
            yield self._batch(url, self.api.first_position, batches=1, previous=None,
                              dont_filter=True)

    def _batch(self, url: str, position: int | str | None, batches: int,
               previous: int | None, dont_filter: bool = False) -> scrapy.Request:
        """One batch: ``position`` is the offset, page number or cursor to ask for (None:
        the first batch of a cursor, or an API not paged by a parameter)."""
        api, key = self.api, self.api.paging_key
        cb_kwargs = {"position": position, "batches": batches, "previous": previous}
        if api.post is not None:
            body = copy.deepcopy(api.post)
            if key is not None and position is not None:
                _put(body, key, position)
            return scrapy.Request(url, method="POST", body=json.dumps(body),
                                  callback=self.parse_batch, errback=self.on_error,
                                  cb_kwargs=cb_kwargs, dont_filter=dont_filter,
                                  **self.gated({**ACCEPT_JSON, **SEND_JSON}))
        if key is not None and position is not None:
            url = add_or_replace_parameter(url, key, str(position))
        return scrapy.Request(url, callback=self.parse_batch, errback=self.on_error,
                              cb_kwargs=cb_kwargs, dont_filter=dont_filter,
                              **self.gated(ACCEPT_JSON))

    def parse_batch(self, response: Response, position: int | str | None, batches: int,
                    previous: int | None) -> Iterator[scrapy.Request]:
        self.collector.page()
        data = self._json(response)
        if data is None:
            return
        if isinstance(data, dict) and data.get("errors") and not data.get("data"):
            # GraphQL answers a query it refuses with 200 and its errors (their text may
            # quote the query, never an ad: only that they came is recorded)
            self.collector.error("api_errors_returned")
            return
        found = jsonpath.search(data, self.api.items)
        items = found if isinstance(found, list) else []
        signature = hash(json.dumps(items, sort_keys=True))
        if batches > 1 and (not items or signature == previous):
            return  # the end of the list: an empty batch, or the last one served again
        if found is None:
            self.collector.drop("api_items_missing")
        elif not isinstance(found, list):
            # a path that stops at one object (or a number) instead of the list of items
            self.collector.drop("api_items_not_a_list")
        elif not items:
            self.collector.drop("api_batch_empty")
        for item in items:
            if self.api.detail is None:
                self._collect(item, response.url)
                continue
            link = next(iter(jsonpath.texts(item, self.api.detail)), "")
            if link:
                yield scrapy.Request(response.urljoin(link), callback=self.parse_item,
                                     errback=self.on_error, **self.gated(ACCEPT_JSON))
            else:
                self.collector.drop("item_without_link")
        next_request = self._next(response, data, position, len(items), batches, signature)
        if next_request is not None:
            yield next_request

    def _next(self, response: Response, data: Any, position: int | str | None, count: int,
              batches: int, signature: int) -> scrapy.Request | None:
        api = self.api
        following = response.url
        if api.next_url is not None:
            url = next(iter(jsonpath.texts(data, api.next_url)), "")
            if not url:
                return None
            following = response.urljoin(url)
        elif api.cursor is not None:
            cursor = next(iter(jsonpath.texts(data, api.cursor.path)), "")
            if not cursor or cursor == position or not count:
                return None  # the end: no cursor, the same one again, or nothing read
        elif (api.offset or api.page) is None or not count:
            return None
        if batches >= api.max_pages:
            self.collector.error("api_page_budget_reached")
            return None
        if api.cursor is not None:
            position = cursor
        elif isinstance(position, int):
            position += count if api.offset is not None else 1
        return self._batch(following, position, batches + 1, signature)

    def parse_item(self, response: Response) -> None:
        self.collector.page()
        data = self._json(response)
        if data is None:
            return
        if self.api.detail_item is not None:
            data = jsonpath.search(data, self.api.detail_item)
            if not isinstance(data, dict):
                self.collector.drop("api_detail_item_missing")
                return
        self._collect(data, response.url)

    def _json(self, response: Response) -> Any:
        try:
            return json.loads(response.body)
        except ValueError:
            # an HTML error page or a login wall where JSON was expected
            self.collector.error("api_not_json")
            return None


def _put(body: dict[str, Any], key: str, value: int | str) -> None:
    """Set a dotted key of a POST body ("variables.after"), making the objects on the way."""
    *path, last = key.split(".")
    for part in path:
        inner = body.get(part)
        if not isinstance(inner, dict):
            inner = body[part] = {}
        body = inner
    body[last] = value
