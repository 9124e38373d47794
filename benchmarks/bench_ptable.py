"""Risk and utility of candidate p-tables for the cell key method (crawler/ptable.py).

    .venv/bin/python benchmarks/bench_ptable.py
    .venv/bin/python benchmarks/bench_ptable.py --alpha 1.5 --detail 4 2 3

Every figure is exact, from the rows as the 4096 cell keys realise them (``transition``),
not from a sample. For each feasible parameter set (maximum deviation D, variance V,
smallest published count s):

utility, over the non-empty cells of a market's tables: the count of a cell is drawn from
a discrete power law P(c) ∝ c^-alpha, c = 1..max-count (alpha 1.8: 53 % of the cells
are 1s, 80 % are 1-4, 11 % are 10 or more, a few run to thousands: a locality x site x
language table of a market where a few towns hold most ads). Empty cells are left out:
zero stays zero, so they would only dilute the figures.
- MAD: mean absolute deviation |published - true|;
- unchanged: share of cells published as their true count;
- MAD 1-9: the same over the cells with counts 1-9 only (the rows the constraints shape).

risk, for the smallest counts:
- P(1|1), P(2|2): the probability that a true 1 (2) is published as exactly that;
- post 1, post 2: an attacker's posterior certainty, max over published values v of
  P(true = c | published = v) for c = 1, 2, under a flat prior over true counts 0..10;
- behind v: how many distinct true counts can be published as v (a published value
  that is never used shows "-");
- peak N+: the largest probability in the row of the large counts (N and up): an
  attacker's certainty about one large cell's true count under a flat prior;
- diff: P(noise of one large cell = noise of another), the certainty of a differencing
  attack that subtracts two published large cells (a total and the total less a part)
  to find a small count.
Also the noise variance of each small row as realised, where the constraints move it
off V.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from crawler.ptable import DEFAULT_PARAMETERS, PTable, PTableParameters  # noqa: E402
from crawler.records import CELL_KEY_RANGE  # noqa: E402

DEVIATIONS = (2, 3, 4, 5)
VARIANCES = (1.0, 1.5, 2.0, 3.0)
SMALLEST = (1, 3)


def candidates() -> list[PTableParameters]:
    found = []
    for s in SMALLEST:
        for d in DEVIATIONS:
            for v in VARIANCES:
                try:
                    found.append(PTableParameters(max_deviation=d, variance=v,
                                                  smallest_published=s))
                except ValueError as infeasible:
                    print(f"skipped D={d} V={v} s={s}: {infeasible}", file=sys.stderr)
    return found


def count_weights(alpha: float, max_count: int) -> np.ndarray:
    """P(c) for c = 0..max_count (P(0) = 0): the power law of non-empty cell sizes."""
    counts = np.arange(max_count + 1, dtype=float)
    weights = np.zeros(max_count + 1)
    weights[1:] = counts[1:] ** -alpha
    return weights / weights.sum()


def utility(table: PTable, weights: np.ndarray) -> tuple[float, float, float]:
    n = table.stable_from
    # rows from N up are one row shifted: the same |noise| and the same P(unchanged)
    abs_dev = np.array([sum(p * abs(v - c) for v, p in table.transition(c).items())
                        for c in range(n + 1)])
    same = np.array([table.transition(c).get(c, 0.0) for c in range(n + 1)])
    head, tail = weights[:n], weights[n:].sum()
    mad = float(head @ abs_dev[:n] + tail * abs_dev[n])
    unchanged = float(head @ same[:n] + tail * same[n])
    small = weights[1:10] / weights[1:10].sum()
    rows = [min(c, n) for c in range(1, 10)]
    return mad, unchanged, float(small @ abs_dev[rows])


def risk(table: PTable, prior_max: int = 10) -> dict[str, object]:
    rows = {c: table.transition(c) for c in range(prior_max + 1)}
    published = sorted({v for row in rows.values() for v in row})

    def posterior(c: int) -> tuple[float, int]:
        best = (0.0, -1)
        for v in published:
            total = sum(row.get(v, 0.0) for row in rows.values())
            best = max(best, (rows[c].get(v, 0.0) / total, v))
        return best

    d = table.parameters.max_deviation
    behind = {}
    for v in range(6):
        # every true count that can be published as v lies in v-D..v+D
        behind[v] = sum(1 for c in range(max(0, v - d), v + d + 1)
                        if table.transition(c).get(v, 0.0) > 0)
    stable = np.array(list(table.transition(table.stable_from).values()))
    return {"p11": rows[1].get(1, 0.0), "p22": rows[2].get(2, 0.0),
            "post1": posterior(1), "post2": posterior(2), "behind": behind,
            "peak": float(stable.max()), "diff": float(stable @ stable)}


def lookup_speed(table: PTable, cells: int = 30_000) -> tuple[float, float]:
    rng = np.random.default_rng(0)
    counts = rng.zipf(1.8, size=cells).clip(max=10_000)
    keys = rng.integers(0, CELL_KEY_RANGE, size=cells)
    started = time.perf_counter()
    table.published_many(counts, keys)
    many = time.perf_counter() - started
    pairs = list(zip(counts.tolist(), keys.tolist(), strict=True))
    started = time.perf_counter()
    for count, key in pairs:
        table.published(count, key)
    one = (time.perf_counter() - started) / cells
    return many, one


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alpha", type=float, default=1.8, help="power law of cell sizes")
    parser.add_argument("--max-count", type=int, default=10_000)
    parser.add_argument("--detail", type=float, nargs=3, metavar=("D", "V", "S"),
                        help="the row-by-row detail of this set (default: the defaults)")
    args = parser.parse_args()
    weights = count_weights(args.alpha, args.max_count)
    print(f"cells: P(c) ∝ c^-{args.alpha}, c = 1..{args.max_count}; "
          f"1s {weights[1]:.0%}, 1-4 {weights[1:5].sum():.0%}, "
          f"10+ {weights[10:].sum():.0%}, mean {weights @ np.arange(len(weights)):.1f}\n")
    print("| D | V | s | N | MAD | unchanged | MAD 1-9 | P(1\\|1) | P(2\\|2) | post 1 (v) "
          "| post 2 (v) | behind v = 0 1 2 3 4 5 | peak N+ | diff | variance of rows 1..N-1 |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for params in candidates():
        started = time.perf_counter()
        table = PTable(params)  # uncached: the build is timed
        built = time.perf_counter() - started
        mad, unchanged, mad_small = utility(table, weights)
        r = risk(table)
        behind = " ".join(str(n) if n else "-" for n in r["behind"].values())
        small_rows = " ".join(f"{table.variance(c):.2f}" for c in range(1, table.stable_from))
        (post1, v1), (post2, v2) = r["post1"], r["post2"]
        print(f"| {params.max_deviation} | {params.variance:g} | {params.smallest_published} "
              f"| {table.stable_from} | {mad:.3f} | {unchanged:.1%} | {mad_small:.3f} "
              f"| {r['p11']:.3f} | {r['p22']:.3f} | {post1:.2f} ({v1}) | {post2:.2f} ({v2}) "
              f"| {behind} | {r['peak']:.3f} | {r['diff']:.3f} | {small_rows} |", flush=True)
        if built > 0.05:
            print(f"  (build took {built * 1000:.0f} ms)", file=sys.stderr)

    if args.detail:
        d, v, s = args.detail
        params = PTableParameters(max_deviation=int(d), variance=v, smallest_published=int(s))
    else:
        params = DEFAULT_PARAMETERS
    table = PTable.build(params)
    print(f"\nrows of D={params.max_deviation} V={params.variance:g} "
          f"s={params.smallest_published} (N = {table.stable_from}):\n")
    print("| true count | published value: probability (keys / 4096) | mean - count "
          "| variance |")
    print("|---|---|---|---|")
    for c in range(table.stable_from + 1):
        # a value a handful of keys give (the mean put back after rounding) as its keys
        row = ", ".join(f"{v}: {p:.3f}" if p * CELL_KEY_RANGE >= 5
                        else f"{v}: {round(p * CELL_KEY_RANGE)} key(s)"
                        for v, p in table.transition(c).items())
        print(f"| {c}{'+' if c == table.stable_from else ''} | {row} "
              f"| {table.mean(c) - c:+.5f} | {table.variance(c):.3f} |")
    times = []
    for _ in range(5):
        started = time.perf_counter()
        PTable(params)
        times.append(time.perf_counter() - started)
    many, one = lookup_speed(table)
    print(f"\nbuild (uncached, best of 5): {min(times) * 1000:.1f} ms; published_many for "
          f"30,000 cells: {many * 1000:.2f} ms; published, one cell: {one * 1e6:.2f} µs")


if __name__ == "__main__":
    main()
