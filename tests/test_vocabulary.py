from __future__ import annotations

import random
from collections import Counter

import pytest

from crawler.aggregate import Unit, aggregate
from crawler.normalise import Profile
from crawler.records import SCOPE_ALL, CellId, Indicator
from crawler.vocabulary import (
    BREAKDOWNS,
    COMPARISONS,
    FLOW_MEASURES,
    FLOWS,
    LEVELS,
    MEASURES,
    NOT_PARTITIONS,
    PARTITIONS,
    SITE_KINDS,
    UNIT_BREAKDOWNS,
    Breakdown,
    Change,
    Flow,
    Measure,
    RunState,
)


def test_a_word_is_its_string() -> None:
    # stores, YAML and CSV keep the plain values: a value read back is its member
    assert Measure("new_vs_baseline") is Measure.NEW_VS_BASELINE
    assert {"unique": 1}[LEVELS[1]] == 1
    assert f"{RunState.PARTIAL}" == "partial" and str(Breakdown.SITE_KIND) == "site_kind"


def test_every_measure_is_a_change_or_flow_against_a_comparison_or_the_count() -> None:
    built = {Measure.of(change, against) for change in (*Change, *FLOWS)
             for against in COMPARISONS}
    assert built | {Measure.COUNT} == set(MEASURES)
    assert set(FLOW_MEASURES) == {Measure.of(f, a) for f in FLOWS for a in COMPARISONS}
    assert all(m.against == a for a in COMPARISONS for m in (Measure.of(Flow.EDITED, a),))
    assert Measure.COUNT.against is None
    assert all(Measure.of(Change.GONE, a).against == a for a in COMPARISONS)


def test_breakdowns_reach_last_and_partitions_named() -> None:
    assert BREAKDOWNS == (*UNIT_BREAKDOWNS, Breakdown.REACH, Breakdown.LINKED_DOMAIN)
    assert set(PARTITIONS) | NOT_PARTITIONS == set(BREAKDOWNS)
    assert not set(PARTITIONS) & NOT_PARTITIONS


def _profiles(n: int) -> list[Profile]:
    rng = random.Random(7)
    out = []
    for _ in range(n):
        gender = rng.choice(["woman", "man", "trans", "unknown"])
        out.append(Profile(
            rng.choice(["a", "b"]), rng.choice(SITE_KINDS), rng.choice(["Malmö", "Lund", "unknown"]),
            tuple(rng.sample(["sv", "en", "de"], rng.randint(1, 3))), gender,
            rng.choice(["18-24", "25-29", "unknown"]), county=rng.choice(["SE-M", "unknown"]),
            gender_detail=rng.choice(["", "ts"]) if gender == "trans" else ""))
    return out


@pytest.mark.parametrize("level", ["unique", "advertisers"])
def test_the_partitions_add_up_to_the_total_and_the_others_need_not(level: str) -> None:
    """What PARTITIONS claims, held against a real aggregation's exact counts."""
    units = [u for p in _profiles(300) for u in (Unit(level, p.site, p), Unit(level, SCOPE_ALL, p))]
    indicators = aggregate("s", "t", units, ["a", "b"])
    total = {i.scope: i.value for i in indicators
             if i.breakdown == Breakdown.TOTAL and i.measure == Measure.COUNT and i.level == level}
    sums: Counter[tuple[str, str]] = Counter()
    for i in indicators:
        if i.level == level and i.measure == Measure.COUNT:
            sums[i.scope, i.breakdown] += i.value
    for (scope, breakdown), value in sums.items():
        if breakdown in PARTITIONS:
            assert value == total[scope], (scope, breakdown)
    assert sums[SCOPE_ALL, Breakdown.LANGUAGE] > total[SCOPE_ALL]  # several per listing
    assert sums[SCOPE_ALL, Breakdown.GENDER_DETAIL] < total[SCOPE_ALL]  # trans listings only


def test_a_cell_id_names_an_indicator() -> None:
    i = Indicator("s1", "t", "all", "unique", "count", "locality", "Malmö", 4)
    assert i.cell_id == CellId("s1", "all", "unique", "count", "locality", "Malmö")
    assert i.cell_id.breakdown == "locality" and str(i.cell_id) == "s1/all/unique/count/locality/Malmö"
