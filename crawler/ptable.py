"""The p-table of the cell key method: (true count, cell key) -> perturbation.

Every counted unit carries a record key in [0, CELL_KEY_RANGE); a cell's cell key is the
sum of its units' record keys modulo CELL_KEY_RANGE, so the same cell always gets the
same perturbation. A row of the p-table is the distribution of the published count j
given the true count i, written out as key counts out of CELL_KEY_RANGE (4096) and laid
over the key range as cumulative intervals in ascending order of the perturbation, as the
ONS and ABS tables are.

Each row is the maximum-entropy distribution over its allowed targets with mean i
(unbiased) and variance V, the method of the ``ptable`` R package (Destatis/SCB, Enderle
& Giessing): p(j) ∝ exp(a·(j-i) + b·(j-i)²). The allowed targets of a count i ≥ 1 are
i-D..i+D (D the maximum deviation) without negative values and without 1..s-1
(s = ``smallest_published``, the ABS rule); zero stays zero. Where those constraints
leave no distribution with variance V (the smallest counts) the row takes the nearest
achievable variance; ``PTable.variance`` says what it is. From ``stable_from`` (N = D
when s = 1, D + s otherwise) every target is allowed and all rows are the same row
shifted, so a count of any size uses row min(count, N).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import repeat
from numbers import Real

import numpy as np
from scipy.optimize import brentq, root

from crawler.records import CELL_KEY_RANGE

# A bound on D and s: the ONS package reuses its rows 501-750 for every larger count,
# which is right only if our rows are the same from N = D + s up; and a noise of more
# than a few units is no longer "small".
_LIMIT = 10


@dataclass(frozen=True, slots=True)
class PTableParameters:
    """Maximum deviation D, variance V and the smallest published positive count s."""

    max_deviation: int = 3
    variance: float = 2.0
    smallest_published: int = 3

    def __post_init__(self) -> None:
        d, v, s = self.max_deviation, self.variance, self.smallest_published
        if not _is_int(d) or not 1 <= d <= _LIMIT:
            raise ValueError(f"max_deviation (D) is an integer from 1 to {_LIMIT}, not {d!r}")
        if not _is_int(s) or not 1 <= s <= _LIMIT:
            raise ValueError(
                f"smallest_published (s) is an integer from 1 to {_LIMIT} (1: no rule), "
                f"not {s!r}")
        if isinstance(v, bool) or not isinstance(v, Real) or not math.isfinite(v) or v <= 0:
            raise ValueError(f"variance (V) is a positive finite number, not {v!r}")
        if v >= d * d:
            # mean 0 within ±D: the variance reaches D² only by never publishing the
            # true count (half the keys -D, half +D)
            raise ValueError(f"variance (V) must be below max_deviation² = {d * d}, not {v!r}")
        if d < s - 1:
            # otherwise a count of 1 can only be published as 0: the row cannot be unbiased
            raise ValueError(
                f"max_deviation (D = {d}) must be at least smallest_published - 1 = {s - 1},"
                f" so that a count of 1 can reach {s}")
        # plain Python numbers: equal parameters hash alike, whatever type they came as
        object.__setattr__(self, "max_deviation", int(d))
        object.__setattr__(self, "smallest_published", int(s))
        object.__setattr__(self, "variance", float(v))


def _is_int(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


DEFAULT_PARAMETERS = PTableParameters(max_deviation=3, variance=2.0, smallest_published=3)


@dataclass(frozen=True, slots=True)
class _Row:
    perturbations: tuple[int, ...]  # the allowed targets minus the true count, ascending
    probabilities: tuple[float, ...]  # the maximum-entropy distribution, before rounding
    keys: tuple[int, ...]  # how many of the CELL_KEY_RANGE cell keys give each perturbation


class PTable:
    """A p-table: ``PTable.build(parameters)`` (cached), then look cells up."""

    def __init__(self, parameters: PTableParameters) -> None:
        if not isinstance(parameters, PTableParameters):
            raise TypeError("a p-table is built from PTableParameters")
        self.parameters = parameters
        d, s = parameters.max_deviation, parameters.smallest_published
        # the first count whose targets i-D..i+D are all allowed
        self.stable_from = d if s == 1 else d + s
        self._rows = tuple(_row(i, parameters) for i in range(self.stable_from + 1))
        self._noise = np.stack([np.repeat(np.asarray(r.perturbations, dtype=np.int64), r.keys)
                                for r in self._rows])
        self._noise.setflags(write=False)
        # plain lists: indexing one is several times faster than a numpy scalar lookup
        self._lists = [row.tolist() for row in self._noise]

    @classmethod
    def build(cls, parameters: PTableParameters = DEFAULT_PARAMETERS) -> PTable:
        """The p-table for ``parameters``; the same parameters give the same object."""
        # cached apart from the signature, so build() and build(DEFAULT_PARAMETERS) or a
        # keyword call are one cache entry
        return _build(cls, parameters)

    def __repr__(self) -> str:
        return f"PTable({self.parameters!r})"

    # -- one cell ----------------------------------------------------------------------

    def noise(self, count: int, cell_key: int) -> int:
        """The perturbation of a cell with true ``count`` and ``cell_key``."""
        if count < 0:
            raise ValueError(f"a count is not negative: {count}")
        if not 0 <= cell_key < CELL_KEY_RANGE:
            raise ValueError(f"a cell key is an integer from 0 to {CELL_KEY_RANGE - 1}")
        return self._lists[min(count, self.stable_from)][cell_key]

    def published(self, count: int, cell_key: int) -> int:
        """The published count: ``count + noise``, never negative."""
        return count + self.noise(count, cell_key)

    def published_many(self, counts: Sequence[int] | np.ndarray,
                       cell_keys: Sequence[int] | np.ndarray) -> np.ndarray:
        """``published`` for arrays of counts and cell keys at once (int64 array)."""
        counts = np.asarray(counts)
        cell_keys = np.asarray(cell_keys)
        if counts.shape != cell_keys.shape:
            raise ValueError(f"counts {counts.shape} and cell keys {cell_keys.shape} differ "
                             "in shape")
        if counts.size == 0:
            return np.zeros(counts.shape, dtype=np.int64)
        if counts.dtype.kind not in "iu" or cell_keys.dtype.kind not in "iu":
            raise ValueError("counts and cell keys are integers")
        if counts.min() < 0:
            raise ValueError("a count is not negative")
        if cell_keys.min() < 0 or cell_keys.max() >= CELL_KEY_RANGE:
            raise ValueError(f"a cell key is an integer from 0 to {CELL_KEY_RANGE - 1}")
        counts = counts.astype(np.int64, copy=False)
        rows = np.minimum(counts, self.stable_from)
        return counts + self._noise[rows, cell_keys]

    # -- rows --------------------------------------------------------------------------

    def _row(self, count: int) -> _Row:
        if count < 0:
            raise ValueError(f"a count is not negative: {count}")
        return self._rows[min(count, self.stable_from)]

    def transition(self, count: int) -> dict[int, float]:
        """Published value -> probability for a true ``count``, as the cell keys realise it
        (keys giving that value / CELL_KEY_RANGE); values no key gives are left out."""
        row = self._row(count)
        return {count + d: n / CELL_KEY_RANGE
                for d, n in zip(row.perturbations, row.keys, strict=True) if n}

    def probabilities(self, count: int) -> dict[int, float]:
        """Published value -> the maximum-entropy probability before rounding to keys."""
        row = self._row(count)
        return {count + d: p for d, p in zip(row.perturbations, row.probabilities, strict=True)}

    def mean(self, count: int) -> float:
        """The expected published count, as realised by the cell keys."""
        return count + self._moments(count)[0]

    def variance(self, count: int) -> float:
        """The variance of the noise, as realised by the cell keys: V from ``stable_from``
        up, and what the constraints allow for the smallest counts."""
        first, second = self._moments(count)
        return second - first * first

    def _moments(self, count: int) -> tuple[float, float]:
        row = self._row(count)
        pairs = list(zip(row.perturbations, row.keys, strict=True))
        return (sum(d * n for d, n in pairs) / CELL_KEY_RANGE,
                sum(d * d * n for d, n in pairs) / CELL_KEY_RANGE)

    def ons_rows(self, max_pcv: int = 750) -> list[tuple[int, int, int]]:
        """(pcv, ckey, pvalue) for pcv 1..max_pcv and every cell key: the p-table format of
        the ONS ``cell-key-perturbation`` package (which reuses rows 501-750 above 750)."""
        if not _is_int(max_pcv) or max_pcv < 1:
            raise ValueError(f"max_pcv is a positive integer, not {max_pcv!r}")
        keys = list(range(CELL_KEY_RANGE))
        rows: list[tuple[int, int, int]] = []
        for pcv in range(1, max_pcv + 1):
            rows.extend(zip(repeat(pcv), keys, self._lists[min(pcv, self.stable_from)]))
        return rows


@functools.lru_cache(maxsize=64)
def _build(cls: type[PTable], parameters: PTableParameters) -> PTable:
    return cls(parameters)


# -- building a row ------------------------------------------------------------------------

def _row(count: int, parameters: PTableParameters) -> _Row:
    if count == 0:
        return _Row((0,), (1.0,), (CELL_KEY_RANGE,))
    d, s = parameters.max_deviation, parameters.smallest_published
    targets = [j for j in range(max(0, count - d), count + d + 1) if j == 0 or j >= s]
    perturbations = np.asarray([j - count for j in targets], dtype=np.int64)
    probabilities = _max_entropy(perturbations, parameters.variance)
    keys = _to_keys(perturbations, probabilities)
    return _Row(tuple(perturbations.tolist()), tuple(probabilities.tolist()),
                tuple(keys.tolist()))


def _max_entropy(d: np.ndarray, variance: float) -> np.ndarray:
    """The maximum-entropy distribution over perturbations ``d`` with mean 0 and variance
    ``variance``, or with the achievable variance nearest to it."""
    p = np.zeros(len(d))
    negative, positive = d[d < 0], d[d > 0]
    if 0 in d and (not len(negative) or not len(positive)):
        p[d == 0] = 1.0  # mean 0 leaves no other choice
        return p
    # With mean 0 the extreme variances are reached by two-point distributions (the optimum
    # of a linear programme touches a parabola in at most two points): the least by the
    # closest pair around 0 (or by staying at 0), the greatest by the two extremes.
    lo, hi = -negative[-1], positive[0]
    least = 0.0 if 0 in d else float(lo * hi)
    greatest = float(-d[0] * d[-1])
    if variance <= least * (1 + 1e-12):
        if least == 0.0:
            p[d == 0] = 1.0
        else:
            _two_points(p, d, -lo, hi)
        return p
    if variance >= greatest * (1 - 1e-12):
        _two_points(p, d, int(d[0]), int(d[-1]))
        return p
    # Strictly inside: p ∝ exp(a·d + b·d²), every target positive. (a, b) is where the
    # gradient of the convex dual log Σ exp(a·d + b·d²) - b·V, (E d, E d² - V), is zero;
    # a root finder, since near the optimum the dual's values differ by rounding only
    features = np.stack([d, d * d]).astype(float)
    target = np.array([0.0, variance])

    def distribution(theta: np.ndarray) -> np.ndarray:
        z = theta @ features
        q = np.exp(z - z.max())
        return q / q.sum()

    def gradient(theta: np.ndarray) -> np.ndarray:
        return features @ distribution(theta) - target

    def hessian(theta: np.ndarray) -> np.ndarray:
        q = distribution(theta)
        centred = features - (features @ q)[:, None]
        return (centred * q) @ centred.T

    def solved(q: np.ndarray) -> bool:
        return bool(abs(q @ d) <= 1e-10 and abs(q @ (d * d) - variance) <= 1e-10 * max(1, variance))

    # its own verdict is not used: it reports "no progress" at a residual of 1e-16
    result = root(gradient, np.zeros(2), jac=hessian, method="hybr", options={"xtol": 1e-12})
    p = distribution(result.x)
    if solved(p):
        return p
    # Far from (0, 0) (a variance near a bound, p nearly 0 somewhere) the root finder can
    # stall; then one parameter at a time, each equation monotone in its parameter: for a
    # given b the a of mean 0, and the variance at that a grows with b.
    def mean_zero(b: float) -> np.ndarray:
        a = brentq(lambda a: float(distribution(np.array([a, b])) @ d), *_bracket(
            lambda a: float(distribution(np.array([a, b])) @ d)), xtol=1e-15, maxiter=500)
        return np.array([a, b])

    def excess(b: float) -> float:
        return float(distribution(mean_zero(b)) @ (d * d)) - variance

    b = brentq(excess, *_bracket(excess), xtol=1e-15, maxiter=500)
    p = distribution(mean_zero(b))
    if not solved(p):
        raise RuntimeError(f"the maximum-entropy row did not converge ({result.message})")
    return p


def _bracket(f: Callable[[float], float]) -> tuple[float, float]:
    """An interval where the increasing function ``f`` changes sign."""
    low, high = -1.0, 1.0
    while f(low) > 0:
        low *= 2
    while f(high) < 0:
        high *= 2
    return low, high


def _two_points(p: np.ndarray, d: np.ndarray, low: int, high: int) -> None:
    # mean 0 on {low < 0 < high}: weight -low / (high - low) on high
    p[d == high] = -low / (high - low)
    p[d == low] = high / (high - low)


def _to_keys(d: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Key counts summing to CELL_KEY_RANGE: largest remainder, then the mean moved back
    to 0 if rounding moved it."""
    exact = p * CELL_KEY_RANGE
    n = np.floor(exact).astype(np.int64)
    short = CELL_KEY_RANGE - int(n.sum())
    # ties go to the smaller deviation, then the lower target: deterministic
    remainder, targets = (exact - n).tolist(), d.tolist()
    order = sorted(range(len(d)), key=lambda k: (-remainder[k], abs(targets[k]), targets[k]))
    for k in order[:short]:
        n[k] += 1
    return _unbias(n, exact, targets)


def _unbias(n: np.ndarray, exact: np.ndarray, d: list[int]) -> np.ndarray:
    """Move keys between targets until the key counts' mean is 0, or as near as the
    targets allow: single keys first, each move the one nearest 0 and then the least
    departure from the exact key counts."""
    n = n.copy()
    off = sum(int(x) * y for x, y in zip(n, d, strict=True))  # 4096 x the mean of the noise
    while off:
        best: tuple[int, float, int, int] | None = None
        for k in range(len(d)):
            if not n[k]:
                continue
            for m in range(len(d)):
                after = abs(off + d[m] - d[k])
                if m == k or after >= abs(off):
                    continue
                cost = ((n[k] - 1 - exact[k]) ** 2 - (n[k] - exact[k]) ** 2
                        + (n[m] + 1 - exact[m]) ** 2 - (n[m] - exact[m]) ** 2)
                if best is None or (after, float(cost)) < best[:2]:
                    best = (after, float(cost), k, m)
        if best is None:
            break
        _, _, k, m = best
        n[k] -= 1
        n[m] += 1
        off += d[m] - d[k]
    if off:
        # Stuck where the targets have gaps: with targets 0, 3, 4 and weights 2/3, 1/3 on
        # 0 and 3, no one move of 3 or 1 brings the mean nearer 0, several together do.
        n = _unbias_jointly(n, exact, d, off)
    return n


def _unbias_jointly(n: np.ndarray, exact: np.ndarray, d: list[int], off: int) -> np.ndarray:
    """The key changes nearest a mean of 0, then nearest the exact key counts, among all
    changes of up to ±r keys per target (the most-used target balances the rest)."""
    base = int(np.argmax(n))
    others = [k for k in range(len(d)) if k != base]
    if 3 ** len(others) > 60_000:
        # many targets (a large D): those with keys and their neighbours, at most 10
        near = {j for k in range(len(d)) if n[k] for j in (k - 1, k, k + 1)}
        others = [k for k in others if k in near][:10]
    r = 1
    while r < 16 and (2 * r + 3) ** len(others) <= 20_000:
        r += 1
    steps = np.arange(-r, r + 1)
    grid = np.stack(np.meshgrid(*[steps] * len(others), indexing="ij"), -1).reshape(
        -1, len(others))
    change = np.zeros((len(grid), len(d)), dtype=np.int64)
    change[:, others] = grid
    change[:, base] = -grid.sum(axis=1)
    after = n + change
    usable = (after >= 0).all(axis=1)
    residual = np.abs(off + change @ np.asarray(d))
    cost = ((after - exact) ** 2).sum(axis=1)
    residual[~usable] = abs(off) + 1
    best = np.lexsort((cost, residual))[0]
    return after[best] if residual[best] < abs(off) else n
