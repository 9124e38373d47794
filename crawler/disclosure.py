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
import os
import re
import secrets
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

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

    def add_line(self, total: Hashable, parts: Iterable[Hashable]) -> bool:
        parts = tuple(p for p in parts if p != total)
        if total not in self.cells or not parts or any(p not in self.cells for p in parts):
            return False
        if self.cells[total] != sum(self.cells[p] for p in parts):
            return False
        self.lines.append(Line(total, parts))
        return True


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
    status = {k: "primary" for k, v in cells.items() if 0 < v < threshold}
    order = {k: i for i, k in enumerate(sorted(cells, key=repr))}
    # a group's pinned cells, by its members and their states
    verdicts: dict[frozenset[tuple[Hashable, str]], list[Hashable]] = {}
    while True:
        added = False
        for members, lines in _components(table, status):
            group = frozenset((k, status[k]) for k in members)
            if group not in verdicts:
                verdicts[group] = _pinned(table, members, lines, status, threshold)
            # one more hidden cell beside each pinned one (then check again: one may do
            # for several)
            partners = {cell: _partner(table, status, [cell], members, threshold, order)
                        for cell in verdicts[group]}
            for cell, partner in partners.items():
                if partner is not None:
                    status[partner] = "secondary"
                elif status[cell] == "primary":
                    # every cell beside it is hidden, and the "<5" markers' upper bounds
                    # still pin it (4 + 4 under a total known to be 8): show it as ".."
                    # too, so a reader no longer knows it is under the threshold
                    status[cell] = "masked"
                else:
                    raise RuntimeError("small-cell protection could not hide a count: no "
                                       "cell left to suppress beside it (please report the "
                                       "table)")
                added = True
            # a group with nothing pinned is done; one that gained a cell is a new group,
            # checked afresh on the next pass
        if not added:
            break
    marker = f"<{threshold}"
    return {k: (Shown(None, marker, "primary") if status.get(k) == "primary"
                else Shown(None, SECONDARY, "secondary") if status.get(k) in ("secondary", "masked")
                else Shown(v, str(v), "exact"))
            for k, v in cells.items()}


def _components(table: Table, hidden: Iterable[Hashable]) -> list[tuple[list[Hashable], list[Line]]]:
    """Hidden cells grouped by the lines that connect them, with those lines."""
    hidden = set(hidden)
    parent = {k: k for k in hidden}

    def find(k: Hashable) -> Hashable:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    touching: list[tuple[Line, list[Hashable]]] = []
    for line in table.lines:
        members = [k for k in line.cells if k in hidden]
        if members:
            touching.append((line, members))
            for other in members[1:]:
                parent[find(other)] = find(members[0])
    groups: dict[Hashable, tuple[list[Hashable], list[Line]]] = {}
    for k in sorted(hidden, key=repr):
        groups.setdefault(find(k), ([], []))[0].append(k)
    for line, members in touching:
        groups[find(members[0])][1].append(line)
    return [g for g in groups.values() if g[1]]


def _pinned(table: Table, members: list[Hashable], lines: list[Line],
            status: Mapping[Hashable, str], threshold: int) -> list[Hashable]:
    """The group's small cells that the published cells, the lines and the markers pin to
    one value: their least and greatest feasible values (linear programmes) are less
    than 1 apart."""
    import numpy as np
    from scipy.optimize import linprog

    index = {k: i for i, k in enumerate(members)}
    a = np.zeros((len(lines), len(members)))
    b = np.zeros(len(lines))
    for row, line in enumerate(lines):
        for sign, k in ((-1, line.total), *((1, p) for p in line.parts)):
            if k in index:
                a[row, index[k]] += sign
            else:
                b[row] -= sign * table.cells[k]
    # what a reader knows of each hidden cell: "<5" is 1 to 4; ".." is 5 or more, or,
    # masked, 1 or more (zeros are never hidden)
    low = np.array([threshold if status[k] == "secondary" else 1 for k in members], float)
    high = [threshold - 1 if status[k] == "primary" else None for k in members]
    x = np.array([table.cells[k] for k in members], float)
    bounds = list(zip(low, high))
    unknown = {index[k] for k in members if status[k] in ("primary", "masked")}

    def moved(objective: Any) -> Any:
        result = linprog(objective, A_eq=a, b_eq=b, bounds=bounds, method="highs")
        if result.status == 3:
            # unbounded: a cell pushed alone (a masked one: no upper bound) can grow
            # without end, so it is not pinned; pushed together, some cell can, which
            # says nothing of each
            pushed = np.flatnonzero(objective)
            if len(pushed) == 1:
                unknown.discard(int(pushed[0]))
            return None
        if not result.success:
            raise RuntimeError("small-cell protection: the table's lines do not hold")
        # two feasible tables (this one and the true one) differ by 1 or more in these
        # cells: none of them is pinned
        unknown.difference_update(j for j in list(unknown) if abs(result.x[j] - x[j]) >= 1 - 1e-6)
        return result

    if unknown:  # push all at once first: one programme often frees most of them
        together = np.zeros(len(members))
        together[list(unknown)] = 1
        moved(together)
        moved(-together)
    pinned = []
    for i in sorted(unknown):
        if i not in unknown:
            continue
        c = np.zeros(len(members))
        c[i] = 1
        least, greatest = moved(c), moved(-c)
        if (i in unknown and least is not None and greatest is not None
                and -greatest.fun - least.fun < 1 - 1e-6):
            pinned.append(members[i])
            unknown.discard(i)
    return pinned


def _partner(table: Table, status: Mapping[Hashable, str], cells: list[Hashable],
             group: list[Hashable], threshold: int, order: Mapping[Hashable, int]) -> Hashable | None:
    """The cheapest cell to hide for pinned ``cells``: in one of their lines (else one of
    their group's), not hidden yet, at least the threshold (a hidden zero would make
    ``..`` ambiguous), a part before a total (totals are what readers need most), the
    smallest value first."""
    for near in (set(cells), set(group)):
        found = sorted(
            (int(k == line.total), table.cells[k], order[k], k)
            for line in table.lines if not near.isdisjoint(line.cells)
            for k in line.cells if k not in status and table.cells[k] >= threshold)
        if found:
            return found[0][3]
    return None


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
