"""The p-table of the cell key method (crawler/ptable.py): every rule over every row and
every cell key, and agreement with the ONS reference implementation."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pytest
from scipy.optimize import linprog

from crawler.ptable import DEFAULT_PARAMETERS, PTable, PTableParameters
from crawler.records import CELL_KEY_RANGE

KEYS = np.arange(CELL_KEY_RANGE)

# the benchmark's candidates, and the edges: D = 1, s = 2, a variance near 0 or near D²,
# s = D + 1 (a count of 1 can reach s only at the maximum deviation)
PARAMETER_SETS = [
    *(PTableParameters(d, v, s) for s in (1, 3) for d in (2, 3, 4, 5) for v in (1, 1.5, 2, 3)),
    PTableParameters(1, 0.5, 1),
    PTableParameters(1, 0.9, 2),
    PTableParameters(2, 0.05, 2),
    PTableParameters(3, 8.9, 3),
    PTableParameters(4, 0.01, 4),
    PTableParameters(4, 15.0, 5),
    PTableParameters(5, 24.0, 4),
]
IDS = [f"D{p.max_deviation}-V{p.variance:g}-s{p.smallest_published}" for p in PARAMETER_SETS]
# rows far beyond N, and the ONS package's rows 501-750 and its wrap-around above 750
LARGE = (499, 500, 501, 750, 751, 1000, 1001, 12_345, 10**9)


def counts_of(table: PTable) -> list[int]:
    return [*range(table.stable_from + 4), *LARGE]


def noise_row(table: PTable, count: int) -> np.ndarray:
    """The noise of ``count`` under every cell key."""
    return table.published_many(np.full(CELL_KEY_RANGE, count), KEYS) - count


def allowed_targets(count: int, p: PTableParameters) -> list[int]:
    # written out again here, from the rules, not taken from the module
    if count == 0:
        return [0]
    low, high = max(0, count - p.max_deviation), count + p.max_deviation
    return [j for j in range(low, high + 1) if j == 0 or j >= p.smallest_published]


def variance_range(count: int, p: PTableParameters) -> tuple[float, float]:
    """The least and the greatest noise variance of an unbiased row on the allowed
    targets: two linear programmes over the probabilities."""
    d = np.array(allowed_targets(count, p)) - count
    bounds = []
    for sign in (1, -1):
        result = linprog(sign * d**2.0, A_eq=np.stack([np.ones(len(d)), d]), b_eq=[1, 0],
                         bounds=(0, 1))
        assert result.status == 0
        bounds.append(sign * result.fun)
    return bounds[0], bounds[1]


@pytest.fixture(params=PARAMETER_SETS, ids=IDS)
def table(request: pytest.FixtureRequest) -> PTable:
    return PTable.build(request.param)


# -- the rules, over every row and every key ---------------------------------------------

def test_zero_stays_zero(table: PTable) -> None:
    assert not noise_row(table, 0).any()
    assert table.transition(0) == {0: 1.0}


def test_within_max_deviation_never_negative_never_below_smallest(table: PTable) -> None:
    p = table.parameters
    for count in counts_of(table):
        noise = noise_row(table, count)
        published = count + noise
        assert np.abs(noise).max() <= p.max_deviation, count
        assert published.min() >= 0, count
        # the ABS rule: no published 1..s-1
        assert not ((published >= 1) & (published < p.smallest_published)).any(), count
        assert set(published.tolist()) <= set(allowed_targets(count, p)), count


def test_every_row_unbiased(table: PTable) -> None:
    # exact where the key counts allow it; one key's worth off where rounding 4096 keys
    # over targets with gaps cannot do better (0 and 3 for a 1 when D = 2 and s = 3)
    for count in counts_of(table):
        total = int(noise_row(table, count).sum())
        assert abs(total) <= 1, (count, total)
        assert table.mean(count) == count + total / CELL_KEY_RANGE
    assert sum(int(noise_row(table, c).sum()) != 0 for c in counts_of(table)) <= 2


def test_variance_is_v_where_achievable(table: PTable) -> None:
    p = table.parameters
    for count in range(1, table.stable_from + 1):
        least, greatest = variance_range(count, p)
        target = min(max(p.variance, least), greatest)
        if table.stable_from == count:
            assert least < p.variance < greatest  # the large counts get V itself
        exact = table.probabilities(count)
        assert math.isclose(sum(exact.values()), 1, abs_tol=1e-12)
        assert math.isclose(sum(q * (v - count) for v, q in exact.items()), 0, abs_tol=1e-9)
        variance = sum(q * (v - count) ** 2 for v, q in exact.items())
        assert math.isclose(variance, target, rel_tol=1e-8, abs_tol=1e-8), count
        # as realised by 4096 keys: rounding moves it a little
        noise = noise_row(table, count)
        assert abs(noise.var() - target) <= 0.02, count
        assert math.isclose(table.variance(count), noise.var(), abs_tol=1e-12)
        realised = table.transition(count)
        for v, q in exact.items():
            assert abs(realised.get(v, 0) - q) * CELL_KEY_RANGE <= 5, (count, v)


def test_rows_are_maximum_entropy(table: PTable) -> None:
    """Strictly inside the achievable variances the row is p ∝ exp(a·d + b·d²) on every
    allowed target; at a bound it is the one two-point (or one-point) distribution."""
    p = table.parameters
    for count in range(1, table.stable_from + 1):
        exact = table.probabilities(count)
        assert sorted(exact) == allowed_targets(count, p)
        least, greatest = variance_range(count, p)
        if least + 1e-9 < p.variance < greatest - 1e-9:
            d = np.array(list(exact)) - count
            q = np.array(list(exact.values()))
            assert q.min() > 0
            design = np.stack([np.ones(len(d)), d, d * d], axis=1)
            fit, *_ = np.linalg.lstsq(design, np.log(q))
            assert np.abs(design @ fit - np.log(q)).max() < 1e-8, count
        else:
            assert sum(q > 0 for q in exact.values()) <= 2, count


def test_rows_from_n_up_are_one_row(table: PTable) -> None:
    n = table.stable_from
    stable = noise_row(table, n)
    for count in [*range(n, n + 4), *LARGE]:
        assert np.array_equal(noise_row(table, count), stable), count
        assert table.transition(count) == {v - n + count: q
                                           for v, q in table.transition(n).items()}
        assert table.variance(count) == table.variance(n)
    # and N is the first such row: below it the constraints shape each row (their keys may
    # still coincide when a target they lack would get no key anyway)
    below = {v + 1: q for v, q in table.probabilities(n - 1).items()}
    assert below.keys() < table.probabilities(n).keys()


def test_keys_are_cumulative_intervals(table: PTable) -> None:
    # perturbations laid over the key range in ascending order, as the ONS/ABS tables
    for count in counts_of(table):
        assert (np.diff(noise_row(table, count)) >= 0).all(), count


def test_transition_is_what_the_keys_realise(table: PTable) -> None:
    for count in counts_of(table):
        values, keys = np.unique(count + noise_row(table, count), return_counts=True)
        expected = {int(v): int(k) / CELL_KEY_RANGE for v, k in zip(values, keys, strict=True)}
        assert table.transition(count) == expected
        assert sum(table.transition(count).values()) == 1.0


def test_published_many_is_published(table: PTable) -> None:
    rng = np.random.default_rng(20)
    counts = np.concatenate([rng.integers(0, 12, 20_000), rng.zipf(1.8, 10_000) - 1])
    keys = rng.integers(0, CELL_KEY_RANGE, counts.size)
    many = table.published_many(counts, keys)
    assert many.shape == (30_000,)
    assert many.tolist() == [table.published(c, k)
                             for c, k in zip(counts.tolist(), keys.tolist(), strict=True)]
    assert [table.noise(c, k) for c, k in zip(counts[:500].tolist(), keys[:500].tolist(),
                                              strict=True)] == (many - counts)[:500].tolist()


# -- the API ------------------------------------------------------------------------------

def test_lookups_refuse_what_is_not_a_cell() -> None:
    table = PTable.build()
    for count, key in ((-1, 0), (1, -1), (1, CELL_KEY_RANGE)):
        with pytest.raises(ValueError):
            table.noise(count, key)
        with pytest.raises(ValueError):
            table.published(count, key)
        with pytest.raises(ValueError):
            table.published_many([count], [key])
    with pytest.raises(ValueError, match="integers"):
        table.published_many([1.5], [3])
    with pytest.raises(ValueError, match="shape"):
        table.published_many([1, 2], [3])
    with pytest.raises(ValueError):
        table.transition(-1)
    assert table.published_many([], []).tolist() == []
    assert table.published_many(np.array([[0, 7]]), np.array([[5, 9]])).shape == (1, 2)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"max_deviation": 0}, "max_deviation"),
    ({"max_deviation": 2.5}, "max_deviation"),
    ({"max_deviation": True}, "max_deviation"),
    ({"max_deviation": 11}, "max_deviation"),
    ({"variance": 0}, "variance"),
    ({"variance": -1.0}, "variance"),
    ({"variance": math.nan}, "variance"),
    ({"variance": math.inf}, "variance"),
    ({"variance": "2"}, "variance"),
    ({"max_deviation": 2, "variance": 4.0, "smallest_published": 1}, "below max_deviation²"),
    ({"smallest_published": 0}, "smallest_published"),
    ({"smallest_published": False}, "smallest_published"),
    ({"max_deviation": 2, "variance": 1.0, "smallest_published": 4}, "at least"),
])
def test_parameters_are_validated(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PTableParameters(**kwargs)  # type: ignore[arg-type]


def test_build_is_cached() -> None:
    params = PTableParameters(max_deviation=4, variance=1.5, smallest_published=3)
    assert PTable.build(params) is PTable.build(params)
    assert PTable.build(params) is PTable.build(
        PTableParameters(max_deviation=4, variance=1.5, smallest_published=3))
    assert PTable.build() is PTable.build(DEFAULT_PARAMETERS)
    assert PTable.build(parameters=DEFAULT_PARAMETERS) is PTable.build()
    # an int variance is the same parameter set as its float
    assert PTable.build(PTableParameters(3, 2, 3)) is PTable.build(PTableParameters(3, 2.0, 3))
    assert PTable.build(params) is not PTable.build()
    assert PTable.build(params).parameters == params


def test_default_table_is_pinned() -> None:
    """The defaults are the benchmarked choice (docs/BENCHMARKS.md, "P-table parameters"),
    and their rows are fixed: a changed row changes published numbers of every series, so
    it must be a deliberate change, made here too."""
    assert DEFAULT_PARAMETERS == PTableParameters(3, 2.0, 3)
    table = PTable.build()
    keys = {
        0: {0: 4096},
        1: {0: 2731, 3: 1364, 4: 1},
        2: {0: 1366, 3: 2729, 5: 1},
        3: {0: 606, 3: 2082, 4: 1050, 5: 306, 6: 52},
        4: {3: 2355, 4: 644, 5: 322, 6: 292, 7: 483},
        5: {3: 687, 4: 955, 5: 1000, 6: 785, 7: 463, 8: 206},
        6: {3: 153, 4: 459, 5: 885, 6: 1102, 7: 885, 8: 459, 9: 153},
    }
    assert table.stable_from == 6
    for count, row in keys.items():
        assert table.transition(count) == {v: n / CELL_KEY_RANGE for v, n in row.items()}
    # the first keys of the large counts' row: -3 for keys 0..152, then -2
    assert [table.noise(100, k) for k in (0, 152, 153, 611, 612, 4095)] == [-3, -3, -2, -2, -1, 3]


# -- the ONS reference implementation ------------------------------------------------------

def test_ons_rows_format() -> None:
    table = PTable.build()
    rows = table.ons_rows()
    assert len(rows) == 750 * CELL_KEY_RANGE
    assert rows[0] == (1, 0, table.noise(1, 0))
    assert rows[-1] == (750, CELL_KEY_RANGE - 1, table.noise(750, CELL_KEY_RANGE - 1))
    for pcv, ckey, pvalue in rows[:: 997]:
        assert pvalue == table.noise(pcv, ckey)
    assert {pcv for pcv, _, _ in rows} == set(range(1, 751))
    assert len(table.ons_rows(max_pcv=3)) == 3 * CELL_KEY_RANGE
    with pytest.raises(ValueError):
        table.ons_rows(max_pcv=0)


def microdata(seed: int) -> dict[str, np.ndarray]:
    """A few thousand units with random record keys: a big county (counts above 750, so
    the package's pcv wraps around), a middle one, a small one, a tiny one (counts of 1
    and 2, and empty cells)."""
    rng = np.random.default_rng(seed)
    size = 4_000
    county = rng.choice(["big", "middle", "small", "tiny"], size=size,
                        p=[0.55, 0.3, 0.148, 0.002])
    kind = np.where(rng.random(size) < 0.85, "ad_board", "profile")
    language = rng.choice(["en", "sv", "es", "th"], size=size, p=[0.78, 0.15, 0.05, 0.02])
    return {"county": county, "kind": kind, "language": language,
            "record_key": rng.integers(0, CELL_KEY_RANGE, size=size)}


@pytest.mark.parametrize("params", [DEFAULT_PARAMETERS, PTableParameters(2, 1.0, 1)],
                         ids=["default", "D2-V1-s1"])
def test_agrees_with_the_ons_package(params: PTableParameters) -> None:
    # cell-key-perturbation 3.1.0 emits no warning here (it prints its notes), so
    # pytest's filterwarnings = error needs no exception
    # imported here: the other tests need neither; a missing one fails, never skips
    import pandas as pd
    from cell_key_perturbation.create_perturbed_table import create_perturbed_table

    table = PTable.build(params)
    ptable = pd.DataFrame(table.ons_rows(), columns=["pcv", "ckey", "pvalue"])
    columns = microdata(seed=11)
    data = pd.DataFrame(columns)
    seen = []
    for geog, tab_vars in ((["county"], ["kind", "language"]), ([], ["kind"]),
                           (["county"], ["language"])):
        variables = geog + tab_vars
        # our own cells: count and the sum of the record keys mod 4096, in plain Python
        count: dict[tuple[str, ...], int] = defaultdict(int)
        key_sum: dict[tuple[str, ...], int] = defaultdict(int)
        for i, record_key in enumerate(columns["record_key"].tolist()):
            cell = tuple(str(columns[v][i]) for v in variables)
            count[cell] += 1
            key_sum[cell] += record_key
        out = create_perturbed_table(data, ptable, geog=geog, tab_vars=tab_vars,
                                     record_key="record_key", threshold=0)
        for row in out.to_dict("records"):
            cell = tuple(str(row[v]) for v in variables)
            n, cell_key = count.get(cell, 0), key_sum.get(cell, 0) % CELL_KEY_RANGE
            assert row["pre_sdc_count"] == n, cell
            assert row["ckey"] == cell_key, cell
            assert row["count"] == table.published(n, cell_key), (cell, n, cell_key)
            seen.append((n, row["count"] - n))
        assert len(out) == math.prod(len(set(columns[v].tolist())) for v in variables)
    # what the comparison covered: empty cells, 1s and 2s, and counts past the wrap,
    # perturbed
    counts = [n for n, _ in seen]
    assert {0, 1, 2} <= set(counts)
    assert sum(n > 750 for n in counts) >= 3 and max(counts) > 1000
    assert any(n > 750 and noise for n, noise in seen)
