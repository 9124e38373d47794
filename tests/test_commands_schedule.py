"""`adcensus schedule add|list|remove|run-now`: jobs in a real SQLite job store, and bad
input refused with the option named and exit status 2."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.cli import main
from scheduler.service import list_jobs
from tests.scheduler_support import loaded, scheduled_config


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return scheduled_config(tmp_path, "http://127.0.0.1:9")


def adcensus(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_add_list_remove(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = adcensus(capsys, "schedule", "add", "weekly", "--config", str(config))
    assert status == 0 and "added snapshot-weekly: snapshot every Monday at 03:00" in out
    status, out, _ = adcensus(capsys, "schedule", "add", "monthly", "--day", "15",
                              "--config", str(config))
    assert status == 0 and "snapshot-monthly-15" in out
    status, out, _ = adcensus(capsys, "schedule", "add", "--cron", "30 4 * * 5", "--id", "fridays",
                              "--config", str(config))
    assert status == 0 and "added fridays" in out

    jobs = {j.id: j for j in list_jobs(loaded(config))}
    assert set(jobs) == {"snapshot-weekly", "snapshot-monthly-15", "fridays"}
    assert jobs["snapshot-weekly"].next_run_time.strftime("%a %H:%M") == "Mon 03:00"
    assert jobs["snapshot-monthly-15"].next_run_time.day == 15
    assert jobs["fridays"].next_run_time.strftime("%a %H:%M") == "Fri 04:30"
    assert str(jobs["fridays"].next_run_time.tzinfo) == "Europe/Stockholm"
    assert all(j.kind == "snapshot" and j.config == str(config) for j in jobs.values())

    # by next run time (then id): which comes first depends on the day the test runs
    status, out, _ = adcensus(capsys, "schedule", "list", "--config", str(config))
    assert status == 0 and [line.split()[0] for line in out.splitlines()] == [
        j.id for j in sorted(jobs.values(), key=lambda j: (j.next_run_time, j.id))]

    status, out, _ = adcensus(capsys, "schedule", "remove", "fridays", "--config", str(config))
    assert status == 0 and {j.id for j in list_jobs(loaded(config))} == {
        "snapshot-weekly", "snapshot-monthly-15"}


def test_the_job_store_holds_definitions_only(config: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    adcensus(capsys, "schedule", "add", "weekly", "--config", str(config))
    db = sqlite3.connect(loaded(config).job_store_path)
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    columns = {row[1] for row in db.execute("PRAGMA table_info(apscheduler_jobs)")}
    db.close()
    assert tables <= {"apscheduler_jobs", "adcensus_executions", "sqlite_sequence"}
    assert columns == {"id", "next_run_time", "job_state"}
    job = list_jobs(loaded(config))[0]
    assert job.config == str(config)  # the one argument: a path


@pytest.mark.parametrize(("args", "message"), [
    (["--cron", "0 3 * *"], "--cron '0 3 * *': expected 5 fields"),
    (["--cron", "0 99 * * 1"], "--cron '0 99 * * 1' is not a valid cron expression"),
    (["--cron", "0 3 * * 9"], "'9' in day-of-week"),
    (["--at", "2020-08-15T03:00"], "--at '2020-08-15T03:00' is in the past"),
    (["--at", "soon"], "--at 'soon' is not a date and time"),
    (["monthly", "--day", "40"], "--day 40: a day of the month is 1-31"),
    (["weekly", "--time", "3 o'clock"], "--time \"3 o'clock\" is not a time of day"),
    (["weekly", "--day", "15"], "--day goes with the monthly preset"),
    (["weekly", "--cron", "0 3 * * 1"], "got a preset and --cron"),
    ([], "give one of: a preset"),
    (["weekly", "--kind", "horoscope"], "unknown job kind 'horoscope' (known: snapshot, report)"),
])
def test_bad_schedule_input_is_named(config: Path, capsys: pytest.CaptureFixture[str],
                                     args: list[str], message: str) -> None:
    status, out, err = adcensus(capsys, "schedule", "add", *args, "--config", str(config))
    assert status == 2, err
    assert message in err and "Traceback" not in err
    assert list_jobs(loaded(config)) == []


def test_unknown_preset(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["schedule", "add", "daily", "--config", str(config)])
    assert exit_.value.code == 2
    assert "invalid choice: 'daily' (choose from 'weekly', 'monthly')" in capsys.readouterr().err


def test_existing_and_unknown_jobs(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    adcensus(capsys, "schedule", "add", "weekly", "--config", str(config))
    status, _, err = adcensus(capsys, "schedule", "add", "weekly", "--config", str(config))
    assert status == 2 and "a job named 'snapshot-weekly' exists already" in err
    status, out, _ = adcensus(capsys, "schedule", "add", "weekly", "--weekday", "wed",
                              "--replace", "--config", str(config))
    assert status == 0 and "every Wednesday" in out and len(list_jobs(loaded(config))) == 1
    for action in ("remove", "run-now"):
        status, _, err = adcensus(capsys, "schedule", action, "nope", "--config", str(config))
        assert status == 2 and "no job named 'nope'" in err


def test_unknown_config_is_named_with_exit_2(tmp_path: Path) -> None:
    # a real process: the exit status a shell or systemd sees
    missing = tmp_path / "nowhere.yaml"
    for args in (["schedule", "add", "weekly"], ["serve"], ["status"]):
        result = subprocess.run([sys.executable, "-m", "crawler.cli", *args, "--config",
                                 str(missing)], capture_output=True, text=True, timeout=60)
        assert result.returncode == 2, args
        assert f"{missing}: file not found" in result.stderr and "Traceback" not in result.stderr


def test_bad_schedule_section_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = scheduled_config(tmp_path, "http://127.0.0.1:9", {"timezone": "Europe/Stokholm"})
    status, _, err = adcensus(capsys, "schedule", "list", "--config", str(config))
    assert status == 2 and "schedule.timezone" in err
    assert "unknown time zone 'Europe/Stokholm'" in err


@pytest.mark.parametrize("command", [["schedule"], ["schedule", "add"], ["schedule", "list"],
                                     ["schedule", "remove"], ["schedule", "run-now"], ["serve"],
                                     ["status"]])
def test_each_command_has_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    assert exit_.value.code == 0 and "usage: adcensus" in capsys.readouterr().out


@pytest.mark.browser
def test_a_weekly_report_job_writes_every_lan_for_the_week_before(
        config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from datetime import UTC, datetime

    from crawler.keys import KeyRing
    from crawler.listing import Listing
    from crawler.records import SiteRun
    from crawler.snapshot import Snapshot
    from crawler.store import open_store
    from scheduler.history import History
    from scheduler.jobs import weekly_reports
    from scheduler.runner import SKIPPED_TAKEN

    status, out, _ = adcensus(capsys, "schedule", "add", "--cron", "0 7 * * 1", "--kind", "report",
                              "--id", "reports", "--config", str(config))
    assert status == 0
    [job] = list_jobs(loaded(config))
    assert job.kind == "report" and job.next_run_time.strftime("%a %H:%M") == "Mon 07:00"

    cfg = loaded(config)
    taken = datetime(2026, 11, 18, 9, tzinfo=UTC)  # a Wednesday in week 47
    with open_store(cfg.store_url) as store:
        snap = Snapshot(store, KeyRing(cfg.keys_dir), 91, "h", now=taken)
        snap.begin()
        listings = [Listing("annonstavlan", "ad_board",
                            {"text": f"a neutral synthetic text {n}", "locality": "Umeå"})
                    for n in range(8)]
        snap.finish({"annonstavlan": listings}, [SiteRun("annonstavlan", "ad_board", "ok",
                                                         pages=1, items=8)], finished=taken)
    # due on Monday of week 48: the reports are for week 47
    assert weekly_reports(str(config), job_id="reports",
                          scheduled_at=datetime(2026, 11, 23, 6, tzinfo=UTC)) == "complete"
    written = sorted(p.name for p in cfg.reports_dir.iterdir())
    assert len(written) == 42 and "veckorapport-2026-W47-SE-AC.pdf" in written
    # once per due time, as a snapshot: a second scheduler firing it too skips
    assert weekly_reports(str(config), job_id="reports",
                          scheduled_at=datetime(2026, 11, 23, 6, tzinfo=UTC)) == "skipped"
    # a week without a snapshot is a failed job, with the command's reason, not a crash
    assert weekly_reports(str(config), job_id="reports",
                          scheduled_at=datetime(2026, 12, 14, 6, tzinfo=UTC)) == "failed"
    with History(cfg.job_store_path) as history:
        done = [(e.kind, e.outcome, e.reason) for e in history.recent()][::-1]
    assert done[0] == ("report", "complete", f"reports for 2026-W47 in {cfg.reports_dir}")
    assert done[1] == ("report", "skipped", SKIPPED_TAKEN)
    assert done[2][:2] == ("report", "failed") and done[2][2].startswith("reports for 2026-W50: ")
    # and `adcensus status` says so
    status, out, _ = adcensus(capsys, "status", "--config", str(config))
    assert "the last run of job reports" in out and "ended failed: reports for 2026-W50" in out
