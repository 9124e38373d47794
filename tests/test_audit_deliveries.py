"""The audit reads the delivery records: real records left by real tries against a
real SMTP server pass; a record with content in it, or a column the code never writes,
fails and is named without its text."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from crawler.audit import run_audit
from crawler.config import load_config
from crawler.delivery.send import deliver_due, queue_alerts, queue_reports
from tests.smtp_server import REJECT, smtp_server
from tests.test_delivery import MONDAY, SKANE, WEEK, Clock, configure, reports, snapshot


def delivered(tmp_path: Path) -> Path:
    """A sent report, a failed one with the server's reason, a sent alert."""
    with smtp_server() as server:
        config = configure(tmp_path, server.port, attempts=1)
        snapshot_id = snapshot(config, age="16")
        reports(config)
        loaded = load_config(config)
        server.misbehave(REJECT)
        queue_reports(loaded, WEEK, MONDAY, counties=[SKANE])
        queue_alerts(loaded, snapshot_id, MONDAY)
        deliver_due(loaded, Clock(MONDAY))
        assert len(server.received) == 1
    return config


def test_the_records_of_real_deliveries_pass(tmp_path: Path) -> None:
    config = delivered(tmp_path)
    report = run_audit(load_config(config), temp_roots=[tmp_path / "none"])
    check = report.check("deliveries")
    assert check.passed, check.failures
    assert "2 delivery record(s) and 2 attempt(s) read" in check.notes
    assert report.check("files").passed, report.check("files").failures


def test_content_in_a_record_or_an_extra_column_fails(tmp_path: Path) -> None:
    config = delivered(tmp_path)
    path = load_config(config).job_store_path
    db = sqlite3.connect(path)
    db.execute("UPDATE adcensus_delivery_attempts SET reason = ? WHERE id = 1",
               ("550 rejected: https://annonstavlan.example/annons/12345 ring 070-123 45 67",))
    db.execute("ALTER TABLE adcensus_deliveries ADD COLUMN body TEXT")
    db.commit()
    db.close()
    check = run_audit(load_config(config), temp_roots=[tmp_path / "none"]).check("deliveries")
    assert not check.passed
    said = "\n".join(check.failures)
    assert "adcensus_deliveries has column(s) the code does not write: body" in said
    assert "phone number" in said and "URL with a path" in said
    assert "070-123" not in said and "annons/12345" not in said
