"""Where the scheduler hands work to the delivery (crawler/delivery/send.py).

- ``after_reports``: the report job wrote a week's files; queue each län's e-mail and
  the national one, and try them at once;
- ``after_snapshot``: a snapshot completed; queue an alert per län where it found a
  stated age under 18, and try them at once;
- ``DeliveryWorker``: a thread of `serve` that tries again what is due, every
  ``interval_s``: retries wait out their backoff there, also after a restart, since
  what is due is read from the records.

A delivery never fails the job that queued it: the report files and the snapshot stand
whatever the mail server does, and what became of the e-mail is in the records that
`adcensus status` shows.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

from crawler.config import LoadedConfig, load_config
from crawler.report.weeks import Week

logger = logging.getLogger("adcensus.delivery")

INTERVAL_S = 30.0


def after_reports(loaded: LoadedConfig, week: Week) -> None:
    from crawler.delivery.send import deliver_due, queue_reports

    if not loaded.config.delivery.enabled:
        return
    try:
        queued = queue_reports(loaded, week, datetime.now(UTC))
        deliver_due(loaded, only=[d.id for d in queued])
    except Exception as exc:  # the records say what became of each; the job stands
        logger.error("delivery of the reports for %s: %s: %s", week.label, type(exc).__name__, exc)


def after_snapshot(config: str, snapshot_id: str) -> None:
    from crawler.delivery.send import deliver_due, queue_alerts

    try:
        loaded = load_config(config)
        if not loaded.config.delivery.enabled:
            return
        queued = queue_alerts(loaded, snapshot_id, datetime.now(UTC))
        deliver_due(loaded, only=[d.id for d in queued])
    except Exception as exc:
        logger.error("under-18 alerts of snapshot %s: %s: %s", snapshot_id, type(exc).__name__,
                     exc)


class DeliveryWorker(threading.Thread):
    def __init__(self, loaded: LoadedConfig, interval_s: float = INTERVAL_S) -> None:
        super().__init__(name="delivery", daemon=True)
        self.loaded = loaded
        self.interval_s = interval_s
        self._stopping = threading.Event()

    def run(self) -> None:
        from crawler.delivery.send import deliver_due

        while not self._stopping.is_set():
            try:
                deliver_due(self.loaded)
            except Exception as exc:  # a bad pass is logged; the next one tries again
                logger.error("delivery pass: %s: %s", type(exc).__name__, exc)
            self._stopping.wait(self.interval_s)

    def stop(self, timeout: float | None = None) -> None:
        self._stopping.set()
        self.join(timeout)


def start_worker(loaded: LoadedConfig) -> DeliveryWorker | None:
    """The worker of a `serve` whose config enables delivery; None otherwise."""
    if not loaded.config.delivery.enabled:
        return None
    worker = DeliveryWorker(loaded, loaded.config.delivery.poll_s)
    worker.start()
    logger.info("delivery: pending e-mails are tried every %g s", worker.interval_s)
    return worker
