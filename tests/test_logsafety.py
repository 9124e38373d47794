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


def test_phone_numbers_go_but_ids_with_digits_in_them_stay() -> None:
    # as stated on a page: with a trunk or international prefix, spaced or not
    assert redact("ring 070-174 06 12 nu") == "ring <phone> nu"
    assert redact("call +46 70 174 06 12.") == "call <phone>."
    # a snapshot taken at 01:08:31 UTC: "010831" would be a Stockholm 010 number on its
    # own, but inside an id it is a time
    line = "snapshot 20261125T010831Z-6842 was interrupted; run 20261125T080000Z-ab12 too"
    assert redact(line) == line
    # digits glued to a name stay suspect
    assert redact("handle anna0701740612") != "handle anna0701740612"
