"""Small-cell protection of one snapshot's indicators, as an export publishes them.

An export publishes every indicator of a snapshot, so the table protected is every
indicator of that snapshot with the sums between them: the lines that
``disclosure.indicator_table`` builds (categories sum to their total, sites to "all", a
county's total, localities and kommuner equal cells of "all"), and those that only a
whole snapshot shows:

- a site's total equals its cell in the "site" breakdown of "all" (hits, unique and
  distinct listings; an advertiser counts under its home listing's site);
- a site kind's cell is the sum of its sites' cells in the "site" breakdown of a scope;
- an advertiser's reach categories sum to the advertisers' total.

``Table.add_line`` keeps only the lines that hold, so one that does not (advertisers on
two sites) is no equation and costs nothing.

Threshold suppression is decided per group of cells that lines connect: the
``suppress`` result for one group depends on that group's cells and lines only, so the
table is split into its groups first (the same result, in a fraction of the time: the
partner search scans every line of the table it is given).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence

from crawler.disclosure import CELL_KEY, Protection, Shown, Table, indicator_table, protect
from crawler.records import SCOPE_ALL, Indicator, RunRecord, is_site_scope

Key = tuple[str, str, str, str, str, str]


def snapshot_table(run: RunRecord, indicators: Sequence[Indicator]) -> Table:
    """One snapshot's indicators as a table keyed by ``indicator_key``, with its lines."""
    table = indicator_table(indicators)
    sid = run.snapshot_id
    kinds = {s.site: s.kind for s in run.sites}
    reach: dict[tuple[str, str, str], list[Key]] = defaultdict(list)  # (scope, level, measure)
    for key in table.cells:
        if key[4] == "reach":
            reach[key[1:4]].append(key)
    for scope, level, measure in sorted({key[1:4] for key in table.cells}):
        block = (sid, scope, level, measure)
        if scope == SCOPE_ALL:
            for site in sorted(kinds):
                table.add_line((*block, "site", site),
                               [(sid, site, level, measure, "total", "total")])
        if not is_site_scope(scope):
            for kind in sorted(set(kinds.values())):
                table.add_line((*block, "site_kind", kind),
                               [(*block, "site", s) for s, k in sorted(kinds.items())
                                if k == kind and (*block, "site", s) in table.cells])
        table.add_line((*block, "total", "total"), sorted(reach[scope, level, measure]))
    return table


def protect_snapshot(table: Table, protection: Protection) -> dict[Hashable, Shown]:
    """``protect(table, protection)``, group by group."""
    if protection.method == CELL_KEY:
        return protect(table, protection)  # noise is per cell: lines do not matter
    shown: dict[Hashable, Shown] = {}
    for part in _groups(table):
        shown.update(protect(part, protection))
    return shown


def _groups(table: Table) -> Iterable[Table]:
    """The table's cells split where no line connects them, each part with its lines."""
    parent: dict[Hashable, Hashable] = {k: k for k in table.cells}

    def find(k: Hashable) -> Hashable:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for line in table.lines:
        root = find(line.total)
        for cell in line.parts:
            parent[find(cell)] = root
    members: dict[Hashable, list[Hashable]] = defaultdict(list)
    for k in table.cells:
        members[find(k)].append(k)
    lines: dict[Hashable, list] = defaultdict(list)
    for line in table.lines:
        lines[find(line.total)].append(line)
    for root, keys in members.items():
        part = Table({k: table.cells[k] for k in keys})
        part.lines = lines[root]
        yield part

