"""Faults the demo market can inject, as Scrapy's own mock server has: slow pages, 429
with Retry-After, 500s (passing and lasting), dropped connections, truncated bodies,
redirect loops, a layout change and a browser page whose script never finishes.

An ASGI middleware in front of the market's app. Faults are set per site, in code
(``Faults.set``) or over HTTP (``POST /__market/faults`` with JSON ``{site: {...}}``).
Faults that hit "a share of pages" pick detail pages (four path segments or more) by a
stable hash of the path, so the same pages fail on every attempt and a test knows how
many listings a fault must cost.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from typing import Any

Scope = dict[str, Any]

# markup renamed by a layout change: every demo site's item and field classes
LAYOUT_CHANGE = {
    b'class="annons"': b'class="annons-v2"',
    b'class="ad"': b'class="ad-v2"',
    b'"profile-card"': b'"profile-card-v2"',
    b'"member"': b'"member-v2"',
    b'class="rad"': b'class="rad-v2"',
    b'id="annons"': b'id="annons-v2"',
    b'class="card"': b'class="card-v2"',
    b'"post"': b'"post-v2"',
    b'"annonser":': b'"ads":',  # kontaktnavet's API renames its list (API v3)
    b'"mainEntity":': b'"about":',  # profilarkivet's JSON-LD names the person otherwise
}
SCRIPT_HANG = (b'dataset.ready = "1"', b'dataset.ready = "0"')


@dataclass
class SiteFaults:
    slow_s: float = 0.0  # every response of the site waits this long
    too_many: int = 0  # the first N requests of each path get 429 with Retry-After: 1
    passing_500: float = 0.0  # share of detail pages whose first request gets a 500
    lasting_500: float = 0.0  # share of detail pages that always answer 500
    # share of detail pages whose connection is cut after the headers (ASGI cannot cut it
    # before them; a client sees it as a response that lost its data)
    drop: float = 0.0
    truncate: float = 0.0  # share of detail pages whose body stops short of its length
    redirect_loop: float = 0.0  # share of detail pages that redirect to themselves
    layout_changed: bool = False  # item and field classes renamed: selectors miss
    script_hangs: bool = False  # browser pages never say they are rendered
    hits: Counter[str] = field(default_factory=Counter, repr=False)

    def picks(self, fault: str, path: str) -> bool:
        """Whether ``fault`` (a share field's name) hits ``path``; each fault hashes the
        path with its own name, so two faults with equal shares pick different pages."""
        share = getattr(self, fault)
        if share <= 0 or len(path.strip("/").split("/")) < 4:
            return False
        digest = hashlib.sha256(f"{fault}:{path}".encode()).digest()
        return int.from_bytes(digest[:4], "big") / 2**32 < share


class Faults:
    def __init__(self) -> None:
        self._sites: dict[str, SiteFaults] = {}
        self._lock = threading.Lock()

    def set(self, site: str, **settings: Any) -> SiteFaults:
        known = {f.name for f in fields(SiteFaults)} - {"hits"}
        unknown = set(settings) - known
        if unknown:
            raise ValueError(f"unknown fault(s): {', '.join(sorted(unknown))}")
        with self._lock:
            self._sites[site] = SiteFaults(**settings)
            return self._sites[site]

    def clear(self) -> None:
        with self._lock:
            self._sites.clear()

    def get(self, site: str | None) -> SiteFaults | None:
        return self._sites.get(site) if site else None

    def describe(self) -> dict[str, dict[str, Any]]:
        return {site: {k: v for k, v in asdict(f).items() if k != "hits"}
                for site, f in self._sites.items()}


class FaultInjector:
    """ASGI middleware: the market's app, with this market's faults in front."""

    def __init__(self, app: Any, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path == "/__market/faults":
            await self._control(scope, receive, send)
            return
        parts = path.strip("/").split("/")
        site = parts[1] if len(parts) > 1 and parts[0] == "sites" else None
        f = self.faults.get(site)
        if f is None:
            await self.app(scope, receive, send)
            return
        f.hits[path] += 1
        seen = f.hits[path]
        if f.slow_s:
            await asyncio.sleep(f.slow_s)
        if seen <= f.too_many:
            await _plain(send, 429, b"too many requests", [(b"retry-after", b"1")])
            return
        if f.picks("lasting_500", path) or (f.picks("passing_500", path) and seen == f.too_many + 1):
            await _plain(send, 500, b"internal server error")
            return
        if f.picks("redirect_loop", path):
            # to itself with a growing hop count: a new URL each time, as loops through
            # session or tracking parameters are
            hop = int((scope.get("query_string") or b"hop=0").split(b"=")[-1] or 0) + 1
            await _plain(send, 302, b"", [(b"location", f"{path}?hop={hop}".encode())])
            return
        if f.picks("drop", path):
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"text/html")]})
            raise ConnectionAbortedError("demo fault: connection dropped")
        if f.picks("truncate", path):
            await self.app(scope, receive, _truncating(send))
            return
        swaps = [*(LAYOUT_CHANGE.items() if f.layout_changed else ()),
                 *((SCRIPT_HANG,) if f.script_hangs else ())]
        await self.app(scope, receive, _rewriting(send, swaps) if swaps else send)

    async def _control(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["method"] == "POST":
            body = b""
            while True:
                message = await receive()
                body += message.get("body", b"")
                if not message.get("more_body"):
                    break
            try:
                wanted = json.loads(body or b"{}")
                self.faults.clear()
                for site, settings in wanted.items():
                    self.faults.set(site, **settings)
            except (ValueError, TypeError) as exc:
                await _plain(send, 400, str(exc).encode())
                return
        await _plain(send, 200, json.dumps(self.faults.describe()).encode(),
                     [(b"content-type", b"application/json")])


async def _plain(send: Any, status: int, body: bytes,
                 headers: list[tuple[bytes, bytes]] | None = None) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


def _collected(send: Any, finish: Any) -> Any:
    """A send that gathers the whole response, then hands start and body to ``finish``."""
    start: dict[str, Any] = {}
    chunks: list[bytes] = []

    async def collect(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
            return
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            await finish(send, start, b"".join(chunks))

    return collect


def _rewriting(send: Any, swaps: list[tuple[bytes, bytes]]) -> Any:
    async def finish(send: Any, start: dict[str, Any], body: bytes) -> None:
        for old, new in swaps:
            body = body.replace(old, new)
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        await send({**start, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    return _collected(send, finish)


def _truncating(send: Any) -> Any:
    async def finish(send: Any, start: dict[str, Any], body: bytes) -> None:
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        # promise the whole body, send half, and end: the client sees a short read
        await send({**start, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
        raise ConnectionAbortedError("demo fault: body truncated")

    return _collected(send, finish)
