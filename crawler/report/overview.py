"""The national overview: the tables of the 2020 mapping (Jämställdhetsmyndigheten, report
2021:23) for one snapshot or a period, read from a store.

Pure core: a Store in, an ``Overview`` out. Every number in an Overview is a published
one (crawler/protection.py) or is computed from published ones only, so whatever renders
it (overview_render.py: text, HTML, CSV) cannot show an exact count; a cell is the same
number here as in every other output.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from crawler.errors import AdcensusError
from crawler.normalise.geography import ABROAD
from crawler.normalise.person import UNDER_18
from crawler.protection import Protection, flag
from crawler.records import COUNTY_PREFIX, SCOPE_ALL, Indicator, RunRecord, is_site_scope
from crawler.report.overview_tables import (
    UNKNOWN,
    Column,
    OverviewTable,
    Row,
    SnapshotCells,
    Value,
    composition,
    count,
    sites_table,
    stated_table,
    text,
)
from crawler.store.base import Store
from crawler.vocabulary import (
    COMPARED_LEVELS,
    NEW_MEASURES,
    SITE_KINDS,
    VISIBLE,
    Breakdown,
    CellState,
    Measure,
    SiteHealth,
)

# the composition tables, in the order the overview shows them
SHOWN_BREAKDOWNS = (Breakdown.SITE_KIND, Breakdown.LOCALITY, Breakdown.GENDER,
                    Breakdown.GENDER_DETAIL, Breakdown.AGE_BAND, Breakdown.ORIENTATION,
                    Breakdown.NATIONALITY, Breakdown.LANGUAGE, Breakdown.ETHNICITY)


class OverviewError(AdcensusError):
    """Nothing to show for what was asked: the message says why and what exists."""


@dataclass(frozen=True, slots=True)
class Overview:
    title: str
    snapshot_id: str  # the snapshot the composition tables describe
    taken_at: str
    heading: tuple[str, ...]
    tables: tuple[OverviewTable, ...]
    notes: tuple[str, ...]
    period: tuple[str, str] | None = None
    snapshots: tuple[str, ...] = ()

    def table(self, name: str) -> OverviewTable:
        return next(t for t in self.tables if t.name == name)


# --- choosing snapshots --------------------------------------------------------------------

def taken_on(run: RunRecord) -> date:
    return datetime.fromisoformat(run.started_at).astimezone(UTC).date()


def choose(store: Store, snapshot_id: str | None = None, start: date | None = None,
           end: date | None = None) -> list[RunRecord]:
    """The snapshots to show, oldest first: one by id, those taken from ``start`` to ``end``
    (UTC dates, both included), or the latest visible one."""
    every = store.runs()
    runs = [r for r in every if r.status in VISIBLE]
    asked = next((r for r in every if r.snapshot_id == snapshot_id), None)
    if asked is not None and asked.status not in VISIBLE:
        raise OverviewError(f"snapshot {snapshot_id} is {asked.status}: it has no counts to "
                            "show")
    if not runs:
        raise OverviewError("the store holds no complete snapshot yet (take one with "
                            "`adcensus snapshot`)")
    if snapshot_id is not None:
        if asked is not None:
            return [asked]
        latest = ", ".join(r.snapshot_id for r in runs[-3:])
        raise OverviewError(f"no snapshot {snapshot_id!r} in the store (the latest: {latest})")
    if start is not None or end is not None:
        if start is not None and end is not None and start > end:
            raise OverviewError(f"the period starts after it ends ({start} > {end})")
        chosen = [r for r in runs if (start is None or taken_on(r) >= start)
                  and (end is None or taken_on(r) <= end)]
        if not chosen:
            raise OverviewError(
                f"no complete snapshot taken from {start or 'the first'} to {end or 'the last'} "
                f"(UTC dates); the store has snapshots from {taken_on(runs[0])} to "
                f"{taken_on(runs[-1])}")
        return chosen
    return [runs[-1]]


# --- one snapshot's protected cells --------------------------------------------------------

Key = tuple[str, str, str, str, str, str]


def _wanted(store: Store, snapshot_id: str) -> list[Indicator]:
    """Every indicator the overview can show for a snapshot, whichever way it is asked for."""
    out = []
    for i in store.indicators(snapshot_id=snapshot_id, scope=SCOPE_ALL):
        if i.breakdown == "total" and (i.measure == Measure.COUNT or i.measure in NEW_MEASURES):
            out.append(i)
        elif (i.measure == Measure.COUNT and i.breakdown in SHOWN_BREAKDOWNS
              and i.level in COMPARED_LEVELS):
            out.append(i)
    out += [i for i in store.indicators(snapshot_id=snapshot_id, breakdown="total",
                                        measure="count") if is_site_scope(i.scope)]
    return out


def snapshot_cells(store: Store, protection: Protection, run: RunRecord) -> SnapshotCells:
    """The snapshot's cells as every output publishes them, and its under-18 flags."""
    indicators = _wanted(store, run.snapshot_id)
    shown = protection.shown(indicators)
    comparable = all(i.comparable for i in indicators if i.scope == SCOPE_ALL)
    scopes = tuple(sorted({i.scope for i in indicators if is_site_scope(i.scope)}))
    minors = [i for i in store.indicators(snapshot_id=run.snapshot_id, level="unique",
                                          measure="count", breakdown="age_band")
              if i.category == UNDER_18 and not i.scope.startswith(COUNTY_PREFIX)]
    under_18 = {scope: flag(i for i in minors if i.scope == scope)
                for scope in (SCOPE_ALL, *scopes)}
    return SnapshotCells(run, shown, comparable, scopes, under_18)


# --- a period -------------------------------------------------------------------------------

def period_table(all_cells: Sequence[SnapshotCells]) -> OverviewTable:
    columns = (Column("unique", "unique", level="unique"),
               *(Column(kind, label, group="unique by site kind", level="unique")
                 for kind, label in (("ad_board", "ads"), ("profile_directory", "profiles"),
                                     ("sugardating", "sugar."))),
               Column("distinct", "distinct", level="distinct"),
               Column("advertisers", "advert.", level="advertisers"),
               *(Column(m, label, group="unique", level="unique", statistic=m)
                 for m, label in (("new_vs_baseline", "new/base"),
                                  ("new_vs_previous", "new/prev"))),
               Column("note", "note", statistic="text"))
    rows = []
    for cells in all_cells:
        values = [count(cells.cell("unique")),
                  *(count(cells.cell("unique", "site_kind", k)) for k in SITE_KINDS),
                  count(cells.cell("distinct")), count(cells.cell("advertisers")),
                  *(count(cells.cell("unique", measure=m)) for m in NEW_MEASURES),
                  text(_run_note(cells))]
        sid = cells.run.snapshot_id
        rows.append(Row(sid, sid, tuple(values), "snapshot", sid))
    return OverviewTable("snapshots", "Snapshots in the period", columns, tuple(rows), (
        "new/base, new/prev: unique listings not in the window's baseline, not in the "
        "previous snapshot.",))


def _run_note(cells: SnapshotCells) -> str:
    notes = []
    if cells.run.is_baseline:
        notes.append("baseline")
    if cells.run.status == "partial":
        notes.append("partial")
    if not cells.comparable:
        notes.append("not comparable")
    return ", ".join(notes)


def period_unique(all_cells: Sequence[SnapshotCells]) -> tuple[OverviewTable | None, str]:
    """Unique listings over the period as the 2020 mapping counted them over its dates:
    the first snapshot's, plus at each later one those that are new against the previous.
    An upper bound of the 2020 count (a listing that disappears and comes back counts
    again); computed only within one window and from complete snapshots, where every
    listing of a snapshot was compared with the one before."""
    first = all_cells[0]
    windows = {c.run.window_id for c in all_cells}
    if len(windows) > 1:
        return None, ("Unique listings over the period are not counted: the period spans "
                      f"{len(windows)} baseline windows, and listings cannot be matched across "
                      "windows (each has its own key).")
    partial = [c.run.snapshot_id for c in all_cells if c.run.status != "complete"]
    if partial:
        return None, ("Unique listings over the period are not counted: snapshot(s) "
                      f"{', '.join(partial)} did not crawl every site (one failed or was "
                      "unhealthy), so not every listing was compared with the snapshot "
                      "before.")
    columns = (Column("counted_as", "counted as", statistic="text"),
               Column("unique", "unique", level="unique"))
    parts = [first.cell("unique")] + [c.cell("unique", measure="new_vs_previous")
                                      for c in all_cells[1:]]
    if any(p is None for p in parts):
        return None, ("Unique listings over the period are not counted: a snapshot has no "
                      "comparison with the previous one.")
    rows = [Row(c.run.snapshot_id, c.run.snapshot_id,
                (text("all unique listings" if n == 0 else "new vs. previous"), count(part)),
                "snapshot", c.run.snapshot_id)
            for n, (c, part) in enumerate(zip(all_cells, parts))]
    # a sum of published counts
    total_value = sum(p.value or 0 for p in parts)
    total = Value(str(total_value), total_value, CellState.PERTURBED)
    rows.append(Row("total", "over the period", (text(""), total), "total"))
    return OverviewTable("period_unique", "Unique listings over the period (2020 style)",
                         columns, tuple(rows), (
                             "The 2020 mapping counted 12474 unique ads and profiles over three "
                             "dates: the first date's, then at each date those that were no "
                             "copy of an earlier one. Here the later snapshots add those new "
                             "against the previous snapshot: an upper bound, since a listing "
                             "that disappears and comes back counts again.",)), ""


# --- the overview ---------------------------------------------------------------------------

LEVEL_NOTE = ("unique: exact copies removed (the 2020 definition); distinct: near-duplicates "
              "merged too; advertisers: listings linked by shared contacts or text, each "
              "counted once, in one locality. The number of ads is never the number of "
              "people, and advertisers are not people either.")
SHARE_NOTE = ("% stated: share of the listings that state the variable, as the 2020 report "
              "gave its shares; % all: share of all listings. 2020: as printed in "
              "Jämställdhetsmyndigheten's report 2021:23 (shares of the records stating the "
              "variable; localities and ads/profiles: counts of 12474 unique ads and "
              "profiles; #n: the report's order of the most common trans labels).")


def build(store: Store, protection: Protection, snapshot_id: str | None = None,
          start: date | None = None, end: date | None = None, top: int = 20) -> Overview:
    runs = choose(store, snapshot_id, start, end)
    all_cells = [snapshot_cells(store, protection, run) for run in runs]
    cells = all_cells[-1]
    run = cells.run
    tables: list[OverviewTable] = []
    heading = [_describe(store, run)]
    notes = [LEVEL_NOTE, SHARE_NOTE]
    period = None
    if start is not None or end is not None:
        period = (str(start or taken_on(runs[0])), str(end or taken_on(runs[-1])))
        heading.insert(0, f"Period {period[0]} to {period[1]} (UTC dates): {len(runs)} "
                          "snapshot(s). From \"Sites\" on, the tables describe the last one:")
        tables.append(period_table(all_cells))
        over, why = period_unique(all_cells)
        if over is not None:
            tables.append(over)
        else:
            heading.append(why)
    if not cells.comparable:
        heading.append("A site was unhealthy in this snapshot (a layout change?): its counts "
                       "are kept but not comparable with other snapshots.")
    tables += [
        sites_table(cells),
        composition(cells, "site_kind", "Ads vs. profiles (site kind)", fixed=True,
                    notes=[_kinds_note(run)]),
        stated_table(cells),
        composition(cells, "locality", f"Localities (orter), the {top} largest", top=top,
                    notes=[f"{_nonzero(cells, 'locality')} localities with listings "
                           "(2020: close to 200)."]),
        composition(cells, "gender", "Gender (kön), with trans sub-labels", notes=[
            "Indented: the trans sub-labels; their \"% stated\" is the share of trans "
            "listings. 2020: eleven trans or crossdressing labels.",
            "2020 had no \"couple\": its shares are of woman, man and trans; with couples "
            "among those stating a gender here, \"% stated\" runs a little lower."]),
        composition(cells, "age_band", "Age bands", fixed=True, notes=[
            "2020: mean 27, median 26 years; adcensus counts bands, not ages one by one. "
            "under-18: whether any listing stated an age under 18, shown exactly as present "
            "or not (a safeguarding signal, never a perturbed count), never verified."]),
        composition(cells, "orientation", "Sexual orientation", notes=[
            "2020: shares of heterosexual, bisexual and homosexual; \"other\" is new."]),
        composition(cells, "nationality", f"Nationality, the {top} largest", top=top, notes=[
            f"{_nonzero(cells, 'nationality')} nationalities or regions stated (2020: 116)."]),
        composition(cells, "language", f"Language, the {top} largest", top=top, notes=[
            "Several per listing: shares add up past 100 %, as in 2020."]),
        composition(cells, "ethnicity", "Ethnicity", notes=[
            f"{_nonzero(cells, 'ethnicity')} labels stated (2020: 28)."]),
    ]
    notes.append(protection.legend())
    notes.append("Shares are computed from the published counts.")
    return Overview(
        title="National overview" + (f", {period[0]} to {period[1]}" if period
                                     else f", snapshot {run.snapshot_id}"),
        snapshot_id=run.snapshot_id, taken_at=run.started_at, heading=tuple(heading),
        tables=tuple(tables), notes=tuple(notes), period=period,
        snapshots=tuple(r.snapshot_id for r in runs))


def _describe(store: Store, run: RunRecord) -> str:
    taken = datetime.fromisoformat(run.started_at).astimezone(UTC)
    what = f"Snapshot {run.snapshot_id}, taken {taken:%Y-%m-%d %H:%M} UTC, {run.status}"
    if run.reason:
        what += f" ({run.reason})"
    if run.is_baseline:
        return what + f"; the baseline of window {run.window_id}."
    baseline = next((r for r in store.runs() if r.window_id == run.window_id
                     and r.status in VISIBLE), None)
    return what + (f"; compared with baseline {baseline.snapshot_id}." if baseline else ".")


def _kinds_note(run: RunRecord) -> str:
    counted = [s for s in run.sites if s.health != SiteHealth.FAILED]
    parts = [f"{sum(s.kind == k for s in counted)} {k}" for k in SITE_KINDS]
    return (f"Sites counted: {len(counted)} ({', '.join(parts)}). 2020: 32 sites, 5 ad "
            "boards and 27 profile sites; sugardating sites were not included.")


def _nonzero(cells: SnapshotCells, breakdown: str) -> int:
    """Categories with listings, as far as the published cells tell (a small count
    published as zero is counted as zero)."""
    return sum(1 for c in cells.categories(breakdown) if c not in (UNKNOWN, ABROAD)
               and (s := cells.cell("unique", breakdown, c)) is not None
               and (s.value or 0) > 0)
