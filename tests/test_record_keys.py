"""Record keys and cell keys: uniform, the same for the same unit wherever and whenever it
is counted, and summed into each indicator's cell key by the aggregation."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from crawler.aggregate import Unit, aggregate
from crawler.keys import KeyRing
from crawler.listing import Listing
from crawler.normalise import Profile
from crawler.record_keys import cell_key, cluster_key, hit_keys, identity, record_key
from crawler.records import CELL_KEY_RANGE, SiteRun
from crawler.snapshot import Snapshot
from crawler.store import open_store

SECRET = bytes(range(32))
T0 = datetime(2026, 3, 4, 5, tzinfo=UTC)


def test_record_keys_are_uniform_over_the_key_range() -> None:
    keys = [record_key(identity(SECRET, "a", f"text {n}")) for n in range(40_000)]
    assert min(keys) >= 0 and max(keys) < CELL_KEY_RANGE
    # 16 buckets of 256 keys, ~2,500 each: a chi-square far below its 0.1 % quantile (37.7)
    buckets = Counter(k // 256 for k in keys)
    expected = len(keys) / 16
    assert sum((buckets[b] - expected) ** 2 / expected for b in range(16)) < 37.7


def test_a_unit_has_one_record_key_under_one_secret_and_another_under_another() -> None:
    same = identity(SECRET, "a", "content")
    assert identity(SECRET, "a", "content") == same
    assert identity(SECRET, "b", "content") != same  # a site is part of what identifies it
    assert identity(bytes(32), "a", "content") != same


def test_hits_of_a_unique_listing_sum_their_copies_keys() -> None:
    unit = identity(SECRET, "a", "content")
    assert hit_keys(unit, 1) == record_key(unit), "one hit: the listing's own key"
    assert hit_keys(unit, 3) != hit_keys(unit, 2)
    assert 0 <= hit_keys(unit, 50) < CELL_KEY_RANGE


def test_a_cluster_of_one_has_its_listings_key() -> None:
    a, b = identity(SECRET, "a", "one"), identity(SECRET, "a", "two")
    assert cluster_key([a]) == record_key(a)
    assert cluster_key([a, b]) == cluster_key([b, a]) == record_key(min(a, b))
    assert cell_key([4000, 100, 7]) == (4107 % CELL_KEY_RANGE)


def profile(locality: str, county: str) -> Profile:
    return Profile("a", "ad_board", locality, ("en",), "woman", "18-24", county=county)


def test_the_aggregation_sums_record_keys_per_cell() -> None:
    units = [Unit("unique", scope, profile("Lund", "SE-M"), record_key=key)
             for key in (4000, 200) for scope in ("a", "all")]
    units += [Unit("unique", scope, profile("Umeå", "SE-AC"), record_key=9)
              for scope in ("a", "all")]
    cells = {(i.scope, i.breakdown, i.category): i.cell_key
             for i in aggregate("s", "t", units, ["a"]) if i.level == "unique"}
    assert cells["a", "locality", "Lund"] == (4000 + 200) % CELL_KEY_RANGE
    assert cells["a", "total", "total"] == (4200 + 9) % CELL_KEY_RANGE
    # a county's total counts the same units as its cell of "all": the same cell key
    assert cells["county:SE-M", "total", "total"] == cells["all", "county", "SE-M"]
    assert cells["county:SE-M", "locality", "Lund"] == cells["all", "locality", "Lund"]
    # an empty total states its zero with the empty sum
    assert all(k is not None for k in cells.values())


def listings(texts: list[str], locality: str = "Lund") -> list[Listing]:
    return [Listing("annonstavlan", "ad_board", {"text": t, "locality": locality, "age": "25"})
            for t in texts]


def take(store, keys: KeyRing, moment: datetime, batch: list[Listing], window_days: int = 91):
    snap = Snapshot(store, keys, window_days, "h", now=moment)
    snap.begin()
    snap.finish({"annonstavlan": batch},
                [SiteRun("annonstavlan", "ad_board", "ok", pages=1, items=len(batch))],
                finished=moment)
    return {(i.scope, i.level, i.measure, i.breakdown, i.category): i
            for i in store.indicators(snapshot_id=snap.snapshot_id)}


def test_the_same_listings_keep_their_cell_keys_across_snapshots_and_windows(
        tmp_path: Path) -> None:
    keys = KeyRing(tmp_path / "keys", env={})
    stay = [f"a neutral synthetic text number {n}" for n in range(6)]
    with open_store(f"sqlite:///{tmp_path / 'store.sqlite'}") as store:
        first = take(store, keys, T0, listings(stay) + listings(["moves away"], "Umeå"),
                     window_days=10)
        second = take(store, keys, T0 + timedelta(days=7), listings(stay)
                      + listings(["arrives"], "Umeå"), window_days=10)
        # a new baseline window (new fingerprint key), the same record key secret
        third = take(store, keys, T0 + timedelta(days=14), listings(stay), window_days=10)
    assert not third["all", "unique", "count", "total", "total"].measure.startswith("new")
    lund = ("all", "unique", "count", "locality", "Lund")
    assert first[lund].cell_key == second[lund].cell_key == third[lund].cell_key
    umea = ("all", "unique", "count", "locality", "Umeå")
    assert first[umea].value == second[umea].value == 1
    assert first[umea].cell_key != second[umea].cell_key, "other listings, another key"
    # a gone count's cell key is that of the units gone: the one listing that moved away
    gone = second["all", "unique", "gone_vs_baseline", "total", "total"]
    assert gone.value == 1 and gone.cell_key == first[umea].cell_key
    # every indicator of a snapshot carries a cell key
    assert all(i.cell_key is not None for i in [*first.values(), *second.values()])
    # the record key secret is one file beside the window keys, owner-only
    secret = tmp_path / "keys" / "record-key.secret"
    assert secret.stat().st_mode & 0o777 == 0o600
