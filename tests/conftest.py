"""Shared fixtures: a real demo market on 127.0.0.1, configs, and the browser check."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
SITES = REPO / "sites"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from crawler.config import Config, CrawlSection, LoadedConfig

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


def write_config(directory: Path, base_url: str, sites_dir: Path = SITES,
                 **crawl: object) -> Path:
    """A config for the demo market's site definitions (the shipped ones, or those of
    ``sites_dir``), with data in ``directory``."""
    crawl_section = {"autothrottle": False, "delay_s": 0, "concurrency": 16,
                     "user_agent": "adcensus-test", **crawl}
    data = {
        "store": f"sqlite:///{directory / 'store.sqlite'}",
        "data_dir": str(directory),
        "keys_dir": str(directory / "keys"),
        "sites": {"dir": str(sites_dir), "base_url": base_url},
        "crawl": crawl_section,
    }
    path = directory / "adcensus.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


_HELD: list[socket.socket] = []


def refused_port() -> int:
    """A port on 127.0.0.1 that refuses connections for the rest of the session: bound and
    never listened on, so no other process (another test run on the machine) can start
    listening there, as it could on a port probed and closed again."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    _HELD.append(sock)
    return sock.getsockname()[1]


def pytest_sessionfinish(session: pytest.Session) -> None:
    while _HELD:
        _HELD.pop().close()


# -- Elasticsearch --------------------------------------------------------------------
# The contract suite runs against a real cluster when ADCENSUS_TEST_ELASTICSEARCH_URL is
# set (credentials in ADCENSUS_ES_*), else against a local noida-db server that this
# session starts on 127.0.0.1 and stops at its end.
ELASTICSEARCH_URL_ENV = "ADCENSUS_TEST_ELASTICSEARCH_URL"


def no_local_elasticsearch(reason: str) -> None:
    """Without a local server the Elasticsearch tests fail in CI and skip elsewhere."""
    if IN_CI:
        pytest.fail(f"CI=true: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def elasticsearch_url(tmp_path_factory: pytest.TempPathFactory) -> object:
    given = os.environ.get(ELASTICSEARCH_URL_ENV)
    if given:
        yield given
        return
    from tests.elasticsearch_server import LocalElasticsearch, binary

    if binary() is None:
        no_local_elasticsearch("noida-db is not installed: `make test` installs it, or set "
                               f"{ELASTICSEARCH_URL_ENV} to a cluster")
    server = LocalElasticsearch(tmp_path_factory.mktemp("noida") / "data").start()
    yield server.url
    server.stop()


@pytest.fixture
def local_elasticsearch(tmp_path: Path) -> object:
    """A private local server for one test, which the test may kill and start again."""
    from tests.elasticsearch_server import LocalElasticsearch, binary

    if binary() is None:
        no_local_elasticsearch("noida-db is not installed: `make test` installs it")
    server = LocalElasticsearch(tmp_path / "noida").start()
    yield server
    server.stop()
