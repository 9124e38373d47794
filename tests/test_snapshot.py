"""The snapshot's core work on listings made in the test (no crawl): windows, new/gone."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from crawler.keys import KeyRing
from crawler.listing import Listing
from crawler.records import SiteRun
from crawler.snapshot import Snapshot
from crawler.store import open_store

T0 = datetime(2026, 11, 2, 12, tzinfo=UTC)


def ads(*texts: str) -> list[Listing]:
    return [Listing("a", "ad_board", {"text": t, "locality": "Lund"}) for t in texts]


def take(tmp_path: Path, when: datetime, listings: list[Listing], health: str = "ok"):
    store = open_store(f"sqlite:///{tmp_path / 's.sqlite'}")
    snap = Snapshot(store, KeyRing(tmp_path / "keys"), window_days=30, config_hash="h", now=when)
    snap.begin()
    filled = Counter(name for listing in listings for name in listing.filled())
    site = SiteRun("a", "ad_board", health, pages=1, items=len(listings), filled=dict(filled))
    run = snap.finish({"a": listings}, [site], finished=when)
    totals = {(i.level, i.measure): i.value for i in store.indicators(snapshot_id=run.snapshot_id,
                                                                       scope="a", breakdown="total")}
    store.close()
    return run, totals


def test_baseline_then_new_still_gone(tmp_path: Path) -> None:
    run1, t1 = take(tmp_path, T0, ads("x", "x", "y", "z"))
    assert run1.is_baseline and run1.status == "complete"
    assert t1[("hits", "count")] == 4 and t1[("unique", "count")] == 3
    assert ("unique", "new_vs_baseline") not in t1

    run2, t2 = take(tmp_path, T0 + timedelta(days=7), ads("x", "y", "w", "v"))
    assert not run2.is_baseline and run2.window_id == run1.window_id
    assert t2[("unique", "new_vs_baseline")] == 2
    assert t2[("unique", "still_vs_baseline")] == 2
    assert t2[("unique", "gone_vs_baseline")] == 1

    run3, t3 = take(tmp_path, T0 + timedelta(days=14), ads("w", "u"))
    assert t3[("unique", "new_vs_baseline")] == 2  # w and u were not in the baseline
    assert t3[("unique", "new_vs_previous")] == 1  # u
    assert t3[("unique", "gone_vs_previous")] == 3  # x, y, v
    assert t3[("unique", "gone_vs_baseline")] == 3  # x, y, z


def test_window_end_starts_a_new_baseline_and_retires_old_keys(tmp_path: Path) -> None:
    run1, _ = take(tmp_path, T0, ads("x"))
    run2, t2 = take(tmp_path, T0 + timedelta(days=31), ads("x"))
    assert run2.is_baseline and run2.window_id != run1.window_id
    assert KeyRing(tmp_path / "keys").windows() == [run2.window_id]
    store = open_store(f"sqlite:///{tmp_path / 's.sqlite'}")
    assert store.fingerprints(run1.snapshot_id) == []
    store.close()


def test_failed_site_gets_no_indicators_and_no_false_gone(tmp_path: Path) -> None:
    take(tmp_path, T0, ads("x", "y"))
    run, totals = take(tmp_path, T0 + timedelta(days=1), [], health="failed")
    assert run.status == "failed" and "a" in run.reason
    assert totals == {}


def test_interrupted_run_is_failed_on_next_start(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 's.sqlite'}")
    crashed = Snapshot(store, KeyRing(tmp_path / "keys"), 30, "h", now=T0)
    crashed.begin()  # ... and the process dies here
    store.close()
    run, _ = take(tmp_path, T0 + timedelta(hours=1), ads("x"))
    store = open_store(f"sqlite:///{tmp_path / 's.sqlite'}")
    statuses = {r.snapshot_id: (r.status, r.reason) for r in store.runs()}
    store.close()
    assert statuses[crashed.snapshot_id][0] == "failed"
    assert "interrupted" in statuses[crashed.snapshot_id][1]
    assert run.is_baseline  # a failed run is never a baseline


def test_a_layout_change_is_flagged_not_counted_as_a_collapse(tmp_path: Path) -> None:
    many = [f"annons nummer {i}" for i in range(40)]
    for day in range(3):
        take(tmp_path, T0 + timedelta(days=day), ads(*many))
    # the site answers, but its selectors found nothing: zero items
    run, totals = take(tmp_path, T0 + timedelta(days=3), [])
    [site] = run.sites
    assert site.health == "unhealthy" and "unhealthy_items_fell" in site.errors
    assert run.status == "partial" and "unhealthy: a" in run.reason
    store = open_store(f"sqlite:///{tmp_path / 's.sqlite'}")
    rows = store.indicators(snapshot_id=run.snapshot_id, scope="a")
    store.close()
    assert rows and not any(i.comparable for i in rows)
    assert ("unique", "gone_vs_baseline") not in totals  # not compared, so nothing "gone"


def test_an_unhealthy_site_with_items_gets_no_new_flags(tmp_path: Path) -> None:
    many = [f"annons nummer {i}" for i in range(40)]
    for day in range(3):
        take(tmp_path, T0 + timedelta(days=day), ads(*many))
    # the locality selector broke: items still come, without their locality
    broken = [Listing("a", "ad_board", {"text": t}) for t in many]
    run, totals = take(tmp_path, T0 + timedelta(days=3), broken)
    assert run.sites[0].health == "unhealthy"
    assert "unhealthy_fill_rate_locality" in run.sites[0].errors
    assert totals[("unique", "count")] == 40
    assert ("unique", "new_vs_baseline") not in totals
