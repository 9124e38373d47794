"""Shared fixtures: a real demo market on 127.0.0.1, configs, and the browser check."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
SITES = REPO / "sites"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from crawler.config import CrawlSection, LoadedConfig, Config

    browser = LoadedConfig(REPO / "x.yaml", Config(crawl=CrawlSection()), []).browser_executable()
    if browser:
        return
    if IN_CI:
        # CI must prove the browser path: a missing Chromium is a failure there, not a skip
        raise pytest.UsageError("CI=true but no Chromium found; `make test` installs it")
    skip = pytest.mark.skip(reason="no Chromium on this machine (make test installs it)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def write_config(directory: Path, base_url: str, **crawl: object) -> Path:
    """A config for the demo market's shipped site definitions, with data in ``directory``."""
    crawl_section = {"autothrottle": False, "delay_s": 0, "concurrency": 16,
                     "user_agent": "adcensus-test", **crawl}
    data = {
        "store": f"sqlite:///{directory / 'store.sqlite'}",
        "data_dir": str(directory),
        "keys_dir": str(directory / "keys"),
        "sites": {"dir": str(SITES), "base_url": base_url},
        "crawl": crawl_section,
    }
    path = directory / "adcensus.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path
