"""Log output that cannot carry an individual listing's URL.

Every line, tracebacks included, passes through ``redact`` after formatting: a URL
keeps its scheme and host (which site) and loses its path and query (which listing).
This is the net under the crawler's own log formatter, which logs no item at all.
"""

from __future__ import annotations

import logging
import re

_URL = re.compile(r"\b(https?|wss?|file)://([^/\s\"'<>]*)[^\s\"'<>]*", re.IGNORECASE)


def redact(text: str) -> str:
    return _URL.sub(lambda m: f"{m.group(1)}://{m.group(2)}/…", text)


class RedactingFormatter(logging.Formatter):
    def __init__(self, inner: logging.Formatter | None = None) -> None:
        super().__init__()
        self._inner = inner or logging.Formatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return redact(self._inner.format(record))


def install_root_handler(level: str | int) -> logging.Handler:
    """The process's one log handler: stderr, redacted. Scrapy is told not to install its
    own, because Scrapy replaces its root handler whenever a crawler starts."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter())
    handler.setLevel(level)
    root.addHandler(handler)
    root.setLevel(level)
    return handler
