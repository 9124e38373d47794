"""The deliveries in `adcensus status`: the latest e-mails and what became of them, and
warnings for the ones a person must look at (given up, or an alert nobody received).

Read from the records without creating them (crawler/delivery/records.py, ``read_only``):
kinds, län, weeks, states and the servers' reasons; no address, no count."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from crawler.delivery.records import FAILED, SKIPPED, Delivery, read_only
from crawler.vocabulary import DeliveryKind

RECENT = 8


def latest(job_store: Path, limit: int = RECENT) -> list[Delivery]:
    found = read_only(job_store)
    return found[0][::-1][:limit] if found else []


def render(deliveries: list[Delivery], zone: ZoneInfo) -> list[str]:
    from crawler.delivery.send import summary

    lines = ["", "Latest deliveries (e-mail):"]
    lines += [f"  {_t(d.updated_at, zone)}  {summary(d)}" for d in deliveries] or ["  (none)"]
    return lines


def _t(text: str, zone: ZoneInfo) -> str:
    return datetime.fromisoformat(text).astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def warnings(deliveries: list[Delivery]) -> list[str]:
    from crawler.delivery.send import summary

    found = []
    for d in deliveries:
        if d.state == FAILED:
            found.append(f"an e-mail was given up: {summary(d)}; `adcensus report --send` "
                         "sends a report again by hand")
        elif d.state == SKIPPED and d.kind == DeliveryKind.ALERT:
            found.append(f"an under-18 alert reached nobody: {summary(d)}")
    return found
