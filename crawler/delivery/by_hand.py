"""`adcensus report --send`: e-mail the reports just written, by hand.

Without ``--to`` it is the same delivery as the report job's, with the same records:
a län whose report for the week went out already is not sent again, and one that fails
stays pending for `serve` to try again. With ``--to ADDRESS`` it is a test: one try to
that one address, recorded as a test, so that the week's real delivery still goes out.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from crawler.config import LoadedConfig
from crawler.delivery.records import SENT, Deliveries, iso
from crawler.delivery.send import deliver_due, queue_reports, summary
from crawler.delivery.settings import _address
from crawler.errors import AdcensusError
from crawler.report.lan import COUNTIES, County
from crawler.report.weeks import Week
from crawler.vocabulary import DeliveryKind


def send_by_hand(loaded: LoadedConfig, counties: Sequence[County], week: Week,
                 to: str | None) -> int:
    section = loaded.config.delivery
    if not section.enabled:
        raise AdcensusError(f"{loaded.path}: delivery is not enabled (delivery.enabled: true, "
                            "with a sender and recipients; docs/OPERATIONS.md, \"Delivery\")")
    now = datetime.now(UTC)
    every = len(counties) == len(COUNTIES)
    if to is not None:
        try:
            address = _address(to)
        except ValueError as exc:
            raise AdcensusError(f"--to: {exc}") from None
        with Deliveries(loaded.job_store_path) as records:
            queued = [records.queue(DeliveryKind.TEST, c.iso, f"{week.label} {iso(now)}", 1, now)[0]
                      for c in counties]
        done = deliver_due(loaded, only=[d.id for d in queued], to=address)
    else:
        queued = queue_reports(loaded, week, now, None if every else counties)
        if not queued:
            raise AdcensusError(f"no recipients for {', '.join(c.name for c in counties)} "
                                "in delivery.lan (or delivery.national)")
        tried = {d.id: d for d in deliver_due(loaded, only=[d.id for d in queued])}
        with Deliveries(loaded.job_store_path) as records:
            done = [tried.get(d.id) or records.get(d.id) for d in queued]
    for delivery in done:
        print(summary(delivery), file=sys.stderr)
    return 0 if all(d.state == SENT for d in done) else 1
