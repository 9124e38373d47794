"""Scrapy's cookie middleware decides public suffixes offline, writing nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def test_public_suffixes_are_read_offline_and_not_cached(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import scrapy.downloadermiddlewares.cookies as scrapy_cookies

    from spiders.cookiejar import OFFLINE_SUFFIXES, use_offline_suffixes

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / ".cache"))
    monkeypatch.setattr(scrapy_cookies, "_split_domain", scrapy_cookies._split_domain)
    use_offline_suffixes()
    assert scrapy_cookies._split_domain is OFFLINE_SUFFIXES
    assert OFFLINE_SUFFIXES.suffix_list_urls == ()
    # a cookie for a public suffix is refused, one for a site is kept
    assert scrapy_cookies._is_public_domain("co.uk")
    assert not scrapy_cookies._is_public_domain("radannonsen.se")
    assert not scrapy_cookies._is_public_domain("127.0.0.1")
    assert not any(os.scandir(tmp_path)), "nothing cached under HOME"
