"""A seeded synthetic market of eight sites with its own ground truth.

The generator and truth are pure standard library; the HTTP side (Starlette, uvicorn)
is imported only when `create_app`, `MarketServer` or `serve_forever` is first used.
"""

from crawler.demo_market.generator import generate
from crawler.demo_market.market import Advertiser, DemoSite, Hit, Market, Posting
from crawler.demo_market.truth import Truth, compute_truth

__all__ = [
    "Advertiser", "DemoSite", "Hit", "Market", "MarketServer", "Posting", "Truth",
    "compute_truth", "create_app", "generate", "serve_forever",
]

_LAZY = {"create_app": "app", "MarketServer": "server", "serve_forever": "server"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
