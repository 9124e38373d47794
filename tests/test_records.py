from __future__ import annotations

import pytest

from crawler.records import Fingerprint, Indicator, RecordRejected, RunRecord, SiteRun, accept


def indicator(**overrides: object) -> Indicator:
    fields: dict[str, object] = dict(snapshot_id="s1", taken_at="2026-11-24T00:00:00+00:00",
                                     scope="all", level="unique", measure="count",
                                     breakdown="total", category="total", value=3)
    fields.update(overrides)
    return Indicator(**fields)  # type: ignore[arg-type]


def test_the_three_record_types_are_accepted() -> None:
    run = RunRecord("s1", "2026-11-24T00:00:00+00:00", "running", "abc", "0.1.0")
    fp = Fingerprint("w1", "s1", "listing", "site", "a" * 64)
    for record in (indicator(), run, fp):
        assert accept(record) is record


@pytest.mark.parametrize("thing", [{"value": 1}, "text", 42, object()])
def test_anything_else_is_rejected(thing: object) -> None:
    with pytest.raises(RecordRejected, match="accepts only Indicator, RunRecord and Fingerprint"):
        accept(thing)


def test_a_subclass_cannot_smuggle_fields_in() -> None:
    @__import__("dataclasses").dataclass(frozen=True)
    class Sneaky(Indicator):  # type: ignore[misc]
        note: str = "content"

    with pytest.raises(RecordRejected):
        accept(Sneaky("s", "t", "all", "unique", "count", "total", "total", 1))


def test_indicator_values_are_checked() -> None:
    with pytest.raises(ValueError, match="level"):
        indicator(level="people")
    with pytest.raises(ValueError, match="measure"):
        indicator(measure="guess")
    with pytest.raises(ValueError, match="non-negative"):
        indicator(value=-1)


def test_fingerprint_digest_must_be_a_hash() -> None:
    with pytest.raises(ValueError, match="64 lowercase hex"):
        Fingerprint("w1", "s1", "listing", "site", "+46701740605".ljust(64, "0"))


def test_run_record_round_trips_through_plain_data() -> None:
    run = RunRecord("s1", "t", "complete", "h", "v",
                    sites=(SiteRun("a", "ad_board", "ok", 3, 2, {"http_500": 1}),))
    assert RunRecord.from_plain(run.to_plain()) == run
