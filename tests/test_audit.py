"""`adcensus audit` on real SQLite stores and key directories written by real snapshots:
retention of fingerprints and keys at a window's end, and what the audit names when
something is left behind."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from crawler.audit import AuditReport, run_audit
from crawler.cli import main
from crawler.config import LoadedConfig, load_config
from crawler.keys import KeyRing
from crawler.listing import Listing
from crawler.records import SiteRun
from crawler.snapshot import Snapshot
from crawler.store import open_store
from tests.conftest import write_config

WINDOW_DAYS = 30
# relative to the real clock, so the CLI (which audits "now") sees the same windows
NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    path = write_config(tmp_path / "data", "http://127.0.0.1:9", browser=False)
    data = yaml.safe_load(path.read_text())
    data["baseline"] = {"window_days": WINDOW_DAYS}
    data["privacy"] = {"log_dirs": [str(tmp_path / "logs")]}
    path.write_text(yaml.safe_dump(data))
    (tmp_path / "logs").mkdir()
    (tmp_path / "tmp").mkdir()
    return path


def snapshot(config: Path, when: datetime, *texts: str) -> tuple[str, str]:
    """A snapshot of listings made here (no crawl); returns (snapshot id, window id)."""
    cfg = load_config(config)
    listings = [Listing("annonstavlan", "ad_board",
                        {"text": f"an entirely synthetic listing text number {t}",
                         "locality": "Lund"}) for t in texts]
    with open_store(cfg.store_url) as store:
        snap = Snapshot(store, KeyRing(cfg.keys_dir), WINDOW_DAYS, "h", now=when)
        run = snap.begin()
        snap.finish({"annonstavlan": listings},
                    [SiteRun("annonstavlan", "ad_board", "ok", pages=1, items=len(listings))],
                    finished=when)
    return run.snapshot_id, run.window_id


def audit(config: Path, now: datetime = NOW) -> AuditReport:
    cfg = load_config(config)
    return run_audit(cfg, now=now, env={}, temp_roots=[config.parent.parent / "tmp"])


def failures(report: AuditReport, check: str) -> list[str]:
    return report.check(check).failures


def store_file(cfg: LoadedConfig) -> Path:
    return Path(cfg.store_url[len("sqlite:///"):])


def fingerprint_rows(cfg: LoadedConfig, window_id: str) -> list[tuple]:
    db = sqlite3.connect(store_file(cfg))
    try:
        return db.execute("SELECT * FROM fingerprints WHERE window_id = ?", (window_id,)).fetchall()
    finally:
        db.close()


def two_windows(config: Path) -> tuple[str, str]:
    """A first window 40 days ago and the next one opened 5 days ago: the first has ended."""
    _, first = snapshot(config, NOW - timedelta(days=40), "1", "2", "3")
    snapshot(config, NOW - timedelta(days=33), "1", "2", "4")
    _, second = snapshot(config, NOW - timedelta(days=5), "1", "5")
    assert first != second
    return first, second


def test_a_live_window_keeps_its_key_and_fingerprints_and_passes(config: Path) -> None:
    _, window = snapshot(config, NOW - timedelta(days=3), "1", "2")
    cfg = load_config(config)
    assert KeyRing(cfg.keys_dir).windows() == [window]
    assert len(fingerprint_rows(cfg, window)) > 0
    report = audit(config)
    assert report.passed, report.render()
    assert [(w.window_id, w.state) for w in report.windows] == [(window, "live")]
    assert any(f"live window {window}" in note for note in report.check("retention").notes)
    # the similarity fingerprints are counted apart: one per unique listing
    note = next(n for n in report.check("retention").notes if f"live window {window}" in n)
    assert "2 similarity" in note and "2 listing" in note, note


def test_similarity_fingerprints_go_with_the_window_key(config: Path) -> None:
    cfg = load_config(config)
    _, first = snapshot(config, NOW - timedelta(days=40), "1", "2", "3")
    kinds = [row[2] for row in fingerprint_rows(cfg, first)]
    assert kinds.count("similarity") == 3
    _, second = snapshot(config, NOW - timedelta(days=5), "1", "5")
    assert fingerprint_rows(cfg, first) == []  # every subject, similarity too
    assert not KeyRing(cfg.keys_dir).key_file(first).exists()
    assert [row[2] for row in fingerprint_rows(cfg, second)].count("similarity") == 2
    # the file keeps no readable copy of the retired digests or band groups
    report = audit(config)
    assert report.passed and report.check("retention").failures == [], report.render()


def test_after_the_window_ends_its_fingerprints_and_key_are_gone_and_the_audit_passes(
        config: Path) -> None:
    cfg = load_config(config)
    first, second = two_windows(config)
    # gone together, by the snapshot that opened the next window
    assert fingerprint_rows(cfg, first) == []
    assert not KeyRing(cfg.keys_dir).key_file(first).exists()
    assert KeyRing(cfg.keys_dir).windows() == [second]
    report = audit(config)
    assert report.passed, report.render()
    assert {w.window_id: w.state for w in report.windows} == {first: "retired", second: "live"}
    # and no deleted digest of the first window is readable in the file's free pages
    assert report.check("retention").failures == []


def test_a_stale_fingerprint_left_behind_fails_the_audit_which_names_it(config: Path) -> None:
    cfg = load_config(config)
    _, first = snapshot(config, NOW - timedelta(days=40), "1", "2", "3")
    kept = fingerprint_rows(cfg, first)
    _, second = snapshot(config, NOW - timedelta(days=5), "1", "5")
    # a store restored from a backup, or a deletion that never ran: one row comes back
    db = sqlite3.connect(store_file(cfg))
    with db:
        db.execute("INSERT INTO fingerprints VALUES (?, ?, ?, ?, ?, ?)", kept[0])
    db.close()

    report = audit(config)
    assert not report.passed
    [failure] = failures(report, "retention")
    assert f"window {first}: 1 fingerprint(s) kept after the window ended" in failure
    assert {w.window_id: w.state for w in report.windows}[first] == "stale fingerprints"
    assert report.check("keys").passed and report.check("store-schema").passed

    # the command says the same, exits 1, and `keys retire` puts it right
    assert main(["audit", "--config", str(config), "--json"]) == 1
    assert main(["keys", "retire", "--config", str(config)]) == 0
    assert fingerprint_rows(cfg, first) == [] and fingerprint_rows(cfg, second)
    assert failures(audit(config), "retention") == []


def test_a_window_whose_time_is_up_fails_until_retired(config: Path) -> None:
    cfg = load_config(config)
    _, window = snapshot(config, NOW - timedelta(days=WINDOW_DAYS + 2), "1", "2")
    report = audit(config)
    assert {w.window_id: w.state for w in report.windows} == {window: "ended"}
    [retention] = failures(report, "retention")
    assert f"window {window}" in retention and "past the window's end" in retention
    [keys] = failures(report, "keys")
    assert f"file {cfg.keys_dir / (window + '.key')}" in keys and "not live (ended)" in keys

    assert main(["keys", "retire", "--config", str(config), "--dry-run"]) == 0
    assert fingerprint_rows(cfg, window) and KeyRing(cfg.keys_dir).windows() == [window]
    assert main(["keys", "retire", "--config", str(config)]) == 0
    assert fingerprint_rows(cfg, window) == [] and KeyRing(cfg.keys_dir).windows() == []
    after = audit(config)
    assert after.passed, after.render()
    assert {w.window_id: w.state for w in after.windows} == {window: "retired"}


def test_an_orphan_key_file_and_a_loose_key_directory_are_named(config: Path) -> None:
    cfg = load_config(config)
    _, window = snapshot(config, NOW - timedelta(days=2), "1")
    orphan = KeyRing(cfg.keys_dir)
    orphan.key("old-window", create=True)
    os.chmod(cfg.keys_dir, 0o755)
    (cfg.keys_dir / "notes.txt").write_text("hello\n")
    found = failures(audit(config), "keys")
    assert any("old-window.key" in f and "not live (orphan key)" in f for f in found)
    assert any("open to others (mode 0755)" in f for f in found)
    assert any("notes.txt in the key directory is no key file" in f for f in found)


def test_a_key_in_the_environment_for_an_ended_window_must_be_unset(config: Path) -> None:
    _, first = snapshot(config, NOW - timedelta(days=40), "1")
    snapshot(config, NOW - timedelta(days=5), "1")
    variable = "ADCENSUS_KEY_" + first.replace("-", "_")
    report = run_audit(load_config(config), now=NOW, env={variable: "ab" * 32},
                       temp_roots=[config.parent.parent / "tmp"])
    [keys] = failures(report, "keys")
    assert f"variable {variable}" in keys and "unset it" in keys
    assert "ab" * 32 not in report.render() and "ab" * 32 not in report.to_json()


def test_content_in_a_log_file_or_the_data_directory_fails_and_is_named(config: Path,
                                                                        tmp_path: Path) -> None:
    snapshot(config, NOW - timedelta(days=1), "1")
    log = tmp_path / "logs" / "adcensus.log"
    log.write_text("INFO snapshot done: 3 sites\nDEBUG reply from 070-1740605 was slow\n")
    (tmp_path / "data" / "export.csv").write_text("site,contact\na,someone@example.org\n")
    found = failures(audit(config), "files")
    assert any(str(log) in f and "line 2" in f for f in found), found
    assert any("export.csv" in f for f in found), found
    # what was found is described, never repeated
    assert not any("070-1740605" in f or "someone@example.org" in f for f in found)


def test_a_temporary_directory_left_by_a_dead_snapshot_fails(config: Path,
                                                            tmp_path: Path) -> None:
    snapshot(config, NOW - timedelta(days=1), "1")
    left = tmp_path / "tmp" / "adcensus-snapshot-999999999-abc"
    left.mkdir()
    (left / "page").write_text("x")
    [failure] = failures(audit(config), "temporary")
    assert str(left) in failure and "left behind" in failure
    alive = tmp_path / "tmp" / f"adcensus-snapshot-{os.getpid()}-abc"
    left.rename(alive)
    check = audit(config).check("temporary")
    assert check.passed and any("in use by snapshot process" in n for n in check.notes)


def test_a_table_outside_the_three_record_types_fails_the_schema_check(config: Path) -> None:
    cfg = load_config(config)
    snapshot(config, NOW - timedelta(days=1), "1")
    db = sqlite3.connect(store_file(cfg))
    with db:
        db.execute("CREATE TABLE listings_cache (url TEXT, body TEXT)")
        db.execute("ALTER TABLE indicators ADD COLUMN note TEXT")
    db.close()
    found = failures(audit(config), "store-schema")
    assert any("listings_cache" in f for f in found), found
    assert any("indicators" in f and "note" in f for f in found), found


def test_keys_lists_windows_and_never_a_key(config: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    cfg = load_config(config)
    first, second = two_windows(config)
    key = KeyRing(cfg.keys_dir).key(second).hex()
    capsys.readouterr()
    assert main(["keys", "--config", str(config)]) == 0
    text = capsys.readouterr().out
    assert first in text and "retired" in text and second in text and "live" in text
    assert f"file: {second}.key" in text
    assert main(["keys", "--config", str(config), "--json"]) == 0
    plain = json.loads(capsys.readouterr().out)
    assert [(w["window"], w["state"], w["key"]) for w in plain["windows"]] == [
        (first, "retired", None), (second, "live", "file")]
    assert plain["window_days"] == WINDOW_DAYS
    assert key not in text and key not in json.dumps(plain)


def test_keys_retire_is_refused_while_a_snapshot_runs(config: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    cfg = load_config(config)
    _, window = snapshot(config, NOW - timedelta(days=WINDOW_DAYS + 2), "1")
    with open_store(cfg.store_url) as store:
        running = Snapshot(store, KeyRing(cfg.keys_dir), WINDOW_DAYS, "h", now=NOW)
        running.begin()
    assert main(["keys", "retire", "--config", str(config)]) == 2
    assert "a snapshot is running" in capsys.readouterr().err
    assert fingerprint_rows(cfg, window)


def test_audit_json_is_a_record_to_keep(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    snapshot(config, NOW - timedelta(days=1), "1")
    capsys.readouterr()
    main(["audit", "--config", str(config), "--json"])
    plain = json.loads(capsys.readouterr().out)
    assert {c["name"] for c in plain["checks"]} == {
        "store-schema", "store-content", "retention", "keys", "files", "temporary",
        "deliveries"}
    assert plain["store"]["backend"] == "sqlite" and plain["adcensus_audit"] == 1
    inventory = {c["name"]: (c["record"], {f["name"] for f in c["fields"]})
                 for c in plain["inventory"]}
    assert inventory["fingerprints"][0] == "Fingerprint"
    assert "digest" in inventory["fingerprints"][1]
    assert inventory["indicators"][0] == "Indicator"
    assert set(plain) >= {"audited_at", "adcensus_version", "config", "windows", "scanned",
                          "passed"}


def test_reports_are_read_as_what_a_reader_sees(config: Path) -> None:
    """A report is prose with charts: its method note and SVG markup are not content, a
    contact detail or listing URL in its text or links is."""
    from crawler.report.charts import bars

    cfg = load_config(config)
    snapshot(config, NOW - timedelta(days=1), "1")
    cfg.reports_dir.mkdir(parents=True)
    note = " ".join(["Annonser är inte personer och siffrorna räknar annonser"] * 5)
    good = cfg.reports_dir / "veckorapport-2026-W47-SE-O.html"
    good.write_text(f"<html><body><p>{note}</p><figure>{bars(['Lund'], [12], 'Orter')}"
                    "</figure></body></html>")
    assert audit(config).check("files").passed
    bad = cfg.reports_dir / "veckorapport-2026-W47-SE-M.html"
    bad.write_text(f"<p>{note}</p>\n<p>ring 070-1740605</p>\n"
                   '<a href="http://127.0.0.1:9/sites/annonstavlan/ad/17">x</a>')
    [failure] = failures(audit(config), "files")
    assert str(bad) in failure and "phone number (line 2)" in failure
    assert "URL with a path (line 3)" in failure


@pytest.mark.browser
def test_a_report_pdf_is_read_as_the_text_a_reader_sees(config: Path) -> None:
    """A PDF's text is in compressed streams and its bytes in the clear are font metrics
    (``/W [0 [600.09766 …``) that read as phone numbers: the audit reads its pages' text
    instead, so a printed report passes and a phone number printed in one is found."""
    from crawler.report.pdf import html_to_pdf

    cfg = load_config(config)
    snapshot(config, NOW - timedelta(days=1), "1")
    cfg.reports_dir.mkdir(parents=True)
    rows = "".join(f"<tr><td>{name}</td><td>{131 - n}</td><td>{126 + n}</td><td>+{n}</td></tr>"
                   for n, name in enumerate(["Stockholm", "Solna", "Täby", "Södertälje"] * 3))
    note = "Annonser är inte personer och siffrorna räknar annonser."
    executable = cfg.browser_executable()
    good = cfg.reports_dir / "veckorapport-2026-W47-SE-AB.pdf"
    html_to_pdf(f"<html><body><h1>Stockholms län</h1><p>{note}</p><table>{rows}</table>"
                "</body></html>", good, executable)
    assert audit(config).check("files").passed
    bad = cfg.reports_dir / "veckorapport-2026-W47-SE-M.pdf"
    html_to_pdf(f"<html><body><p>{note}</p><p style='break-before: page'>{note}<br>"
                "ring 070-1740605</p></body></html>", bad, executable)
    [failure] = failures(audit(config), "files")
    # said where a reader finds it: the second page's second line, not a line of the file
    assert str(bad) in failure and "phone number (page 2 line 2)" in failure


def test_a_charts_axis_in_a_pdf_is_no_phone_number() -> None:
    # a bar chart's ticks as the PDF's text gives them: once read as "020-40 60"
    from crawler.audit.content import scan_text

    assert not scan_text("0 20 40 60\n0 200 400 600 800")
    assert scan_text("0 20 41 60").counts["phone number"] == 1
    assert scan_text("070 123 45 67").counts["phone number"] == 1
