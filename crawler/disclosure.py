"""Small-cell protection for outputs meant for people (reports, exports, the summary).

The store keeps exact counts, for the method and for auditors; whatever a person reads is
protected by one of two methods (``privacy.method`` in adcensus.yaml):

``suppress`` (the default)
    A count from 1 to ``threshold - 1`` is shown as ``<5`` (primary suppression). Then
    secondary suppression: where a table has totals, a hidden count could be worked out
    from the total and the other cells, so more cells are hidden (shown as ``..``) until
    none can. "Cannot be worked out" is checked, not assumed: for every hidden small count
    a linear programme finds the least and the greatest value it can take given the
    published cells, the totals and what the markers say (``<5`` is 1..4, ``..`` is 5 or
    more), and the count must not be pinned to one value.

``cell_key``
    The cell key method that Statistics Sweden (SCB) uses for its own tables: every cell
    gets a small noise drawn from a fixed probability table by a *cell key*, a number in
    [0, 1) derived from the cell's identity with a secret key (HMAC-SHA-256). The same
    cell gets the same noise every time it is shown, so repeating a query or comparing
    two outputs reveals nothing; cells are perturbed independently, so totals need not
    equal the sum of their parts. Zero stays zero.

Tables are keyed by tuples of strings; for indicators the key is ``indicator_key`` (the
snapshot, scope, level, measure, breakdown and category), so one indicator shown in two
tables is the same cell, with the same noise or the same suppression.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import re
import secrets
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.unionfind import UnionFind

if TYPE_CHECKING:
    from crawler.config import LoadedConfig
    from crawler.records import Indicator

SUPPRESS, CELL_KEY = "suppress", "cell_key"
METHODS = (SUPPRESS, CELL_KEY)
SECONDARY = ".."
CELL_KEY_FILE = "cell-key.secret"  # in the key directory, beside the window keys
CELL_KEY_ENV = "ADCENSUS_CELL_KEY"
_HEX_KEY = re.compile(r"^[0-9a-fA-F]{64}$")

# The cell key method's probability table: noise -> probability, by the cell's true
# value (rows for values 2 and up are the same). Every row has mean 0 and never makes a
# count negative; the variance is 0.7 for a 1 and 0.8 above.
P_TABLE: Mapping[int, tuple[tuple[int, float], ...]] = {
    1: ((-1, 0.30), (0, 0.45), (1, 0.20), (2, 0.05)),
    2: ((-2, 0.05), (-1, 0.20), (0, 0.50), (1, 0.20), (2, 0.05)),
}
MAX_NOISE = 2


@dataclass(frozen=True, slots=True)
class Protection:
    method: str = SUPPRESS
    threshold: int = 5
    key: bytes | None = field(default=None, repr=False)  # the cell key method's secret

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"unknown small-cell method {self.method!r} (suppress or cell_key)")
        if self.threshold < 3:
            raise ValueError("the small-cell threshold is 3 or more (\"<2\" would mean 1)")
        if self.method == CELL_KEY and not self.key:
            raise ValueError("the cell key method needs its secret key")

    @property
    def marker(self) -> str:
        return f"<{self.threshold}"

    def legend(self) -> str:
        if self.method == CELL_KEY:
            return ("Small-cell protection: every count carries a small, fixed noise (cell key "
                    f"method, at most ±{MAX_NOISE});\ntotals are perturbed on their own and need "
                    "not equal the sum of their parts. The stored counts are exact.")
        return (f"Small-cell protection: {self.marker} is a count from 1 to "
                f"{self.threshold - 1}; {SECONDARY} is a count hidden so that a small one\n"
                "cannot be worked out from the totals. The stored counts are exact.")


@dataclass(frozen=True, slots=True)
class Shown:
    """How a cell is shown: ``text`` always, ``value`` when it is shown as a number."""

    value: int | None
    text: str
    status: str  # "exact", "primary", "secondary" or "perturbed"

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Line:
    """An equation a reader can use: ``total`` is the sum of ``parts``."""

    total: Hashable
    parts: tuple[Hashable, ...]
    # held to the line-by-line rule only (see Table.add_line)
    local: bool = False

    @property
    def cells(self) -> tuple[Hashable, ...]:
        return (self.total, *self.parts)


class Table:
    """Cells with the totals that relate them. A line is added only when it holds:
    parts that do not add up to their total (languages, several per listing) give a
    reader no equation, so they need no protection as one."""

    def __init__(self, cells: Mapping[Hashable, int] | None = None) -> None:
        self.cells: dict[Hashable, int] = dict(cells or {})
        self.lines: list[Line] = []
        # cells hidden to protect another only when nothing else will do, by how
        # reluctantly (the higher, the later)
        self.reluctant: dict[Hashable, int] = {}
        # cells published already (an earlier snapshot's), with how: None shown, else
        # hidden as "primary", "secondary" or "masked". Their lines hold them as a reader
        # sees them; they are never hidden, shown again or masked here, nor returned
        self.fixed: dict[Hashable, str | None] = {}

    def add_line(self, total: Hashable, parts: Iterable[Hashable], local: bool = False) -> bool:
        """``local``: the line joins tables that are each checked whole (a count and its
        new and still parts; an earlier snapshot's total and what is still there and gone
        now), and is held line by line: no such line alone gives a small count away or is
        left with one hidden cell, and the linear programmes check that its hidden cells
        are not worked out from the other lines, but do not combine it with them. Joined
        in, every measure of a snapshot becomes one group and the check takes minutes per
        snapshot instead of seconds (docs/PRIVACY.md, known gaps)."""
        parts = tuple(p for p in parts if p != total)
        if total not in self.cells or not parts or any(p not in self.cells for p in parts):
            return False
        if self.cells[total] != sum(self.cells[p] for p in parts):
            return False
        self.lines.append(Line(total, parts, local))
        self.__dict__.pop("local_cells", None)
        return True

    @cached_property
    def local_cells(self) -> frozenset[Hashable]:
        """The cells of local lines (found once the lines are all there)."""
        return frozenset(k for line in self.lines if line.local for k in line.cells)

    def lines_of(self) -> dict[Hashable, list[Line]]:
        """Every cell's lines (those it is the total or a part of)."""
        index: dict[Hashable, list[Line]] = defaultdict(list)
        for line in self.lines:
            for k in line.cells:
                index[k].append(line)
        return index


def protect(table: Table, protection: Protection) -> dict[Hashable, Shown]:
    if protection.method == CELL_KEY:
        assert protection.key is not None
        return {k: _perturbed(v, cell_noise(protection.key, same_listings(k), v))
                for k, v in table.cells.items()}
    return suppress(table, protection.threshold)


def same_listings(cell: Hashable) -> Hashable:
    """The one identity of cells that count the same listings, so they get the same noise:
    a county scope's total, localities and kommuner are cells of scope "all" too (the
    national table and a county report must not give two noisy copies of one count to
    average)."""
    from crawler.records import COUNTY_PREFIX, SCOPE_ALL

    if not (isinstance(cell, tuple) and len(cell) == 6 and isinstance(cell[1], str)
            and cell[1].startswith(COUNTY_PREFIX)):
        return cell
    sid, scope, level, measure, breakdown, category = cell
    if breakdown == "total":
        return (sid, SCOPE_ALL, level, measure, "county", scope[len(COUNTY_PREFIX):])
    if breakdown in _COUNTY_ALIKE:
        return (sid, SCOPE_ALL, level, measure, breakdown, category)
    return cell


# -- threshold suppression ------------------------------------------------------------------

def suppress(table: Table, threshold: int = 5) -> dict[Hashable, Shown]:
    cells = table.cells
    classes = _classes(table)
    status = _Status({k: "primary" for k, v in cells.items()
                      if 0 < v < threshold and k not in table.fixed},
                     same_counts(table, classes), published(table, classes))
    status.update({k: state for k, state in table.fixed.items() if state is not None})
    order = {k: i for i, k in enumerate(sorted(cells, key=repr))}
    lines_of = table.lines_of()
    _settle(table, status, threshold, order, lines_of)
    _show_again(table, status, threshold, lines_of)

    marker = f"<{threshold}"
    return {k: (Shown(None, marker, "primary") if status.get(k) == "primary"
                else Shown(None, SECONDARY, "secondary") if status.get(k) in ("secondary", "masked")
                else Shown(v, str(v), "exact"))
            for k, v in cells.items() if k not in table.fixed}


def same_counts(table: Table, classes: list[list[Hashable]] | None = None
                ) -> dict[Hashable, tuple[Hashable, ...]]:
    """Cells that a one-part line makes equal (a county's total and its cell of "all", a
    breakdown with one category and its total, a count that is all still there; parts
    that are zero do not count), each with every cell of its class. A reader who sees
    one sees all: they are hidden together, and hiding one costs what hiding the class
    costs. ``classes``: ``_classes(table)``, if found already."""
    # an earlier snapshot's cell is published as it was: never in a class that is hidden
    # or shown together (``published`` names the cells equal to one shown)
    same: dict[Hashable, tuple[Hashable, ...]] = {}
    for members in _classes(table) if classes is None else classes:
        current = tuple(m for m in members if m not in table.fixed)
        same.update(dict.fromkeys(current, current))
    return same


def published(table: Table, classes: list[list[Hashable]] | None = None) -> set[Hashable]:
    """The cells a reader has already: shown in an earlier snapshot (``Table.fixed``), or
    equal to such a cell by a one-part sum (an earlier total = what is still there + 0
    gone). Hiding one of them hides nothing."""
    before = {k for k, state in table.fixed.items() if state is None}
    if not before:
        return before
    return before.union(*(members for members in (_classes(table) if classes is None else classes)
                          if before & set(members)))


def _classes(table: Table) -> list[list[Hashable]]:
    # a zero part is shown as 0, so beside it the one other part is the total: zeros are
    # left out of the classes, and a line with one part left makes two cells one
    counted = [k for k, v in table.cells.items() if v != 0]
    alike = [line for line in table.lines if table.cells[line.total] != 0
             and sum(table.cells[p] != 0 for p in line.parts) == 1]
    return [members for members, lines in connected(counted, alike) if lines]


def connected(keys: Iterable[Hashable],
              lines: Iterable[Line]) -> list[tuple[list[Hashable], list[Line]]]:
    """``keys`` grouped where lines connect them (two keys in one line are in one group),
    each group with the lines that touch it; a key no line touches is a group alone, with
    no line. Keys and lines keep the order given."""
    keys = list(dict.fromkeys(keys))
    index = {k: i for i, k in enumerate(keys)}
    links = UnionFind(len(keys))
    touching: list[tuple[Line, int]] = []
    for line in lines:
        members = [index[k] for k in line.cells if k in index]
        if members:
            touching.append((line, members[0]))
            links.union_all((members[0], m) for m in members[1:])
    label = links.labels()
    groups: dict[int, tuple[list[Hashable], list[Line]]] = {}
    for i, k in enumerate(keys):
        groups.setdefault(label[i], ([], []))[0].append(k)
    for line, first in touching:
        groups[label[first]][1].append(line)
    return list(groups.values())


class _Status(dict):
    """Hidden cells and how (``primary``, ``secondary``, ``masked``): hiding a cell hides
    every cell of its class of equal counts (``same_counts``) with it."""

    def __init__(self, status: dict[Hashable, str], same: Mapping[Hashable, tuple[Hashable, ...]],
                 kept: Iterable[Hashable] = ()) -> None:
        super().__init__(status)
        self.same = same
        self.kept = frozenset(kept)  # never hidden here: published already (``published``)

    def members(self, k: Hashable) -> tuple[Hashable, ...]:
        """``k``'s class of equal counts (itself alone if it has no copies)."""
        return self.same.get(k, (k,))

    def __setitem__(self, k: Hashable, state: str) -> None:
        # equal counts: whatever holds for one holds for all (all small or none)
        for member in self.members(k):
            dict.__setitem__(self, member, state)

    def __delitem__(self, k: Hashable) -> None:
        # shown again: with its copies, which show the same count
        for member in self.members(k):
            dict.__delitem__(self, member)

    def update(self, other: Mapping[Hashable, str]) -> None:  # type: ignore[override]
        for k, state in dict(other).items():
            self[k] = state


def _settle(table: Table, status: _Status, threshold: int,
            order: Mapping[Hashable, int], lines_of: Mapping[Hashable, list[Line]]) -> None:
    """Hide cells until no small count is pinned by one line, or by the lines that are
    not local together (the programmes), nor a hidden cell of a local line."""
    # a group's pinned cells, by its members and their states
    verdicts: dict[frozenset[tuple[Hashable, str]], dict[Hashable, list[Line]]] = {}
    free: set[Hashable] = set()  # cells shown not to be pinned (they stay so)
    while True:
        # the cheap, local part first: a line with one hidden cell gives it away, so it
        # gets a second (most of what the linear programmes would find, without them)
        _two_per_line(table, status, threshold, order, lines_of)
        added = False
        for members, lines in _components(table, status):
            group = frozenset((k, status[k]) for k in members)
            if group not in verdicts:
                verdicts[group] = _pinned(table, members, lines, status, threshold, free)
            # one more hidden cell beside each pinned one, in a line that holds it (then
            # check again: one may do for several). Where no cell is left to hide, what
            # holds it is a "<5" marker's upper bound (4 + 4 under a total known to be
            # 8): the small counts there are masked instead, its own first: shown as
            # ".." too, so a reader no longer knows they are under the threshold
            acted = False
            for cell, holding in verdicts[group].items():
                partner = _cheapest(table, status, holding, threshold, order)
                if partner is not None:
                    status[partner] = "secondary"
                elif status[cell] == "secondary":
                    continue  # a partner worked out, with none left beside it: as it is
                elif status[cell] == "primary" and cell not in table.fixed:
                    status[cell] = "masked"
                else:
                    # the last resorts change much of the group, and act on a verdict
                    # that must still hold: after anything else done to the group in
                    # this pass, it is checked afresh first
                    if not acted:
                        status.update(_loosen(table, status, lines_of, holding, members,
                                              threshold, order))
                        added = True
                    break
                acted = added = True
            # a group with nothing pinned is done; one that gained a cell is a new group,
            # checked afresh on the next pass
        if not added:
            break


def _show_again(table: Table, status: _Status, threshold: int,
                lines_of: Mapping[Hashable, list[Line]]) -> None:
    """Show again the cells hidden reluctantly (``Table.reluctant``: totals, national
    counts) where later partners protect as well: the greedy choice of partners, one
    pinned cell at a time, can reach a total before a cheaper cell that in the end holds
    the count on its own. The most wanted (the national total) is tried first; a cell is
    shown again only if, with it and its equal copies, no line and no linear programme
    pins a small count. A local line (count = new + still) would be left with one hidden
    cell by it: that cell is tried shown with it (a county's total hidden only because
    what is new there was hidden for its own breakdowns), if it is no small count."""
    tried: set[Hashable] = set()
    hidden = sorted((k for k in table.reluctant if status.get(k) == "secondary"),
                    key=lambda k: (-table.reluctant[k], repr(k)))
    for k in hidden:
        if k in tried or status.get(k) != "secondary":
            continue
        tried.update(status.members(k))
        shown = _with_local_partners(status, status.members(k), lines_of, table.fixed)
        if shown is None:
            continue
        trial = {c: v for c, v in status.items() if c not in shown}
        if not _pins_any(table, trial, threshold, [ln for m in shown for ln in lines_of[m]]):
            for c in shown:
                if c in status:
                    del status[c]


def _with_local_partners(status: _Status, members: Iterable[Hashable],
                         lines_of: Mapping[Hashable, list[Line]],
                         fixed: Mapping[Hashable, str | None]) -> set[Hashable] | None:
    """``members`` and the cells that showing them leaves alone hidden in a local line,
    with theirs in turn; None if one of those is a small count or published already (it
    stays hidden, and so must its partner)."""
    shown = set(members)
    todo = list(shown)
    while todo:
        for line in lines_of[todo.pop()]:
            left = [c for c in line.cells if c in status and c not in shown]
            if not line.local or len(left) != 1:
                continue
            if status[left[0]] != "secondary" or left[0] in fixed:
                return None
            added = set(status.members(left[0]))
            shown |= added
            todo += added
    return shown


def _pins_any(table: Table, status: Mapping[Hashable, str], threshold: int,
              changed: list[Line]) -> bool:
    """Whether a small count of ``status`` is pinned by one of the ``changed`` lines, or
    it or a hidden cell of a local line by the lines together in a group of hidden cells
    that one of them touches (the others were checked before the change), or a local line
    is left with one hidden cell."""
    if any(_line_pins(table, line, status, threshold) or _lone_in_local(line, status)
           for line in changed):
        return True
    near = {id(line) for line in changed}
    return any(_pinned(table, members, lines, status, threshold, set())
               for members, lines in _components(table, status)
               if any(id(line) in near for line in lines))


def _loosen(table: Table, status: Mapping[Hashable, str], lines_of: Mapping[Hashable, list[Line]],
            holding: list[Line], members: list[Hashable], threshold: int,
            order: Mapping[Hashable, int]) -> dict[Hashable, str]:
    """What more to hide for a pinned cell beside which no cell is left to hide, as
    {cell: status}: the "<5" markers that bound it are masked (in the lines that hold
    it, else in its group: a programme's duals name one basis's lines, not every one);
    else a cell of its group's lines is hidden; else the zeros there are masked (what
    holds it then is that hidden counts are known to be 1 or more)."""
    near = [k for line in holding for k in line.cells]

    def primary(k: Hashable) -> bool:
        return status.get(k) == "primary" and k not in table.fixed

    bounded = [k for k in near if primary(k)] or [k for k in members if primary(k)]
    if bounded:
        return dict.fromkeys(sorted(set(bounded), key=repr), "masked")
    partner = _partner(table, status, lines_of, [], members, threshold, order)
    if partner is not None:
        return {partner: "secondary"}
    zeros = {k for m in members for line in lines_of.get(m, ()) for k in line.cells
             if k not in status and table.cells[k] == 0 and k not in table.fixed}
    if not zeros:
        raise RuntimeError("small-cell protection could not hide a count: no cell left to "
                           "suppress or mask beside it (please report the table)")
    return dict.fromkeys(sorted(zeros, key=repr), "masked")


def _two_per_line(table: Table, status: _Status, threshold: int,
                  order: Mapping[Hashable, int], lines_of: Mapping[Hashable, list[Line]]) -> None:
    """Until no line gives a small count away on its own: hide one more cell in each that
    does. The cheap, local part of the work: most of what the linear programmes would
    find (a line with one hidden cell; "1 + 1" under a total known to be 2 more than the
    published parts) is found here, one line at a time, without them."""
    queue = list(reversed(table.lines))
    while queue:
        line = queue.pop()
        pinned = _line_pins(table, line, status, threshold)
        if not pinned and not _lone_in_local(line, status):
            continue
        partner = _cheapest(table, status, [line], threshold, order)
        if partner is not None:
            changed = [partner]
            status[partner] = "secondary"
        elif not pinned:
            continue  # a local line's lone cell with nothing beside it left to hide
        else:
            # no cell of the line is left to hide, so "<5" bounds pin it (1 + 1 + 1 + 1
            # under a "<5" total): those counts are masked; one held by the lower bounds
            # stays pinned, for the programmes and their last resorts
            changed = [k for k in pinned if status[k] == "primary" and k not in table.fixed]
            status.update(dict.fromkeys(changed, "masked"))
        for k in changed:
            for member in status.same.get(k, (k,)):
                queue.extend(lines_of[member])


def _lone_in_local(line: Line, status: Mapping[Hashable, str]) -> bool:
    """Whether ``line`` is local and has one hidden cell: that cell is known from it,
    which the programmes, without local lines, do not see; it needs a second."""
    return line.local and sum(k in status for k in line.cells) == 1


def _bounds(status: str | None, threshold: int, value: int) -> tuple[float, float]:
    """What a reader knows of a hidden cell, at the most (a reader cannot tell one ".."
    from another; bounds tighter than a reader's only make the check stricter): "<5" is
    1 to 4; a ".." hidden beside a small count is 5 or more, a masked one 1 or more (0
    or more for the rare masked zero)."""
    if status == "primary":
        return 1.0, float(threshold - 1)
    if status == "secondary":
        return float(threshold), math.inf
    return float(min(value, 1)), math.inf


def _line_pins(table: Table, line: Line, status: Mapping[Hashable, str],
               threshold: int) -> list[Hashable]:
    """The small hidden cells this line alone pins: with every other hidden cell of the
    line anywhere in its bounds, the cell's own range is under 1 wide."""
    hidden = [(k, -1 if k == line.total else 1) for k in line.cells if k in status]
    small = [k for k, _ in hidden if status[k] in ("primary", "masked")]
    if not small or len(hidden) == 1:
        return small
    # sum(sign * x) over hidden cells == rest (the published cells moved across)
    rest = float(table.cells[line.total] if line.total not in status else 0) - sum(
        table.cells[k] for k in line.parts if k not in status)
    spans = []  # each hidden term's range: sign * x for x within its bounds
    for k, sign in hidden:
        low, high = _bounds(status[k], threshold, table.cells[k])
        spans.append((low, high) if sign > 0 else (-high, -low))
    finite_low = sum(lo for lo, _ in spans if lo != -math.inf)
    finite_high = sum(hi for _, hi in spans if hi != math.inf)
    low_infinite = sum(1 for lo, _ in spans if lo == -math.inf)
    high_infinite = sum(1 for _, hi in spans if hi == math.inf)
    pinned = []
    for (k, sign), (lo, hi) in zip(hidden, spans):
        if status[k] not in ("primary", "masked"):
            continue
        # the other terms' sum lies in [others_low, others_high]
        others_low = (-math.inf if low_infinite - (lo == -math.inf) else
                      finite_low - (lo if lo != -math.inf else 0))
        others_high = (math.inf if high_infinite - (hi == math.inf) else
                       finite_high - (hi if hi != math.inf else 0))
        term_low, term_high = max(lo, rest - others_high), min(hi, rest - others_low)
        if term_high - term_low < 1 - 1e-9:
            pinned.append(k)
    return pinned


def _components(table: Table, hidden: Iterable[Hashable]) -> list[tuple[list[Hashable], list[Line]]]:
    """Hidden cells grouped by the lines that connect them (local ones aside), with
    those lines."""
    return [group for group in connected(sorted(set(hidden), key=repr),
                                         (line for line in table.lines if not line.local))
            if group[1]]


def _pinned(table: Table, members: list[Hashable], lines: list[Line],
            status: Mapping[Hashable, str], threshold: int,
            free: set[Hashable]) -> dict[Hashable, list[Line]]:
    """The group's small cells (and hidden cells of local lines) that the published cells,
    the lines and the markers pin to one value: their least and greatest feasible values
    (linear programmes) are less than 1 apart; each with the lines that hold it there
    (their duals are not zero), where a partner would loosen it. ``free`` holds cells
    already shown not to be pinned: hiding more cells only widens what a reader must
    allow, so they stay free; the cells this call frees are added to it."""
    import numpy as np
    from scipy.sparse import csr_array

    from crawler.linear_programme import Programme, Unbounded

    index = {k: i for i, k in enumerate(members)}
    # the small counts, and the partners in local lines: worked out from these lines, a
    # partner leaves its local line with one unknown cell (count = new + still with
    # still known from its categories)
    unknown = {index[k] for k in members if k not in free
               and (status[k] in ("primary", "masked") or k in table.local_cells)}
    if not unknown:
        return {}
    rows: list[int] = []
    columns: list[int] = []
    signs: list[float] = []
    b = np.zeros(len(lines))
    for row, line in enumerate(lines):
        for sign, k in ((-1, line.total), *((1, p) for p in line.parts)):
            if k in index:
                rows.append(row)
                columns.append(index[k])
                signs.append(sign)
            else:
                b[row] -= sign * table.cells[k]
    low, high = np.array([_bounds(status[k], threshold, table.cells[k]) for k in members]).T
    x = np.array([table.cells[k] for k in members], float)
    # sparse: a line touches few of a group's cells (duplicates add up)
    programme = Programme(csr_array((signs, (rows, columns)), shape=(len(lines), len(members))),
                          b, low, high)

    def least(objective: Any) -> tuple[float, Any] | None:
        try:
            value, found, duals = programme.least(objective)
        except Unbounded:
            # a cell pushed alone (a masked one: no upper bound) can grow without end,
            # so it is not pinned; pushed together, some cell can, which says nothing
            # of each
            pushed = np.flatnonzero(objective)
            if len(pushed) == 1:
                unknown.discard(int(pushed[0]))
            return None
        # two feasible tables (this one and the true one) differ by 1 or more in these
        # cells: none of them is pinned
        unknown.difference_update(j for j in list(unknown) if abs(found[j] - x[j]) >= 1 - 1e-6)
        return value, duals

    # push all the undecided cells at once, down and up, while that frees any: a pair of
    # programmes often frees most of them, where one pair per cell would cost hundreds
    while unknown:
        before = len(unknown)
        together = np.zeros(len(members))
        together[list(unknown)] = 1
        least(together)
        least(-together)
        if len(unknown) == before:
            break
    pinned: dict[Hashable, list[Line]] = {}
    for i in sorted(unknown):
        if i not in unknown:
            continue
        c = np.zeros(len(members))
        c[i] = 1
        down, up = least(c), least(-c)
        if i in unknown and down is not None and up is not None and -up[0] - down[0] < 1 - 1e-6:
            holding = np.flatnonzero((np.abs(down[1]) > 1e-9) | (np.abs(up[1]) > 1e-9))
            pinned[members[i]] = [lines[r] for r in holding]
            unknown.discard(i)
    free.update(members[i] for i in index.values()
                if (status[members[i]] in ("primary", "masked") or members[i] in table.local_cells)
                and members[i] not in pinned and i not in unknown)
    return pinned


def _partner(table: Table, status: Mapping[Hashable, str],
             lines_of: Mapping[Hashable, list[Line]], cells: list[Hashable],
             group: list[Hashable], threshold: int, order: Mapping[Hashable, int]) -> Hashable | None:
    """The cheapest cell to hide for pinned ``cells``: in one of their lines, else in one
    of their group's."""
    for near in (cells, group):
        lines = list({id(line): line for k in near for line in lines_of.get(k, ())}.values())
        found = _cheapest(table, status, lines, threshold, order)
        if found is not None:
            return found
    return None


def _cheapest(table: Table, status: Mapping[Hashable, str], lines: Iterable[Line],
              threshold: int, order: Mapping[Hashable, int]) -> Hashable | None:
    """Of the lines' cells not hidden yet and at least the threshold (a zero is hidden
    only as the last resort of ``_loosen``): the least reluctant first (a class of equal
    counts is as reluctant as its most wanted cell), then the smallest value, then the
    fewest equal copies, then a part before a total (totals are what readers need most)."""
    copies_of = status.members if isinstance(status, _Status) else lambda k: (k,)
    kept = status.kept if isinstance(status, _Status) else table.fixed
    found = min(((max(table.reluctant.get(m, 0) for m in copies), table.cells[k], len(copies),
                  k == line.total, order[k], k)
                 for line in lines for k in line.cells
                 if k not in status and table.cells[k] >= threshold and k not in kept
                 and k not in table.fixed for copies in [copies_of(k)]),
                default=None, key=lambda t: t[:-1])
    return None if found is None else found[-1]


# -- the cell key method ----------------------------------------------------------------------

def cell_key(key: bytes, cell: Hashable) -> float:
    """The cell's key: a number in [0, 1) from its identity, fixed for a secret key."""
    identity = "\x1f".join(map(str, cell)) if isinstance(cell, tuple) else str(cell)
    digest = hmac.new(key, identity.encode("utf-8"), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def cell_noise(key: bytes, cell: Hashable, value: int) -> int:
    if value <= 0:
        return 0
    u = cell_key(key, cell)
    cumulative = 0.0
    row = P_TABLE[min(value, 2)]
    for noise, p in row:
        cumulative += p
        if u < cumulative:
            return noise
    return row[-1][0]


def _perturbed(value: int, noise: int) -> Shown:
    shown = max(0, value + noise)
    return Shown(shown, str(shown), "perturbed")


def cell_key_secret(keys_dir: Path, env: Mapping[str, str] | None = None,
                    create: bool = True) -> bytes:
    """The cell key method's secret: ``ADCENSUS_CELL_KEY`` (64 hex characters), else
    ``<keys_dir>/cell-key.secret``, made owner-only on first use. It is not a window's
    key and is never retired: the same cell must keep its noise across the years."""
    env = os.environ if env is None else env
    given = env.get(CELL_KEY_ENV)
    if given:
        if not _HEX_KEY.match(given.strip()):
            raise ValueError(f"{CELL_KEY_ENV} must hold 64 hexadecimal characters")
        return bytes.fromhex(given.strip())
    path = keys_dir / CELL_KEY_FILE
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        if not create:
            raise
    keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return bytes.fromhex(path.read_text().strip())
    secret = secrets.token_bytes(32)
    with os.fdopen(fd, "w") as fh:
        fh.write(secret.hex() + "\n")
    return secret


def protection_for(loaded: LoadedConfig, env: Mapping[str, str] | None = None) -> Protection:
    """The configured protection (``privacy:`` in adcensus.yaml)."""
    privacy = loaded.config.privacy
    key = cell_key_secret(loaded.keys_dir, env) if privacy.method == CELL_KEY else None
    return Protection(privacy.method, privacy.threshold, key)


# -- indicators -------------------------------------------------------------------------------

# breakdowns whose categories partition the listings (one category each): their
# categories add up to the total; "language" (several per listing) and "gender_detail"
# (a subset) do not
ADDITIVE_BREAKDOWNS = ("site", "site_kind", "locality", "kommun", "county", "country",
                       "gender", "age_band", "orientation", "nationality", "ethnicity")
# a county scope's cells that are the same units as a cell of scope "all"
_COUNTY_ALIKE = ("locality", "kommun")


def indicator_table(indicators: Sequence[Indicator], scopes_sum_to: str | None = "all") -> Table:
    """The indicators as one table keyed by ``indicator_key``, with every line that holds:
    a breakdown's categories sum to the total of their scope; when ``scopes_sum_to`` is
    given, the sites sum to that scope; and a county scope's total, localities and
    kommuner equal the cells of scope "all" that count the same listings (a one-part
    line: hide one, hide both)."""
    from crawler.records import COUNTY_PREFIX, SCOPE_ALL, is_site_scope
    from crawler.store.base import indicator_key

    table = Table({indicator_key(i): i.value for i in indicators})
    groups: dict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
    for key in table.cells:
        sid, scope, level, measure, breakdown, _category = key
        if breakdown in ADDITIVE_BREAKDOWNS:
            groups[(sid, scope, level, measure, breakdown)].append(key)
    for (sid, scope, level, measure, _b), parts in groups.items():
        table.add_line((sid, scope, level, measure, "total", "total"), parts)
    if scopes_sum_to is not None:
        by_cell: dict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
        for key in table.cells:
            if key[1] != scopes_sum_to and is_site_scope(key[1]):
                by_cell[(key[0], *key[2:])].append(key)
        for (sid, *rest), parts in by_cell.items():
            table.add_line((sid, scopes_sum_to, *rest), parts)
    for key in list(table.cells):
        sid, scope, level, measure, breakdown, category = key
        if not scope.startswith(COUNTY_PREFIX):
            continue
        county = scope[len(COUNTY_PREFIX):]
        if breakdown == "total":
            table.add_line((sid, SCOPE_ALL, level, measure, "county", county), [key])
        elif breakdown in _COUNTY_ALIKE:
            table.add_line((sid, SCOPE_ALL, level, measure, breakdown, category), [key])
    return table
