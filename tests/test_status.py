"""`adcensus status`: jobs and next runs, the latest snapshots per site, and the warnings
an operator needs (failed runs, unhealthy sites, a baseline window ending soon)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from crawler.cli import main
from crawler.keys import KeyRing
from crawler.listing import Listing
from crawler.records import SiteRun
from crawler.snapshot import Snapshot
from crawler.store import open_store
from scheduler.history import History
from scheduler.lock import SnapshotLock, lock_path
from scheduler.status import gather, render
from tests.scheduler_support import loaded, scheduled_config

PLANTED = "Zq7-status-canary-text"
NOW = datetime.now(UTC)


def listings(*texts: str) -> list[Listing]:
    return [Listing("annonstavlan", "ad_board", {"text": f"{PLANTED} {t}", "locality": "Lund"})
            for t in texts]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = scheduled_config(tmp_path, "http://127.0.0.1:9")
    data = yaml.safe_load(path.read_text())
    data["baseline"] = {"window_days": 30}
    path.write_text(yaml.safe_dump(data))
    return path


def snapshot(config: Path, when: datetime, sites: list[SiteRun] | None = None,
             fail: str | None = None, finish: bool = True) -> str:
    cfg = loaded(config)
    with open_store(cfg.store_url) as store:
        snap = Snapshot(store, KeyRing(cfg.keys_dir), cfg.config.baseline.window_days, "h",
                        now=when)
        snap.begin()
        if fail:
            snap.fail(fail)
        elif finish:
            sites = sites or [SiteRun("annonstavlan", "ad_board", "ok", pages=12, items=3)]
            snap.finish({"annonstavlan": listings("a", "b", "c")}, sites, finished=when)
        return snap.snapshot_id


def test_status_shows_schedule_runs_sites_and_warnings(config: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schedule", "add", "weekly", "--config", str(config)]) == 0
    baseline = snapshot(config, NOW - timedelta(days=25))
    failed = snapshot(config, NOW - timedelta(days=18), fail="error: ConnectionError")
    latest = snapshot(config, NOW - timedelta(days=11), sites=[
        SiteRun("annonstavlan", "ad_board", "ok", pages=12, items=3,
                errors={"recovered_http_503": 83}),
        SiteRun("profilkatalogen", "profile_site", "unhealthy", pages=4, items=0,
                errors={"http_503": 7, "recovered_timeout": 2}),
        SiteRun("sockerdejt", "sugardating", "failed", pages=0, items=0,
                errors={"connection_refused": 3}),
    ])
    with History(loaded(config).job_store_path) as history:
        row = history.claim("snapshot-weekly", "snapshot", "2026-11-16T02:00:00+00:00")
        assert row is not None
        history.finish(row, "timeout", -9, "time budget exceeded: ran longer than 60 s")

    capsys.readouterr()
    assert main(["status", "--config", str(config)]) == 0
    out = capsys.readouterr().out

    assert "snapshot-weekly" in out and "every Monday at 03:00" in out
    assert "Snapshot running now: no" in out
    for snapshot_id in (baseline, failed, latest):
        assert snapshot_id in out
    site_lines = {line.split()[0]: line.split() for line in out.splitlines()
                  if line.startswith("      ")}
    assert site_lines["profilkatalogen"][1:4] == ["unhealthy", "4", "pages"]
    assert "(http_503 7)" in " ".join(site_lines["profilkatalogen"])
    # pages that answered on a retry are not errors (they were listed as 83 errors)
    newest = out.split(latest)[1].splitlines()  # the latest run's sites (newest first)
    assert any(" ".join(line.split()).endswith(
        "0 errors, 83 recovered on retry (http_503 83)") for line in newest[1:4])
    assert "7 errors (http_503 7), 2 recovered on retry (timeout 2)" in " ".join(
        site_lines["profilkatalogen"])
    assert site_lines["sockerdejt"][1] == "failed"

    warnings = out.split("Warnings")[1]
    assert (f"1 of the last 3 snapshots failed; the latest, {failed}: error: ConnectionError"
            in warnings)
    assert "site profilkatalogen was unhealthy in the latest snapshot" in warnings
    assert "(7 error(s): http_503 7)" in warnings
    assert "site annonstavlan" not in warnings
    assert "site sockerdejt failed in the latest snapshot" in warnings
    assert "ends" in warnings and "in 5 day(s)" in warnings and "(and its key)" in warnings
    assert "the last run of job snapshot-weekly" in warnings
    assert "ended timeout: time budget exceeded" in warnings
    assert PLANTED not in out


def test_status_of_a_fresh_config_and_of_a_running_or_interrupted_snapshot(
        config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = gather(loaded(config))
    assert status.jobs == [] and status.runs == []
    assert any("nothing is scheduled" in w for w in status.warnings)
    assert not (config.parent / "store.sqlite").exists(), "status made no store"

    crashed = snapshot(config, NOW - timedelta(hours=1), finish=False)
    text = render(gather(loaded(config)), str(config))
    assert f"snapshot {crashed} is recorded as running but nothing holds the lock" in text

    with SnapshotLock(lock_path(loaded(config))) as lock:
        assert lock.acquire()
        text = render(gather(loaded(config)), str(config))
    assert "Snapshot running now: yes (lock held by pid" in text
    assert "nothing holds the lock" not in text


def test_a_window_that_ended_and_an_overdue_job_are_warned(config: Path) -> None:
    snapshot(config, NOW - timedelta(days=40))
    status = gather(loaded(config), now=NOW)
    assert any("ended" in w and "starts a new baseline" in w for w in status.warnings)
    # a job whose time has passed without a run: is serve running?
    status = gather(loaded(config), now=NOW + timedelta(days=8))
    assert main(["schedule", "add", "weekly", "--config", str(config)]) == 0
    status = gather(loaded(config), now=NOW + timedelta(days=8))
    assert any("is `adcensus serve` running?" in w for w in status.warnings)


def test_a_sites_items_are_its_hits_count_as_every_output_publishes_it(config: Path) -> None:
    from crawler.protection import protection_for

    cfg = loaded(config)
    taken = datetime(2026, 3, 2, 6, tzinfo=UTC)
    with open_store(cfg.store_url) as store:
        snap = Snapshot(store, KeyRing(cfg.keys_dir), 30, "h", now=taken)
        snap.begin()
        # one hit: the cell key method never publishes a 1, so the exact count cannot pass
        snap.finish({"annonstavlan": listings("a")},
                    [SiteRun("annonstavlan", "ad_board", "ok", pages=2, items=1)], finished=taken)
        hits = store.indicators(snapshot_id=snap.snapshot_id, scope="annonstavlan",
                                level="hits", measure="count", breakdown="total")[0]
    published = protection_for(cfg).published(hits)
    assert hits.value == 1 and published != 1
    status = gather(cfg, now=taken + timedelta(hours=1))
    assert status.items[snap.snapshot_id, "annonstavlan"] == str(published)
    line = next(line for line in render(status, "x.yaml").splitlines()
                if "annonstavlan" in line and "pages" in line)
    assert f"{published:>7} items" in line
