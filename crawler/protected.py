"""One snapshot's small-cell protection, decided once and shared by every output.

Reports, the overview, the summary and exports all show cells of the same snapshots. If
each protected its own table, one could hide a cell as ``..`` that another shows, and a
reader holding both would have the count that the ``..`` was there to protect. So the
protection of a snapshot is decided once, over every indicator of the snapshot with every
sum a reader could use between them, and each output shows its cells as that decision
says: publishing fewer cells of a protected table can only tell a reader less.

The table of a snapshot (``snapshot_table``) holds the lines of
``disclosure.indicator_table`` (categories sum to their total, sites to "all", a county's
total, localities and kommuner equal cells of "all") and those only a whole snapshot shows:

- a site's total equals its cell in the "site" breakdown of "all" (hits, unique and
  distinct listings; an advertiser counts under its home listing's site);
- a site kind's cell is the sum of its sites' cells in the "site" breakdown of a scope;
- a site's cell in a county's "site" breakdown is its own cell in the "county" breakdown;
- an advertiser's reach categories sum to the advertisers' total;
- every count is what is new plus what is still there, against the baseline and against
  the previous snapshot, in every breakdown and category: a local line
  (``Table.add_line``), held line by line (no such line gives a small count away or is
  left with one hidden cell), and its hidden cells may not be worked out from the other
  lines either (``Table.local_cells``);
- across snapshots (``add_earlier``): the baseline's and the previous snapshot's totals
  are what is still there plus what is gone now. The earlier totals join the table as
  they were published (``Table.fixed``: a published decision is never revised), and
  these lines are local lines too. Each snapshot is decided after those it was compared
  with.

Combined with every other line at once, these line-by-line sums can still give a few
small counts away to a reader holding several snapshots (a known gap, docs/PRIVACY.md).
Totals are partners of last resort, which keeps them visible where anything else will
do. ``Table.add_line`` keeps only the lines that hold, so one that does not (advertisers
on two sites) is no equation and costs nothing.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from pathlib import Path

from crawler.disclosure import (
    CELL_KEY,
    SECONDARY,
    Protection,
    Shown,
    Table,
    connected,
    indicator_table,
    protect,
)
from crawler.records import SCOPE_ALL, Indicator, RunRecord, county_scope, is_site_scope
from crawler.store.base import VISIBLE, Store, indicator_key

Key = tuple[str, str, str, str, str, str]
AGAINST = ("baseline", "previous")
# bump when the decision changes: a cached decision of another version is not used
VERSION = 5


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
    # a site's listings in a county are a cell of the site's county breakdown and of the
    # county's site breakdown: one count, hidden in both or in neither
    for key in list(table.cells):
        if key[4] == "county" and is_site_scope(key[1]):
            table.add_line((sid, county_scope(key[5]), *key[2:4], "site", key[1]), [key])
    for key in [k for k in table.cells if k[3] == "count"]:
        for against in AGAINST:
            table.add_line(key, [(*key[:3], f"{kind}_vs_{against}", *key[4:])
                                 for kind in ("new", "still")], local=True)
    # the national total last of all, then the other scopes' totals (a county's
    # headline), then the national counts (the overview's tables). Not the totals of
    # new and still: kept shown, they let a reader combining every sum work out more
    # (test_export measured it when written: 114 of 1,389 instead of 90)
    table.reluctant.update({k: (3 if k[1] == SCOPE_ALL else 2) if k[4] == "total" else 1
                            for k in table.cells if k[3] == "count"
                            and (k[4] == "total" or k[1] == SCOPE_ALL)})
    return table


def protect_snapshot(table: Table, protection: Protection) -> dict[Hashable, Shown]:
    """``protect(table, protection)``, group by group: threshold suppression decides each
    group of cells that lines connect on that group's cells and lines alone, so splitting
    gives the same result in a fraction of the time."""
    if protection.method == CELL_KEY:
        return protect(table, protection)  # noise is per cell: lines do not matter
    shown: dict[Hashable, Shown] = {}
    for part in _groups(table):
        shown.update(protect(part, protection))
    return shown


def _groups(table: Table) -> Iterable[Table]:
    """The table's cells split where no line connects them, each part with its lines."""
    for keys, lines in connected(table.cells, table.lines):
        part = Table({k: table.cells[k] for k in keys})
        part.lines = lines
        part.reluctant = {k: table.reluctant[k] for k in keys if k in table.reluctant}
        part.fixed = {k: table.fixed[k] for k in keys if k in table.fixed}
        yield part


class Protected:
    """The protected cells of a store's snapshots, each decided once: kept for the life
    of this object, and, with ``cache_dir``, in a file per snapshot there (the keys of the
    hidden cells and how they are hidden: aggregates only, like the store itself)."""

    def __init__(self, store: Store, protection: Protection, cache_dir: Path | None = None) -> None:
        self.store = store
        self.protection = protection
        self.cache_dir = cache_dir
        self._hidden: dict[str, dict[Hashable, str]] = {}  # snapshot -> hidden cell -> status

    def shown(self, run: RunRecord,
              indicators: Sequence[Indicator] | None = None) -> dict[Hashable, Shown]:
        """``indicators`` of ``run`` (default: all of them) as every output shows them.
        Given the few an output shows, a decided snapshot is not read again (on
        Elasticsearch, reading a whole snapshot takes a while)."""
        if self.protection.method == CELL_KEY:
            # noise is a function of the cell: nothing to decide or remember
            chosen = self.store.indicators(snapshot_id=run.snapshot_id) \
                if indicators is None else indicators
            return protect(Table({indicator_key(i): i.value for i in chosen}), self.protection)
        hidden, every = self._decision(run, indicators)
        if indicators is None:
            indicators = every if every is not None else \
                self.store.indicators(snapshot_id=run.snapshot_id)
        return {indicator_key(i): _as_shown(i.value, hidden.get(indicator_key(i)), self.protection)
                for i in indicators}

    def _decision(self, run: RunRecord, indicators: Sequence[Indicator] | None
                  ) -> tuple[dict[Hashable, str], Sequence[Indicator] | None]:
        """The hidden cells of ``run`` as decided (kept, read back, or decided now), and
        all its indicators if they were read for it."""
        hidden = self._hidden.get(run.snapshot_id)
        every = None
        if hidden is None and indicators is not None:
            hidden = self._read(run, indicators)
        if hidden is None:
            every = self.store.indicators(snapshot_id=run.snapshot_id)
            hidden = self._read(run, every)
            if hidden is None:
                table = snapshot_table(run, every)
                totals: dict[str, list[Indicator]] = {}  # the baseline may be the previous
                for against, earlier in self.compared_with(run).items():
                    if earlier.snapshot_id not in totals:
                        totals[earlier.snapshot_id] = self.store.indicators(
                            snapshot_id=earlier.snapshot_id, measure="count", breakdown="total")
                    # decided before this one, and published as decided (a kept decision
                    # is checked against these totals, not read whole again)
                    earlier_totals = totals[earlier.snapshot_id]
                    earlier_hidden, _ = self._decision(earlier, earlier_totals)
                    add_earlier(table, run.snapshot_id, against, earlier_totals, earlier_hidden,
                                self.protection.threshold)
                decided = protect_snapshot(table, self.protection)
                hidden = {k: s.status for k, s in decided.items() if s.value is None}
                self._write(run, hidden)
        self._hidden[run.snapshot_id] = hidden
        return hidden, every

    def compared_with(self, run: RunRecord) -> dict[str, RunRecord]:
        """The snapshots ``run`` was compared with: its window's baseline and the last
        snapshot before it (as crawler/snapshot.py chose them when it ran)."""
        if run.is_baseline:
            return {}
        before = [r for r in self.store.runs() if r.status in VISIBLE
                  and r.window_id == run.window_id and r.started_at < run.started_at]
        return {"baseline": before[0], "previous": before[-1]} if before else {}

    def _path(self, run: RunRecord) -> Path | None:
        if self.cache_dir is None:
            return None
        return self.cache_dir / f"{run.snapshot_id}.suppress-{self.protection.threshold}.json"

    def _read(self, run: RunRecord, indicators: Sequence[Indicator]) -> dict[Hashable, str] | None:
        """The kept decision, if there is one of this version that hides every small
        count among ``indicators``."""
        path = self._path(run)
        if path is None:
            return None
        try:
            held = json.loads(path.read_text())
        except (FileNotFoundError, ValueError):
            return None
        if held.get("version") != VERSION:
            return None
        hidden = {tuple(key): status for key, status in held["hidden"]}
        threshold = self.protection.threshold
        if any(0 < i.value < threshold and indicator_key(i) not in hidden for i in indicators):
            return None
        return hidden

    def _write(self, run: RunRecord, hidden: Mapping[Hashable, str]) -> None:
        path = self._path(run)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        rows = [[list(k), status] for k, status in sorted(hidden.items(), key=lambda kv: repr(kv[0]))]
        partial = path.with_suffix(".part")
        partial.write_text(json.dumps({"version": VERSION, "hidden": rows}))
        os.replace(partial, path)  # whole or not at all


def add_earlier(table: Table, sid: str, against: str, totals: Iterable[Indicator],
                earlier_hidden: Mapping[Hashable, str], threshold: int) -> None:
    """The sums across snapshots: an earlier snapshot's total is what is still there plus
    what is gone now, for every scope and level that has both. The earlier totals join the
    table as published (``Table.fixed``); each sum is held line by line, as count = new +
    still is: a reader holding both snapshots may not get a hidden count of either from
    it, nor its one hidden cell."""
    for earlier in totals:
        if earlier.measure != "count" or earlier.breakdown != "total":
            continue
        key = indicator_key(earlier)
        parts = [(sid, earlier.scope, earlier.level, f"{kind}_vs_{against}", "total", "total")
                 for kind in ("still", "gone")]
        fresh = key not in table.cells
        table.cells[key] = earlier.value
        if table.add_line(key, parts, local=True):
            state = earlier_hidden.get(key)
            # a ".." under the threshold was masked: a reader knows it is 1 or more
            table.fixed[key] = ("masked" if state == "secondary" and earlier.value < threshold
                                else state)
        elif fresh:
            del table.cells[key]


def _as_shown(value: int, status: str | None, protection: Protection) -> Shown:
    if status == "primary":
        return Shown(None, protection.marker, "primary")
    if status is not None:
        return Shown(None, SECONDARY, "secondary")
    return Shown(value, str(value), "exact")
