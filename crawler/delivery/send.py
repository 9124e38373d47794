"""Queue, claim, compose, send and record: the delivery of reports and alerts.

The report job (scheduler/jobs.py) queues one delivery per län that has recipients, and
one of the national overview, after it wrote the files; a snapshot job queues an alert
per län where the snapshot found a stated age under 18. Each is then tried at once, and
`serve` tries again what is due (scheduler/delivery_worker.py), so a failure waits out
its backoff even across a restart. The records (crawler/delivery/records.py) make each
(kind, län, week or snapshot) go out once, whoever tries.

A message is composed when it is sent, from the files the report job wrote and from the
store's flags: a retry after a restart needs nothing kept in memory, and nothing but
what the report shows is ever put into an e-mail. `now` is a function, so tests give the
clock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

from crawler.config import LoadedConfig
from crawler.delivery import alerts, message
from crawler.delivery.records import FAILED, SENT, Deliveries, Delivery
from crawler.delivery.settings import NATIONAL, password
from crawler.delivery.smtp import SendError, send
from crawler.errors import AdcensusError
from crawler.report.lan import COUNTIES, County
from crawler.report.weeks import Week, parse_week
from crawler.vocabulary import DeliveryKind

log = logging.getLogger("adcensus.delivery")

NATIONAL_NAME = "hela Sverige"
_BY_ISO = {c.iso: c for c in COUNTIES}
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def report_stem(week: str, county: str) -> str:
    """The file name the report command writes (crawler/commands/report.py)."""
    return f"veckorapport-{week}-{county}"


def queue_reports(loaded: LoadedConfig, week: Week, now: datetime,
                  counties: Iterable[County] | None = None) -> list[Delivery]:
    """A delivery for each län with recipients; the national overview's when every län
    was written (``counties`` None) and it has readers."""
    section = loaded.config.delivery
    if not section.enabled:
        return []
    chosen = list(COUNTIES if counties is None else counties)
    keys = [c.iso for c in chosen if section.recipients(c.iso)]
    if counties is None and section.national:
        keys.append(NATIONAL)
    with Deliveries(loaded.job_store_path) as records:
        return [records.queue(DeliveryKind.REPORT, key, week.label, section.attempts, now)[0]
                for key in keys]


def queue_alerts(loaded: LoadedConfig, snapshot_id: str, now: datetime) -> list[Delivery]:
    """An alert for each län where ``snapshot_id`` found a stated age under 18; one
    whose län has no recipients is recorded as skipped, saying so."""
    from crawler.store import open_store

    section = loaded.config.delivery
    if not (section.enabled and section.alerts):
        return []
    with open_store(loaded.store_url) as store:
        found = alerts.under_18(store, snapshot_id)
    out = []
    with Deliveries(loaded.job_store_path) as records:
        for finding in found:
            delivery, new = records.queue(DeliveryKind.ALERT, finding.county.iso, snapshot_id,
                                          section.attempts, now)
            if new and not section.recipients(finding.county.iso):
                records.skip(delivery.id, f"no recipients for {finding.county.name} "
                             "(delivery.lan): the alert was not sent", now)
                log.warning("under-18 alert for %s not sent: no recipients configured",
                            finding.county.name)
                delivery = records.get(delivery.id)
            out.append(delivery)
    return out


def deliver_due(loaded: LoadedConfig, now: Clock = utc_now, env: Mapping[str, str] | None = None,
                only: Iterable[int] | None = None, to: str | None = None) -> list[Delivery]:
    """Try every pending delivery that is due (or only those of ``only``); returns them
    as recorded after the try. ``to``: send to this one address instead (a test)."""
    section = loaded.config.delivery
    backoff = timedelta(seconds=section.retry_backoff_s)
    wanted = None if only is None else set(only)
    tried = []
    with Deliveries(loaded.job_store_path) as records:
        records.recover(now())
        for due in records.due(now()):
            if wanted is not None and due.id not in wanted:
                continue
            claimed = records.claim(due.id, now())
            if claimed is None:
                continue  # another process took it
            recipients = [to] if to else section.recipients(claimed.county)
            try:
                if not recipients:
                    raise AdcensusError(f"no recipients for {claimed.county} in delivery")
                composed, msg_id = compose(loaded, claimed, recipients, now())
                secret = password(section.smtp, loaded.path, loaded.data_dir, env)
                refused = send(composed, section.sender or "", recipients, section.smtp, secret)
            except Exception as exc:  # a claimed row must not stay "sending": record the try
                reason = (getattr(exc, "reason", None) or str(exc)
                          if isinstance(exc, (SendError, AdcensusError, OSError))
                          else f"{type(exc).__name__} while composing or sending")
                state = records.failed(claimed, reason, now(), backoff)
                log.warning("delivery %d (%s %s %s), try %d of %d: %s%s", claimed.id,
                            claimed.kind, claimed.county, claimed.period, claimed.attempts,
                            claimed.max_attempts, reason,
                            "; given up" if state == FAILED else "; will try again")
            else:
                note = ("the server refused " + "; ".join(refused.values())) if refused else ""
                # the id's left part: the whole id is address-shaped, which the audit flags
                records.sent(claimed, msg_id.strip("<>").split("@")[0], now(), note)
                log.info("delivery %d (%s %s %s) sent to %d address(es)%s", claimed.id,
                         claimed.kind, claimed.county, claimed.period,
                         len(recipients) - len(refused), f" ({note})" if note else "")
            tried.append(records.get(claimed.id))
    return tried


def compose(loaded: LoadedConfig, delivery: Delivery, recipients: list[str],
            now: datetime) -> tuple[EmailMessage, str]:
    section = loaded.config.delivery
    sender = section.sender or ""
    domain = sender.rsplit("@", 1)[-1] or "adcensus.invalid"
    msg_id = message.message_id(delivery.kind, delivery.county, delivery.period, domain)
    tz = loaded.config.schedule.timezone
    if delivery.kind == DeliveryKind.ALERT:
        return _alert(loaded, delivery, recipients, now, msg_id), msg_id
    week = parse_week(delivery.period.split()[0], tz)
    if delivery.county == NATIONAL:
        html = _overview_html(loaded, week)
        subject = message.report_subject(week, NATIONAL_NAME)
        mail = message.envelope(subject, sender, section.sender_name, recipients, now, msg_id)
        return message.weekly(mail, html, None, ""), msg_id
    county = _BY_ISO[delivery.county]
    stem = report_stem(week.label, county.iso)
    html_path = loaded.reports_dir / f"{stem}.html"
    if not html_path.is_file():
        raise AdcensusError(f"{html_path} is missing: `adcensus report --lan {county.iso} "
                            f"--week {week.label}` writes it")
    pdf_path = loaded.reports_dir / f"{stem}.pdf"
    pdf = pdf_path.read_bytes() if pdf_path.is_file() else None
    subject = message.report_subject(week, county.name)
    mail = message.envelope(subject, sender, section.sender_name, recipients, now, msg_id)
    return message.weekly(mail, html_path.read_text(encoding="utf-8"), pdf,
                          f"{stem}.pdf"), msg_id


def _alert(loaded: LoadedConfig, delivery: Delivery, recipients: list[str], now: datetime,
           msg_id: str) -> EmailMessage:
    from crawler.store import open_store

    section = loaded.config.delivery
    tz = loaded.config.schedule.timezone
    with open_store(loaded.store_url) as store:
        finding = alerts.find(store, delivery.period, delivery.county)
        run = next((r for r in store.runs() if r.snapshot_id == delivery.period), None)
    if finding is None or run is None:
        raise AdcensusError(f"snapshot {delivery.period} no longer shows a stated age under 18 "
                            f"in {delivery.county} (deleted or not visible)")
    taken = datetime.fromisoformat(run.started_at)
    subject = message.alert_subject(finding.county.name, taken, tz)
    mail = message.envelope(subject, section.sender or "", section.sender_name, recipients,
                            now, msg_id)
    return message.alert(mail, finding.county.name, finding.places, taken, tz, delivery.period)


def _overview_html(loaded: LoadedConfig, week: Week) -> str:
    """The national overview of the week's snapshot, as `adcensus overview --format html`."""
    from crawler.protection import protection_for
    from crawler.report.overview import build
    from crawler.report.overview_render import render
    from crawler.report.weekly import snapshot_of, visible_runs
    from crawler.store import open_store

    with open_store(loaded.store_url) as store:
        run = snapshot_of(visible_runs(store), week)
        if run is None:
            raise AdcensusError(f"no snapshot in week {week.label} for the national overview")
        return render(build(store, protection_for(loaded), run.snapshot_id), "html")


def summary(delivery: Delivery) -> str:
    """One line for a person: what, for whom, and what became of it."""
    what = {DeliveryKind.REPORT: "weekly report", DeliveryKind.ALERT: "under-18 alert",
            DeliveryKind.TEST: "test"}[DeliveryKind(delivery.kind)]
    place = NATIONAL_NAME if delivery.county == NATIONAL else (
        _BY_ISO[delivery.county].name if delivery.county in _BY_ISO else delivery.county)
    state = delivery.state
    if delivery.retrying:
        state = f"retrying (try {delivery.attempts + 1} of {delivery.max_attempts} " \
                f"at {delivery.next_attempt_at})"
    elif state in (SENT, FAILED):
        state += f" after {delivery.attempts} try(s)"
    return (f"{what} {delivery.period} {place}: {state}"
            + (f" — {delivery.reason}" if delivery.reason else ""))
