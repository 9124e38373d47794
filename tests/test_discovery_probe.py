"""Probing a domain given by hand against real HTTP servers on 127.0.0.1: reachable,
disallowed by robots.txt, unreachable, malformed; through the command as a person runs it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.cli import main
from crawler.demo_market.elsewhere import DemoDomains
from crawler.discovery.domains import BadDomain
from crawler.discovery.probe import probe
from crawler.discovery.states import States
from tests.conftest import refused_port, write_config

UA = "adcensus-test"


@pytest.fixture
def domains() -> Iterator[DemoDomains]:
    with DemoDomains({"open.test": (DemoDomains.ROBOTS_OPEN, 200),
                      "www.open.test": (DemoDomains.ROBOTS_OPEN, 200),
                      "closed.test": (DemoDomains.ROBOTS_CLOSED, 200),
                      "broken.test": (DemoDomains.ROBOTS_OPEN, 503)}) as served:
        yield served


def at(served: DemoDomains, *hosts: str) -> dict[str, tuple[str, int]]:
    return {h: ("127.0.0.1", served.port) for h in hosts}


def test_a_reachable_domain(domains: DemoDomains) -> None:
    result = probe("https://www.open.test/some/path", UA, 5, "http", at(domains, "open.test"))
    assert (result.domain, result.reachable, result.reason) == ("open.test", True, "http 200")


def test_robots_txt_is_obeyed(domains: DemoDomains) -> None:
    result = probe("closed.test", UA, 5, "http", at(domains, "closed.test"))
    assert not result.reachable and result.reason == "disallowed by robots.txt"


def test_a_front_page_that_fails(domains: DemoDomains) -> None:
    result = probe("broken.test", UA, 5, "http", at(domains, "broken.test"))
    assert not result.reachable and result.reason == "front page answered http 503"


def test_unreachable_domains() -> None:
    refused = probe("gone.test", UA, 5, "http", {"gone.test": ("127.0.0.1", refused_port())})
    assert not refused.reachable and refused.reason == "connection refused"
    # a server that accepts and never answers: the timeout, not a hang
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        slow = probe("slow.test", UA, 0.3, "http",
                     {"slow.test": ("127.0.0.1", silent.getsockname()[1])})
    assert not slow.reachable and "timeout" in slow.reason


@pytest.mark.parametrize("text", ["", "nodot", "bad_label.se", "127.0.0.1", "co.uk", "-a.se"])
def test_malformed_domains_are_refused(text: str) -> None:
    with pytest.raises(BadDomain):
        probe(text, UA, 5, "http", {})


def test_the_command(domains: DemoDomains, tmp_path: Path,
                     capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9/")
    resolve = ["--scheme", "http", "--resolve", f"open.test=127.0.0.1:{domains.port}",
               "--resolve", f"closed.test=127.0.0.1:{domains.port}"]
    assert main(["discover", "add", "open.test", "--note", "reported by a support service",
                 "--config", str(config), *resolve]) == 0
    assert "open.test: reachable (http 200)" in capsys.readouterr().out
    assert main(["discover", "add", "closed.test", "--config", str(config), *resolve]) == 1
    assert "not reachable (disallowed by robots.txt)" in capsys.readouterr().out
    assert main(["discover", "add", "not a domain", "--config", str(config)]) == 2
    assert "not a domain" in capsys.readouterr().err
    assert main(["discover", "probe", "gone.test", "--config", str(config), "--scheme", "http",
                 "--resolve", f"gone.test=127.0.0.1:{refused_port()}"]) == 1
    assert "not reachable (connection refused)" in capsys.readouterr().out
    assert main(["discover", "probe", "x.test", "--config", str(config),
                 "--resolve", "x.test=nowhere"]) == 2
    with States(tmp_path / "discovery.sqlite") as states:
        decided = states.all()
    assert decided["open.test"].reachable and decided["open.test"].note
    assert decided["closed.test"].reachable is False
    assert decided["closed.test"].reason == "disallowed by robots.txt"
    # listed with no snapshot yet, by hand, with the probe's outcome
    assert main(["discover", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "by hand: reported by a support service; reachable (http 200)" in out
