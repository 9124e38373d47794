"""Delivery in the scheduler and the CLI: real `serve` processes retrying a refused
e-mail across a restart and sending it once, two of them at once, the report job
sending what it wrote, a snapshot's alert, `report --send` and `status`.

The SMTP server is aiosmtpd on 127.0.0.1 (tests/smtp_server.py); stores are written
here, with the clock fixed for what they hold."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from crawler.cli import main
from crawler.config import load_config
from crawler.delivery.records import PENDING, SENT, Deliveries
from crawler.delivery.send import queue_reports
from tests.scheduler_support import Serve, wait_for
from tests.smtp_server import REFUSE, smtp_server
from tests.test_delivery import MONDAY, SKANE, WEEK, configure, reports, snapshot

# when the tests queue an e-mail for a real `serve`: fixed, and before any day the suite
# runs on, so it is due at once whatever the clock says (serve's worker reads the real one)
QUEUED = datetime(2020, 1, 6, 7, tzinfo=UTC)


def serve_config(tmp_path: Path, port: int, **delivery: object) -> Path:
    config = configure(tmp_path, port, **{"poll_s": 0.2, "retry_backoff_s": 1, "attempts": 5,
                                          **delivery})
    data = yaml.safe_load(config.read_text())
    data["schedule"] = {"stop_grace_s": 5}
    config.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return config


def the_delivery(config: Path) -> object:
    with Deliveries(load_config(config).job_store_path) as records:
        found = records.recent(1)
    return found[0] if found else None


def test_a_restart_of_serve_between_failure_and_retry_sends_once(tmp_path: Path) -> None:
    with smtp_server() as server:
        config = serve_config(tmp_path, server.port, retry_backoff_s=3)
        snapshot(config)
        reports(config)
        server.misbehave(REFUSE)
        # queued as the report job queues it, at a fixed time long past: due now
        queue_reports(load_config(config), WEEK, QUEUED, counties=[SKANE])
        first = Serve(config, tmp_path / "serve-1.log")
        try:
            failed = wait_for("the first try to fail", lambda: (
                d if (d := the_delivery(config)) and d.attempts == 1 and d.state == PENDING
                else None), timeout=60)
            assert "451 4.3.0" in failed.reason
        finally:
            first.kill()  # no goodbye: the next `serve` finds only the records
        assert server.received == []
        second = Serve(config, tmp_path / "serve-2.log")
        try:
            sent = wait_for("the retry after the restart",
                            lambda: d if (d := the_delivery(config)).state == SENT else None,
                            timeout=60)
            time.sleep(1.0)  # five more passes of the worker: nothing more goes out
        finally:
            assert second.stop() == 0
        assert sent.attempts == 2
        assert len(server.received) == 1 and server.handler.tries == 2
        logs = first.output() + second.output()
        assert "try 1 of 5" in logs and "will try again" in logs and "Traceback" not in logs
        assert "samordnare@" not in logs, "addresses stay out of the logs"


def test_two_serve_processes_send_a_due_email_once(tmp_path: Path) -> None:
    with smtp_server() as server:
        config = serve_config(tmp_path, server.port)
        snapshot(config)
        reports(config)
        serves = [Serve(config, tmp_path / f"serve-{n}.log") for n in (1, 2)]
        try:
            for serve in serves:
                wait_for("serve to start", lambda s=serve: "serving 0 job(s)" in s.output())
            queue_reports(load_config(config), WEEK, QUEUED, counties=[SKANE])
            wait_for("the e-mail", lambda: the_delivery(config).state == SENT, timeout=60)
            time.sleep(1.0)
        finally:
            statuses = [serve.stop() for serve in serves]
        assert statuses == [0, 0]
        assert len(server.received) == 1 and server.handler.tries == 1


@pytest.mark.slow
@pytest.mark.browser
def test_the_report_job_sends_what_it_wrote(tmp_path: Path) -> None:
    from scheduler.jobs import weekly_reports

    with smtp_server() as server:
        config = serve_config(tmp_path, server.port)
        snapshot(config)
        assert weekly_reports(str(config), job_id="reports",
                              scheduled_at=MONDAY) == "complete"
        by_to = {r.recipients: r.message for r in server.received}
        # a second scheduler firing the same due time sends nothing more
        assert weekly_reports(str(config), job_id="reports", scheduled_at=MONDAY) == "skipped"
        assert len(server.received) == 2
    skane = by_to[("samordnare@region.example.se", "andra@region.example.se")]
    assert skane["Subject"] == "Veckosammanfattning vecka 49 2026 \u2013 Skåne län"
    [pdf] = list(skane.iter_attachments())
    assert pdf.get_content()[:5] == b"%PDF-"
    national = by_to[("nationell@myndighet.example.se",)]
    assert national["Subject"].endswith("hela Sverige")


def test_a_scheduled_snapshot_with_a_stated_age_under_18_alerts_its_lan(tmp_path: Path) -> None:
    from scheduler.delivery_worker import after_snapshot

    with smtp_server() as server:
        config = serve_config(tmp_path, server.port)
        snapshot_id = snapshot(config, age="15")
        after_snapshot(str(config), snapshot_id)  # what take_snapshot does after a run
        after_snapshot(str(config), snapshot_id)  # a second time: nothing more
        [got] = server.received
    assert got.message["Subject"].startswith("Larm 2 december 2026: uppgiven ålder under 18")


def test_report_send_by_hand_once_and_a_test_to_one_address(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with smtp_server() as server:
        config = serve_config(tmp_path, server.port)
        snapshot(config)
        argv = ["report", "--config", str(config), "--lan", "Skåne", "--week", WEEK.label,
                "--no-pdf"]
        assert main([*argv, "--send", "--to", "prov@region.example.se"]) == 0
        err = capsys.readouterr().err
        assert "test 2026-W49" in err and "Skåne län: sent after 1 try(s)" in err
        assert main([*argv, "--send"]) == 0
        assert "weekly report 2026-W49 Skåne län: sent after 1 try(s)" in capsys.readouterr().err
        # by hand again: the week's report went out already, nothing is sent
        assert main([*argv, "--send"]) == 0
        assert len(server.received) == 2
        assert server.received[0].recipients == ("prov@region.example.se",)
        assert main([*argv, "--send", "--to", "not-an-address"]) == 2
        assert "--to: 'not-an-address' is not an e-mail address" in capsys.readouterr().err

        assert main(["status", "--config", str(config)]) == 0
        out = capsys.readouterr().out
    assert "Latest deliveries (e-mail):" in out
    assert "weekly report 2026-W49 Skåne län: sent after 1 try(s)" in out
    assert "test 2026-W49" in out


def test_status_warns_of_a_given_up_email(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    from crawler.delivery.send import deliver_due
    from tests.smtp_server import REJECT

    with smtp_server() as server:
        config = serve_config(tmp_path, server.port, attempts=1)
        snapshot(config)
        reports(config)
        server.misbehave(REJECT)
        loaded = load_config(config)
        queue_reports(loaded, WEEK, MONDAY, counties=[SKANE])
        deliver_due(loaded, lambda: MONDAY)
    assert main(["status", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "! an e-mail was given up: weekly report 2026-W49 Skåne län: failed after 1 try(s)" \
        in out and "554 5.7.1" in out


def test_delivery_off_sends_nothing(tmp_path: Path) -> None:
    from scheduler.delivery_worker import after_reports, after_snapshot

    with smtp_server() as server:
        config = serve_config(tmp_path, server.port, enabled=False)
        snapshot_id = snapshot(config, age="15")
        reports(config)
        after_snapshot(str(config), snapshot_id)
        after_reports(load_config(config), WEEK)
        assert server.received == []
    assert not load_config(config).job_store_path.exists() or the_delivery(config) is None
