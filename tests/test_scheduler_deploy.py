"""The example systemd unit keeps the promises docs/OPERATIONS.md makes for it."""

from __future__ import annotations

import configparser
from pathlib import Path

from crawler.config import ScheduleSection

REPO = Path(__file__).resolve().parent.parent


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(REPO / "deploy" / "adcensus.service")
    return parser


def test_the_unit_stops_serve_alone_and_waits_past_the_grace() -> None:
    service = unit()["Service"]
    assert service["ExecStart"].split()[1:3] == ["serve", "--config"]
    # SIGTERM to `serve` only: it decides what happens to a running snapshot
    assert service["KillMode"] == "mixed" and service["KillSignal"] == "SIGTERM"
    assert int(service["TimeoutStopSec"]) > ScheduleSection().stop_grace_s


def test_the_unit_keeps_memory_off_the_disk() -> None:
    service = unit()["Service"]
    assert service["LimitCORE"] == "0"  # no core dump of a process holding content
    assert service["MemorySwapMax"] == "0"
    assert service["UMask"] == "0077" and service["StateDirectoryMode"] == "0700"
    assert service["User"] != "root"
