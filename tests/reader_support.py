"""What a reader of published counts can work out, for the tests of small-cell protection:
the least and greatest value of every hidden count, given the sums between the cells,
the counts shown and what each marker says. A linear programme per hidden count, as an
attacker would solve it (SciPy's HiGHS); hidden counts that no sum connects are solved
apart, as a reader would, and grouped by SciPy rather than by the code under test."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

Sum = tuple[Hashable, Sequence[Hashable]]  # a total and the parts that make it
Limits = tuple[float, float | None]  # what a marker says: least and greatest (None: no end)


def ranges(sums: Iterable[Sum], shown: Mapping[Hashable, float], limits: Mapping[Hashable, Limits],
           of: Iterable[Hashable] | None = None) -> dict[Hashable, tuple[float, float]]:
    """(least, greatest) of each hidden count in ``of`` (default: every one); a count with
    no upper end is ``math.inf`` high. ``limits`` names the hidden counts; every other cell
    of a sum must be in ``shown``. Fails if the published numbers contradict each other."""
    hidden = list(limits)
    index = {k: i for i, k in enumerate(hidden)}
    rows: list[tuple[dict[int, float], float]] = []
    for total, parts in sums:
        row: dict[int, float] = {}
        rhs = 0.0
        for sign, k in ((-1, total), *((1, p) for p in parts)):
            if k in index:
                row[index[k]] = row.get(index[k], 0.0) + sign
            else:
                rhs -= sign * shown[k]
        row = {i: v for i, v in row.items() if v}
        if row:
            rows.append((row, rhs))
    groups = _groups(len(hidden), rows)
    wanted = hidden if of is None else list(of)
    programmes: dict[int, tuple[dict[int, int], list, list, list]] = {}
    out: dict[Hashable, tuple[float, float]] = {}
    for k in wanted:
        members = groups[index[k]]
        if members[0] not in programmes:
            local = {i: n for n, i in enumerate(members)}
            touching = [(row, rhs) for row, rhs in rows if local.keys() & row.keys()]
            programmes[members[0]] = (local, [[row.get(i, 0.0) for i in members]
                                              for row, _ in touching],
                                      [rhs for _, rhs in touching],
                                      [limits[hidden[i]] for i in members])
        local, a, b, bounds = programmes[members[0]]
        c = [0.0] * len(members)
        c[local[index[k]]] = 1.0
        low = linprog(c, A_eq=a or None, b_eq=b or None, bounds=bounds, method="highs")
        c[local[index[k]]] = -1.0
        high = linprog(c, A_eq=a or None, b_eq=b or None, bounds=bounds, method="highs")
        assert low.status == 0 and high.status in (0, 3), (k, low.message, high.message)
        out[k] = (low.fun, math.inf if high.status == 3 else -high.fun)
    return out


def _groups(n: int, rows: list[tuple[dict[int, float], float]]) -> dict[int, list[int]]:
    """Each hidden count's group: the hidden counts that sums connect it to."""
    pairs = [(first, i) for row, _ in rows for first in [min(row)] for i in row]
    links = coo_matrix((np.ones(len(pairs)), ([p for p, _ in pairs], [q for _, q in pairs])),
                       shape=(n, n))
    _, label = connected_components(links, directed=False)
    members: dict[int, list[int]] = {}
    for i, group in enumerate(label):
        members.setdefault(int(group), []).append(i)
    return {i: members[int(group)] for i, group in enumerate(label)}


def as_read(shown: Mapping[Hashable, Any], threshold: int = 5
            ) -> tuple[dict[Hashable, float], dict[Hashable, Limits]]:
    """What a reader has of published cells (crawler.disclosure.Shown): the counts shown,
    and what each marker says of a hidden one: "<5" is 1 to 4, ".." 1 or more (a masked
    small count shows as ".." too)."""
    counts = {k: s.value for k, s in shown.items() if s.value is not None}
    limits = {k: (1, threshold - 1) if s.status == "primary" else (1, None)
              for k, s in shown.items() if s.value is None}
    return counts, limits


def sums(table: object) -> list[Sum]:
    """The sums of a crawler.disclosure.Table, as a reader has them."""
    return [(line.total, line.parts) for line in table.lines]  # type: ignore[attr-defined]
