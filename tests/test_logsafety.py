from __future__ import annotations

import logging

from crawler.logsafety import RedactingFormatter, redact


def test_urls_keep_site_lose_path() -> None:
    text = "Error downloading <GET http://127.0.0.1:8123/sites/a/annons/x9?ref=1>: refused"
    assert redact(text) == "Error downloading <GET http://127.0.0.1:8123/…>: refused"


def test_tracebacks_are_redacted_too() -> None:
    try:
        raise RuntimeError("failed on https://example.org/profile/anna-123")
    except RuntimeError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom", (), None)
        import sys

        record.exc_info = sys.exc_info()
    out = RedactingFormatter().format(record)
    assert "anna-123" not in out and "https://example.org/…" in out
