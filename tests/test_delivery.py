"""Delivery by e-mail: what a real SMTP server on 127.0.0.1 receives (headers, parts,
the PDF, the Swedish text), what happens when it refuses, answers too late or drops the
connection, and the records that make each report and alert go out once.

Stores are written here (no crawl); the clock is given, never read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from crawler.config import load_config
from crawler.delivery import message
from crawler.delivery.records import FAILED, PENDING, SENT, SKIPPED, Deliveries
from crawler.delivery.send import deliver_due, queue_alerts, queue_reports, summary
from crawler.errors import ConfigError, ConfigErrors
from crawler.keys import KeyRing
from crawler.listing import Listing
from crawler.protection import protection_for
from crawler.records import SiteRun
from crawler.report import lan
from crawler.report.weeks import week_of
from crawler.report.writer import write_reports
from crawler.snapshot import Snapshot
from crawler.store import open_store
from tests.conftest import write_config
from tests.smtp_server import (
    DROP,
    PASSWORD,
    REFUSE,
    REJECT,
    TIMEOUT,
    USER,
    free_port,
    self_signed,
    smtp_server,
)

# a Wednesday noon in week 49 of 2026, and the Monday after, when the report job runs
TAKEN = datetime(2026, 12, 2, 12, tzinfo=UTC)
MONDAY = datetime(2026, 12, 7, 5, tzinfo=UTC)
WEEK = week_of(TAKEN)
SKANE = lan.resolve("Skåne")
PDF = b"%PDF-1.4\n% a stand-in for the report's PDF\n%%EOF\n"


class Clock:
    def __init__(self, start: datetime) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


def configure(tmp_path: Path, port: int, **delivery: Any) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    config = write_config(tmp_path, "http://127.0.0.1:9", browser=False)
    data = yaml.safe_load(config.read_text())
    smtp = {"host": "127.0.0.1", "port": port, "security": "none", "timeout_s": 1.0,
            **delivery.pop("smtp", {})}
    data["delivery"] = {"enabled": True, "sender": "adcensus@region.example.se",
                        "sender_name": "adcensus Region Skåne",
                        "lan": {"Skåne län": ["samordnare@region.example.se",
                                              "andra@region.example.se"]},
                        "national": ["nationell@myndighet.example.se"],
                        "retry_backoff_s": 60, "attempts": 3, "smtp": smtp, **delivery}
    config.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return config


def snapshot(config: Path, age: str = "16", locality: str = "Lund") -> str:
    loaded = load_config(config)
    listings = [Listing("annonstavlan", "ad_board",
                        {"text": f"a neutral synthetic text {t}", "locality": locality,
                         "age": age}) for t in ("a", "b", "c")]
    with open_store(loaded.store_url) as store:
        snap = Snapshot(store, KeyRing(loaded.keys_dir), 91, "h", now=TAKEN)
        snap.begin()
        snap.finish({"annonstavlan": listings},
                    [SiteRun("annonstavlan", "ad_board", "ok", pages=1, items=len(listings))],
                    finished=TAKEN)
        return store.runs()[-1].snapshot_id


def reports(config: Path) -> None:
    """The report job's files: the län's HTML, and a PDF beside it."""
    loaded = load_config(config)
    with open_store(loaded.store_url) as store:
        write_reports(store, [SKANE], WEEK, protection_for(loaded), loaded.reports_dir, None,
                      pdf=False)
    (loaded.reports_dir / f"veckorapport-{WEEK.label}-{SKANE.iso}.pdf").write_bytes(PDF)


def records(config: Path) -> Deliveries:
    return Deliveries(load_config(config).job_store_path)


# -- configuration ----------------------------------------------------------------------------

def test_recipients_per_lan_by_any_name_and_a_national_list(tmp_path: Path) -> None:
    config = configure(tmp_path, 25, lan={"Stockholm": ["a@x.se"], "14": ["b@x.se", "c@x.se"],
                                          "SE-M": ["d@x.se"]})
    section = load_config(config).config.delivery
    assert section.recipients("SE-AB") == ["a@x.se"]
    assert section.recipients("SE-O") == ["b@x.se", "c@x.se"]
    assert section.recipients("SE-M") == ["d@x.se"]
    assert section.recipients("SE") == ["nationell@myndighet.example.se"]
    assert section.recipients("SE-Z") == []


@pytest.mark.parametrize("delivery, key, said", [
    ({"lan": {"Stockhlm": ["a@x.se"]}}, "delivery.lan.Stockhlm", "unknown län 'Stockhlm'"),
    ({"lan": {"Skåne": ["not an address"]}}, "delivery.lan.Skåne.0", "is not an e-mail address"),
    ({"national": ["a@x"]}, "delivery.national.0", "is not an e-mail address"),
    ({"smtp": {"password": "hunter2-secret"}}, "delivery.smtp.password",
     "may not be written in adcensus.yaml"),
    ({"smtp": {"passwd": "hunter2-secret"}}, "delivery.smtp", "may not be written"),
    ({"sender": None}, "delivery", "'sender' is required"),
    ({"smtp": {"security": "ssl"}}, "delivery.smtp.security", "Input should be"),
])
def test_a_bad_delivery_section_names_the_file_and_key(tmp_path: Path, delivery: dict[str, Any],
                                                       key: str, said: str) -> None:
    config = configure(tmp_path, 25, **delivery)
    with pytest.raises(ConfigErrors) as caught:
        load_config(config)
    errors = caught.value.errors
    assert any(e.key.startswith(key) and said in e.message and e.path == str(config)
               and e.line is not None for e in errors), [str(e) for e in errors]
    assert "hunter2" not in str(caught.value), "the error repeats no password"


def test_the_password_comes_from_the_environment_or_a_file_outside_the_data(
        tmp_path: Path) -> None:
    from crawler.delivery.settings import password

    outside = tmp_path.parent / f"{tmp_path.name}-secret"
    outside.write_text("fil-lösen\n")
    data_dir = tmp_path / "data"
    config = configure(data_dir, 25, smtp={"username": USER})
    smtp = load_config(config).config.delivery.smtp
    env = {"ADCENSUS_SMTP_PASSWORD": "env-lösen"}
    assert password(smtp, config, data_dir, env) == "env-lösen"
    with pytest.raises(ConfigError, match="ADCENSUS_SMTP_PASSWORD is empty or unset") as caught:
        password(smtp, config, data_dir, {})
    assert caught.value.key == "delivery.smtp.password_env"
    in_file = smtp.model_copy(update={"password_file": str(outside)})
    assert password(in_file, config, data_dir, {}) == "fil-lösen"
    inside = smtp.model_copy(update={"password_file": str(data_dir / "pw")})
    with pytest.raises(ConfigError, match="inside the data directory"):
        password(inside, config, data_dir, {})


# -- what is received ---------------------------------------------------------------------------

def test_the_weekly_report_as_received(tmp_path: Path) -> None:
    with smtp_server() as server:
        config = configure(tmp_path, server.port)
        snapshot(config)
        reports(config)
        clock = Clock(MONDAY)
        queued = queue_reports(load_config(config), WEEK, clock(), counties=[SKANE])
        assert [(d.kind, d.county, d.period, d.state) for d in queued] == [
            ("report", "SE-M", "2026-W49", PENDING)]
        done = deliver_due(load_config(config), clock)
        assert [d.state for d in done] == [SENT]
        [got] = server.received
    mail = got.message
    assert got.sender == "adcensus@region.example.se"
    assert got.recipients == ("samordnare@region.example.se", "andra@region.example.se")
    assert mail["Subject"] == "Veckosammanfattning vecka 49 2026 \u2013 Skåne län"
    assert mail["From"] == "adcensus Region Skåne <adcensus@region.example.se>"
    assert mail["To"] == "samordnare@region.example.se, andra@region.example.se"
    assert mail["Date"] == "Mon, 07 Dec 2026 05:00:00 +0000"
    assert mail["Auto-Submitted"] == "auto-generated" and mail["Content-Language"] == "sv"
    assert mail["Message-ID"] == message.message_id("report", "SE-M", "2026-W49",
                                                    "region.example.se")
    assert mail.get_content_type() == "multipart/mixed"
    alternative, attachment = mail.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    plain, html = alternative.iter_parts()
    assert plain.get_content_type() == "text/plain" and html.get_content_type() == "text/html"
    written = (load_config(config).reports_dir / "veckorapport-2026-W49-SE-M.html").read_text()
    assert html.get_content().replace("\r\n", "\n") == written.rstrip("\n") + "\n", \
        "the body is the report's own file"
    text = plain.get_content()
    assert "Skåne län: veckosammanfattning" in text
    assert "Minst en annons i länet uppgav en ålder under 18 år denna vecka." in text
    assert "<" not in text and "{" not in text, "no markup, no styles in the plain text"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "veckorapport-2026-W49-SE-M.pdf"
    assert attachment.get_content() == PDF


@pytest.mark.browser
def test_the_pdf_printed_by_chromium_is_attached(tmp_path: Path) -> None:
    with smtp_server() as server:
        config = configure(tmp_path, server.port)
        snapshot(config)
        loaded = load_config(config)
        executable = loaded.browser_executable()
        with open_store(loaded.store_url) as store:
            write_reports(store, [SKANE], WEEK, protection_for(loaded), loaded.reports_dir,
                          executable)
        queue_reports(loaded, WEEK, MONDAY, counties=[SKANE])
        deliver_due(loaded, Clock(MONDAY))
        [got] = server.received
    attachment = list(got.message.iter_attachments())[0]
    assert attachment.get_content()[:5] == b"%PDF-"
    assert attachment.get_content() == (loaded.reports_dir / "veckorapport-2026-W49-SE-M.pdf"
                                        ).read_bytes()


def test_the_national_overview_goes_to_the_national_list(tmp_path: Path) -> None:
    with smtp_server() as server:
        config = configure(tmp_path, server.port)
        snapshot(config)
        reports(config)
        loaded = load_config(config)
        # every län written: only Skåne has recipients, the national list gets the overview
        queued = queue_reports(loaded, WEEK, MONDAY)
        assert sorted(d.county for d in queued) == ["SE", "SE-M"]
        deliver_due(loaded, Clock(MONDAY))
        by_to = {r.recipients: r.message for r in server.received}
    national = by_to[("nationell@myndighet.example.se",)]
    assert national["Subject"] == "Veckosammanfattning vecka 49 2026 \u2013 hela Sverige"
    assert national.get_body(("html",)) is not None


def test_the_under_18_alert_names_site_and_lan_and_nothing_else(tmp_path: Path) -> None:
    with smtp_server() as server:
        config = configure(tmp_path, server.port)
        snapshot_id = snapshot(config, age="16")
        loaded = load_config(config)
        clock = Clock(TAKEN + timedelta(minutes=5))
        [alert] = queue_alerts(loaded, snapshot_id, clock())
        assert (alert.kind, alert.county, alert.period) == ("alert", "SE-M", snapshot_id)
        assert [d.state for d in deliver_due(loaded, clock)] == [SENT]
        # the same snapshot again (a second job, a restart): nothing more goes out
        queue_alerts(loaded, snapshot_id, clock())
        assert deliver_due(loaded, clock) == []
        [got] = server.received
    mail = got.message
    assert mail["Subject"] == "Larm 2 december 2026: uppgiven ålder under 18 år i Skåne län"
    assert got.recipients == ("samordnare@region.example.se", "andra@region.example.se")
    text = mail.get_content().replace("\r\n", "\n")
    assert "fann minst en annons i Skåne län som uppgav en ålder under 18 år" in text
    assert "Sajt och ort:\n  annonstavlan – Lund\n" in text
    assert "neutral synthetic" not in text and "http" not in text
    # no number but the date, the time and the snapshot's id
    stripped = text
    for said in (snapshot_id, "2 december 2026", "13:00", "under 18 år"):
        stripped = stripped.replace(said, "")
    assert not any(ch.isdigit() for ch in stripped), stripped


def test_no_alert_without_a_stated_age_under_18_and_skipped_without_recipients(
        tmp_path: Path) -> None:
    with smtp_server() as server:
        config = configure(tmp_path, server.port)
        adult = snapshot(config, age="25")
        assert queue_alerts(load_config(config), adult, TAKEN) == []
    config = configure(tmp_path / "other", server.port, lan={"Stockholm": ["a@x.se"]})
    minor = snapshot(config, age="16")
    [alert] = queue_alerts(load_config(config), minor, TAKEN)
    assert alert.state == SKIPPED and "no recipients for Skåne län" in alert.reason
    assert server.received == []


# -- refusals, timeouts, drops: retries and a record, never a duplicate ---------------------------

@pytest.mark.parametrize("trouble, said", [
    (REFUSE, "answered 451 4.3.0 Mailbox temporarily unavailable"),
    (TIMEOUT, "did not answer within 1 s"),
    (DROP, "closed the connection before the message was taken"),
])
def test_trouble_is_retried_with_backoff_and_sent_once(tmp_path: Path, trouble: str,
                                                       said: str) -> None:
    with smtp_server(delay_s=2.0) as server:
        config = configure(tmp_path, server.port)
        snapshot(config)
        reports(config)
        loaded = load_config(config)
        clock = Clock(MONDAY)
        server.misbehave(trouble, trouble)
        [queued] = queue_reports(loaded, WEEK, clock(), counties=[SKANE])
        [first] = deliver_due(loaded, clock)
        assert first.state == PENDING and first.attempts == 1 and said in first.reason
        assert first.next_attempt_at == "2026-12-07T05:01:00+00:00", "60 s backoff"
        assert deliver_due(loaded, clock) == [], "not due before its backoff"
        clock.advance(60)
        [second] = deliver_due(loaded, clock)
        assert second.state == PENDING and second.attempts == 2
        assert second.next_attempt_at == "2026-12-07T05:03:00+00:00", "the wait doubles"
        clock.advance(120)
        [third] = deliver_due(loaded, clock)
        assert third.state == SENT and third.attempts == 3 and third.reason == ""
        clock.advance(3600)
        queue_reports(loaded, WEEK, clock(), counties=[SKANE])
        assert deliver_due(loaded, clock) == []
        assert len(server.received) == 1, "one message, however often it was tried"
        assert server.handler.tries == 3
        with records(config) as r:
            tries = r.attempts(queued.id)
        assert [(a.attempt, a.outcome) for a in tries] == [(1, "retry"), (2, "retry"),
                                                             (3, SENT)]
        assert said in tries[0].reason


def test_every_try_used_is_a_recorded_failure_with_the_servers_reason(tmp_path: Path) -> None:
    with smtp_server() as server:
        config = configure(tmp_path, server.port, attempts=2, retry_backoff_s=0)
        snapshot(config)
        reports(config)
        loaded = load_config(config)
        server.misbehave(REJECT, REJECT, REJECT)
        queue_reports(loaded, WEEK, MONDAY, counties=[SKANE])
        clock = Clock(MONDAY)
        deliver_due(loaded, clock)
        [last] = deliver_due(loaded, clock)
        assert last.state == FAILED and last.attempts == 2
        assert last.reason == "127.0.0.1:%d answered 554 5.7.1 Message rejected by policy" \
            % server.port
        assert deliver_due(loaded, clock) == [] and server.received == []
        assert "weekly report 2026-W49 Skåne län: failed after 2 try(s)" in summary(last)


def test_a_server_that_is_not_there(tmp_path: Path) -> None:
    config = configure(tmp_path, free_port())  # nothing listens there
    snapshot(config)
    reports(config)
    queue_reports(load_config(config), WEEK, MONDAY, counties=[SKANE])
    [tried] = deliver_due(load_config(config), Clock(MONDAY))
    assert tried.state == PENDING and "refused the connection" in tried.reason


def test_two_processes_trying_at_once_send_once(tmp_path: Path) -> None:
    """Two senders (as two `serve` processes) claim the same due delivery: one sends."""
    import threading

    with smtp_server() as server:
        config = configure(tmp_path, server.port)
        snapshot(config)
        reports(config)
        loaded = load_config(config)
        queue_reports(loaded, WEEK, MONDAY, counties=[SKANE])
        results: list[Any] = []
        gate = threading.Barrier(4)

        def sender() -> None:
            gate.wait()
            results.append(deliver_due(loaded, Clock(MONDAY)))

        threads = [threading.Thread(target=sender) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(len(r) for r in results) == [0, 0, 0, 1]
        assert len(server.received) == 1


# -- TLS and login ------------------------------------------------------------------------------

@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_starttls_or_implicit_tls_with_a_login_from_the_environment(
        tmp_path: Path, security: str) -> None:
    cert, key = self_signed(tmp_path)
    with smtp_server(tls=security, cert=cert, key=key, login=True) as server:
        config = configure(tmp_path / "data", server.port,
                           smtp={"host": "localhost", "security": security, "username": USER,
                                 "ca_file": str(cert), "timeout_s": 10})
        snapshot(config)
        reports(config)
        loaded = load_config(config)
        queue_reports(loaded, WEEK, MONDAY, counties=[SKANE])
        [wrong] = deliver_due(loaded, Clock(MONDAY), env={"ADCENSUS_SMTP_PASSWORD": "fel"})
        assert wrong.state == PENDING and "refused the login of 'adcensus': 535" in wrong.reason
        [sent] = deliver_due(loaded, Clock(MONDAY + timedelta(hours=1)),
                             env={"ADCENSUS_SMTP_PASSWORD": PASSWORD})
        assert sent.state == SENT
        assert len(server.received) == 1
        with records(config) as r:
            texts = repr(r.recent()) + repr(r.attempts(sent.id))
        assert PASSWORD not in texts and "fel" not in texts.replace("failed", "")


def test_a_password_smtplib_cannot_send_is_a_reason_not_a_crash(tmp_path: Path) -> None:
    with smtp_server(login=True) as server:
        config = configure(tmp_path, server.port, smtp={"username": USER})
        snapshot(config)
        reports(config)
        loaded = load_config(config)
        queue_reports(loaded, WEEK, MONDAY, counties=[SKANE])
        [tried] = deliver_due(loaded, Clock(MONDAY), env={"ADCENSUS_SMTP_PASSWORD": "Lösen"})
    assert tried.state == PENDING and "not ASCII" in tried.reason and "Lösen" not in tried.reason


def test_every_lan_subject_survives_the_trip_through_a_mail_parser() -> None:
    import email
    import email.policy

    for county in lan.COUNTIES:
        for subject in (message.report_subject(WEEK, county.name),
                        message.alert_subject(county.name, datetime(2026, 9, 30, 12, tzinfo=UTC),
                                              "Europe/Stockholm")):
            mail = message.envelope(subject, "a@b.se", "adcensus", ["c@d.se"], MONDAY, "<x@b.se>")
            mail.set_content("x")
            back = email.message_from_bytes(mail.as_bytes(), policy=email.policy.default)
            assert back["Subject"] == subject
