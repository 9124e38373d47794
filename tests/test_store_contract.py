"""One contract for every store backend (as APScheduler tests its job stores): only records
in, a snapshot visible all at once or not at all, crash recovery, retention, and the
queries the reports need, with the same numbers from SQLite and from Elasticsearch."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from crawler.aggregate import Unit, aggregate
from crawler.listing import Listing
from crawler.normalise import Profile
from crawler.records import (
    SCOPE_ALL,
    Fingerprint,
    Indicator,
    RecordRejected,
    RunRecord,
    SiteRun,
)
from crawler.store.base import Point, Store
from crawler.vocabulary import LEVELS
from tests.store_backends import ElasticsearchBackend, SQLiteBackend

Backend = SQLiteBackend | ElasticsearchBackend


def at(day: int) -> str:
    return f"2026-11-{day:02d}T06:00:00+00:00"


def run(sid: str = "s1", status: str = "running", day: int = 1, window: str = "w1") -> RunRecord:
    return RunRecord(sid, at(day), status, "hash", "0.1.0", window_id=window,
                     is_baseline=sid == "s1", finished_at="" if status == "running" else at(day),
                     sites=(SiteRun("b", "profile_site", "ok", 3, 2, {}, {}, 0.5),
                            SiteRun("a", "ad_board", "ok", 5, 4, {"http_500": 2, "dns": 1},
                                    {"x": 1}, 1.5, {"locality": 4, "text": 3})))


def ind(value: int, sid: str = "s1", category: str = "total", day: int = 1,
        measure: str = "count", breakdown: str = "total", scope: str = "a",
        level: str = "unique") -> Indicator:
    return Indicator(sid, at(day), scope, level, measure, breakdown, category, value)


def fp(digest: str = "a" * 64, sid: str = "s1", window: str = "w1", subject: str = "listing",
       scope: str = "a", group: str = "") -> Fingerprint:
    return Fingerprint(window, sid, subject, scope, digest, group)


@pytest.fixture(params=["sqlite", "elasticsearch"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    chosen: Backend
    if request.param == "sqlite":
        chosen = SQLiteBackend(tmp_path / "store.sqlite")
    else:
        chosen = ElasticsearchBackend(request.getfixturevalue("elasticsearch_url"))
    yield chosen
    chosen.cleanup()


@pytest.fixture
def store(backend: Backend) -> Iterator[Store]:
    s = backend.open()
    yield s
    s.close()


def write(store: Store, sid: str, day: int, indicators: list[Indicator],
          fingerprints: list[Fingerprint] | None = None, status: str = "complete") -> None:
    store.begin_run(run(sid, day=day))
    store.complete_run(run(sid, status, day=day), indicators, fingerprints or [])


# -- visibility and idempotence ---------------------------------------------------------

def test_running_run_has_no_visible_records_until_complete(store: Store) -> None:
    store.begin_run(run())
    assert store.indicators() == [] and store.fingerprints("s1") == []
    store.complete_run(run(status="complete"), [ind(4)], [fp()])
    assert [i.value for i in store.indicators()] == [4]
    assert store.fingerprints("s1") == [fp()]


def test_run_record_round_trips(store: Store) -> None:
    store.begin_run(run())
    store.complete_run(run(status="complete"), [], [])
    [record] = store.runs()
    expected = run(status="complete")
    # sites come back by name, each count map by reason
    assert record == replace(expected, sites=tuple(sorted(expected.sites, key=lambda s: s.site)))
    assert list(record.sites[0].errors) == ["dns", "http_500"]


def test_cell_keys_round_trip_and_a_missing_one_stays_none(backend: Backend,
                                                           store: Store) -> None:
    keyed = [replace(ind(4), cell_key=0),
             replace(ind(7, category="Malmö", breakdown="locality"), cell_key=4095),
             replace(ind(3, category="Lund", breakdown="locality"), cell_key=1234),
             ind(2, category="Örebro", breakdown="locality")]  # written without a cell key
    write(store, "s1", 1, keyed)
    expected = {"total": 0, "Malmö": 4095, "Lund": 1234, "Örebro": None}
    assert {i.category: i.cell_key for i in store.indicators()} == expected
    store.close()
    reopened = backend.open()  # read back by another process, not from a cache
    assert {i.category: i.cell_key for i in reopened.indicators()} == expected
    assert sorted(reopened.indicators(), key=lambda i: i.category) == sorted(
        keyed, key=lambda i: i.category)
    reopened.close()


def test_a_series_carries_each_snapshots_cell_key(store: Store) -> None:
    write(store, "s1", 1, [ind(10, "s1", "Stockholm", 1, breakdown="county")])
    write(store, "s2", 8, [replace(ind(12, "s2", "Stockholm", 8, breakdown="county"),
                                   cell_key=2048)])
    write(store, "s3", 15, [replace(ind(0, "s3", "Stockholm", 15, breakdown="county"),
                                    cell_key=0)])
    assert store.series("a", "unique", "count", "county", "Stockholm") == [
        Point("s1", at(1), 10, True, None), Point("s2", at(8), 12, True, 2048),
        Point("s3", at(15), 0, True, 0)]


def test_completing_twice_replaces_never_adds(store: Store) -> None:
    store.begin_run(run())
    store.complete_run(run(status="complete"), [ind(4), ind(1, category="x", breakdown="b")],
                       [fp("a" * 64), fp("b" * 64)])
    store.complete_run(run(status="complete"), [ind(4)], [fp("a" * 64)])
    store.complete_run(run(status="complete"), [ind(4)], [fp("a" * 64)])
    assert store.indicators() == [ind(4)]
    assert store.fingerprints("s1") == [fp("a" * 64)]
    assert len(store.runs()) == 1


@pytest.mark.parametrize("bad", [
    Listing("a", "ad_board", {"text": "x"}),
    {"snapshot_id": "s1", "value": 3},
    "a string",
])
def test_anything_but_records_is_refused_before_writing(store: Store, bad: object) -> None:
    store.begin_run(run())
    with pytest.raises(RecordRejected):
        store.complete_run(run(status="complete"), [ind(4), bad], [fp()])  # type: ignore[list-item]
    with pytest.raises(RecordRejected):
        store.complete_run(run(status="complete"), [ind(4)], [fp(), bad])  # type: ignore[list-item]
    with pytest.raises(RecordRejected):
        store.complete_run(bad, [], [])  # type: ignore[arg-type]
    with pytest.raises(RecordRejected):
        store.begin_run(bad)  # type: ignore[arg-type]
    assert store.indicators() == [] and store.fingerprints("s1") == []
    assert [r.status for r in store.runs()] == ["running"]


def test_records_of_another_snapshot_or_twice_the_same_key_are_refused(store: Store) -> None:
    store.begin_run(run())
    with pytest.raises(ValueError, match="snapshot id"):
        store.complete_run(run(status="complete"), [ind(4, sid="s2")], [])
    with pytest.raises(ValueError, match="given twice"):
        store.complete_run(run(status="complete"), [ind(4), ind(5)], [])
    assert store.indicators() == [] and store.runs()[0].status == "running"


def test_a_value_past_64_bits_is_refused_before_writing(store: Store) -> None:
    store.begin_run(run())
    too_big = ind(2**63, category="x", breakdown="b")
    with pytest.raises(ValueError, match="64-bit"):
        store.complete_run(run(status="complete"), [ind(4), too_big], [fp()])
    assert store.indicators() == [] and store.fingerprints("s1") == []
    assert store.runs()[0].status == "running"


def test_interrupted_runs_are_failed_and_their_records_deleted(backend: Backend,
                                                               store: Store) -> None:
    write(store, "s1", 1, [ind(4)], [fp()])
    store.begin_run(run("s2", day=2))
    store.close()
    reopened = backend.open()  # as the next snapshot process would
    assert reopened.fail_interrupted_runs("interrupted", at(3)) == ["s2"]
    assert [(r.snapshot_id, r.status, r.reason, r.finished_at) for r in reopened.runs()] == [
        ("s1", "complete", "", at(1)), ("s2", "failed", "interrupted", at(3))]
    assert reopened.fail_interrupted_runs("interrupted", at(4)) == []
    assert [i.value for i in reopened.indicators()] == [4]
    reopened.close()


def test_a_failed_run_shows_nothing(store: Store) -> None:
    write(store, "s1", 1, [ind(4)], [fp()])
    store.fail_run("s1", "error: Boom", at(2))
    assert store.indicators() == [] and store.fingerprints("s1") == []
    [record] = store.runs(status="failed")
    assert record.reason == "error: Boom" and record.finished_at == at(2)
    store.fail_run("nope", "x", at(2))  # an unknown run: nothing to mark, no error


def test_runs_oldest_first_and_by_status(store: Store) -> None:
    write(store, "s2", 2, [])
    write(store, "s1", 1, [], status="partial")
    store.begin_run(run("s3", day=3))
    assert [r.snapshot_id for r in store.runs()] == ["s1", "s2", "s3"]
    assert [r.snapshot_id for r in store.runs(status="partial")] == ["s1"]
    assert [r.snapshot_id for r in store.runs(status="running")] == ["s3"]


# -- fingerprints -------------------------------------------------------------------------

def test_fingerprints_by_subject_in_order(store: Store) -> None:
    written = [fp("c" * 64, scope="b"), fp("b" * 64, subject="advertiser", group="d" * 64),
               fp("a" * 64, scope="b"), fp("f" * 64)]
    write(store, "s1", 1, [], written)
    key = lambda f: (f.subject, f.scope, f.digest)  # noqa: E731
    assert store.fingerprints("s1") == sorted(written, key=key)
    assert store.fingerprints("s1", "advertiser") == [written[1]]
    assert store.fingerprints("s2") == []


def test_similarity_fingerprints_beside_their_listing_and_deleted_with_the_window(
        store: Store) -> None:
    # one unique listing: its exact fingerprint (group: its distinct listing) and its
    # similarity fingerprint (same digest; group: its keyed band digests)
    listing = fp("a" * 64, group="c" * 64)
    similar = fp("a" * 64, subject="similarity", group="0123456789abcdef" * 4)
    write(store, "s1", 1, [ind(2, measure="reposted_vs_baseline"),
                           ind(1, measure="moved_site_vs_previous")], [listing, similar])
    assert store.fingerprints("s1") == [listing, similar]
    assert store.fingerprints("s1", "similarity") == [similar]
    assert {i.measure for i in store.indicators(snapshot_id="s1")} == {
        "reposted_vs_baseline", "moved_site_vs_previous"}
    assert store.delete_window("w1") == 2
    assert store.fingerprints("s1") == []


def test_delete_window_deletes_only_that_window(store: Store) -> None:
    write(store, "s1", 1, [], [fp("a" * 64), fp("b" * 64)])
    store.begin_run(run("s2", day=2, window="w2"))
    store.complete_run(run("s2", "complete", day=2, window="w2"), [],
                       [fp("a" * 64, sid="s2", window="w2")])
    assert store.delete_window("w1") == 2
    assert store.fingerprints("s1") == []
    assert store.fingerprints("s2") == [fp("a" * 64, sid="s2", window="w2")]
    assert store.delete_window("w1") == 0


# -- queries ------------------------------------------------------------------------------

def test_indicators_filtered_and_ordered(store: Store) -> None:
    day2 = [ind(3, "s2", day=2), ind(7, "s2", "Malmö", 2, breakdown="locality"),
            ind(9, "s2", "Göteborg", 2, breakdown="locality", scope=SCOPE_ALL)]
    day1 = [ind(5, day=1), ind(1, category="Örebro", breakdown="locality")]
    write(store, "s2", 2, day2)
    write(store, "s1", 1, day1)
    key = lambda i: (i.taken_at, i.snapshot_id, i.scope, i.level, i.measure, i.breakdown,  # noqa: E731
                     i.category)
    assert store.indicators() == sorted(day1 + day2, key=key)
    assert store.indicators(snapshot_id="s2", breakdown="locality") == sorted(day2[1:], key=key)
    assert store.indicators(scope=SCOPE_ALL) == [day2[2]]
    assert store.indicators(level="hits") == [] and store.indicators(snapshot_id="s9") == []


def test_series_is_one_value_per_visible_snapshot(store: Store) -> None:
    for sid, day, value in (("s1", 1, 10), ("s2", 8, 12), ("s4", 22, 20)):
        write(store, sid, day, [ind(value, sid, "Stockholm", day, breakdown="county"),
                                ind(1, sid, "Skåne", day, breakdown="county")])
    write(store, "s3", 15, [ind(99, "s3", "Stockholm", 15, breakdown="county")], status="failed")
    store.begin_run(run("s5", day=29))  # running: invisible
    series = store.series("a", "unique", "count", "county", "Stockholm")
    assert series == [Point("s1", at(1), 10, True), Point("s2", at(8), 12, True),
                      Point("s4", at(22), 20, True)]
    # since <= taken_at < until
    assert [p.snapshot_id for p in store.series("a", "unique", "count", "county", "Stockholm",
                                                since=at(8), until=at(22))] == ["s2"]
    assert [p.snapshot_id for p in store.series("a", "unique", "count", "county", "Stockholm",
                                                since="2026-11-02")] == ["s2", "s4"]
    assert store.series("a", "unique", "count", "county", "Gotland") == []


def test_queries_agree_with_the_indicators_of_a_real_aggregation(store: Store) -> None:
    """The numbers every query returns, checked against the records written."""
    written = []
    for sid, day in (("s1", 1), ("s2", 8), ("s3", 15)):
        rows = synthetic_snapshot(sid, at(day), seed=day, compare=sid != "s1")
        write(store, sid, day, rows)
        written += rows
    by_key = {(i.snapshot_id, i.scope, i.level, i.measure, i.breakdown, i.category): i
              for i in written}
    stockholm = [Point(sid, at(day), cell.value, True, cell.cell_key)
                 for sid, day in (("s1", 1), ("s2", 8), ("s3", 15))
                 if (cell := by_key.get((sid, SCOPE_ALL, "advertisers", "count", "locality",
                                         "Stockholm")))]
    assert store.series(SCOPE_ALL, "advertisers", "count", "locality", "Stockholm") == stockholm
    assert len(store.indicators()) == len(written)


def test_schema_has_no_field_for_content(backend: Backend, store: Store) -> None:
    write(store, "s1", 1, [ind(1)], [fp()])
    fields = backend.fields()
    assert {"snapshot_id", "value", "digest", "cell_key"} <= fields
    assert not fields & {"text", "title", "name", "phone", "email", "handle", "url", "html",
                         "body", "content", "description"}


def synthetic_snapshot(sid: str, taken_at: str, seed: int, compare: bool) -> list[Indicator]:
    """Indicators from the real aggregation of synthetic listings' categories."""
    rng = random.Random(seed)
    localities = ["Stockholm", "Göteborg", "Malmö", "Uppsala", "Örebro", "Luleå"]
    units = []
    for n in range(300):
        site = rng.choice(["a", "b"])
        profile = Profile(site, "ad_board" if site == "a" else "profile_site",
                          rng.choice(localities), (rng.choice(["sv", "en", "unknown"]),),
                          rng.choice(["woman", "man", "unknown"]), rng.choice(["18-24", "25-34"]))
        new = rng.random() < 0.3 if compare else None
        for level in LEVELS:
            for scope in (site, SCOPE_ALL):
                if level != "advertisers" or n % 3 == 0:
                    units.append(Unit(level, scope, profile, weight=rng.randint(1, 4)
                                      if level == "hits" else 1, new_vs_baseline=new))
    gone = {(level, "gone_vs_baseline", scope): rng.randint(0, 20)
            for level in LEVELS[1:] for scope in ("a", "b", SCOPE_ALL)} if compare else None
    return aggregate(sid, taken_at, units, ["a", "b"], gone)
