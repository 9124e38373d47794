"""The weekly county summary's numbers: one län, one ISO week, read from the store.

The week's snapshot is the last complete or partial one taken in the week (local time);
"last week" is the last one of the week before; the baseline is the first snapshot of the
week's baseline window. Every count is read from the county's scope (every site's
listings whose stated locality lies in the län) and is published by the cell key method
(crawler/protection.py), as every other output publishes the same cell; a difference of
two counts is a difference of published counts. Whether a listing stated an age under 18
is shown exactly, as present or not.

Pure core: no HTML here (crawler/report/html.py draws it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from crawler.errors import AdcensusError
from crawler.normalise.geography import County
from crawler.normalise.person import UNDER_18
from crawler.protection import Flag, Protection, Shown, flag, is_under_18
from crawler.records import CellId, Indicator, RunRecord
from crawler.report import swedish
from crawler.report.weeks import Week, week_of
from crawler.store.base import Store
from crawler.vocabulary import (
    COMPARED_LEVELS,
    VISIBLE,
    CellState,
    Change,
    Comparison,
    Flow,
    Level,
    Measure,
    SiteHealth,
)

ROW_LEVELS = (*COMPARED_LEVELS, Level.HITS)  # the summary's rows, in order
TREND_WEEKS = 12
# a category absent from a snapshot was counted as zero there (zero is published as zero)
ZERO = Shown(0, "0", CellState.PERTURBED)


@dataclass(frozen=True, slots=True)
class Row:
    key: str  # the codebook category
    label: str  # in Swedish
    now: Shown
    last_week: Shown | None = None
    baseline: Shown | None = None

    @property
    def change(self) -> str:
        """Against last week: shown only when both counts are."""
        return _difference(self.now, self.last_week)

    @property
    def change_vs_baseline(self) -> str:
        return _difference(self.now, self.baseline)


@dataclass(frozen=True, slots=True)
class ChangeRow:
    """A line of what changed: against the previous snapshot and against the baseline
    (None: that comparison was not made)."""

    key: str  # "level/change", e.g. "unique/reposted"
    label: str  # in Swedish
    depth: int  # 0 a count of its own; 1 and 2 part of the line above
    previous: Shown | None
    baseline: Shown | None


# What changed, in the county's scope: new unique listings and, of them, the edited
# reposts by kind (a unique listing's flows, crawler/consolidate/baseline.py), then the
# new distinct listings and advertisers, for which an edited repost is not new, and the
# unique listings gone (counted per län at the unique level only: distinct listings and
# advertisers are compared per site)
CHANGE_ROWS: tuple[tuple[Level, Change | Flow, int], ...] = (
    (Level.UNIQUE, Change.NEW, 0),
    (Level.UNIQUE, Flow.REPOSTED, 1),
    (Level.UNIQUE, Flow.EDITED, 2),
    (Level.UNIQUE, Flow.MOVED_LOCALITY, 2),
    (Level.UNIQUE, Flow.MOVED_SITE, 2),
    (Level.DISTINCT, Change.NEW, 0),
    (Level.ADVERTISERS, Change.NEW, 0),
    (Level.UNIQUE, Change.GONE, 0),
)


@dataclass(frozen=True, slots=True)
class TrendPoint:
    week: Week
    value: Shown | None  # None: no snapshot that week


@dataclass
class WeeklyReport:
    county: County
    week: Week
    snapshot: RunRecord
    last_week: RunRecord | None
    baseline: RunRecord
    protection: Protection
    # the snapshot before this one in its window, what "_vs_previous" compares with
    # (last week's when snapshots are weekly); None for a baseline
    previous: RunRecord | None = None
    headline: list[Row] = field(default_factory=list)  # per level
    changes: list[ChangeRow] = field(default_factory=list)  # empty for a baseline
    new_vs_baseline: Shown | None = None
    gone_vs_baseline: Shown | None = None
    still_vs_baseline: Shown | None = None
    kommuner: list[Row] = field(default_factory=list)
    orter: list[Row] = field(default_factory=list)
    sites: list[Row] = field(default_factory=list)
    site_kinds: list[Row] = field(default_factory=list)
    languages: list[Row] = field(default_factory=list)
    genders: list[Row] = field(default_factory=list)
    age_bands: list[Row] = field(default_factory=list)
    under_18: Flag = Flag(False)
    comparable: bool = True
    caveats: list[str] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)

    @property
    def unique(self) -> Row:
        return next(r for r in self.headline if r.key == "unique")


def visible_runs(store: Store) -> list[RunRecord]:
    return [r for r in store.runs() if r.status in VISIBLE]


def weeks_with_snapshots(runs: Sequence[RunRecord], tz: str) -> list[Week]:
    return sorted({week_of(_time(r.started_at), tz) for r in runs},
                  key=lambda w: (w.year, w.week))


def snapshot_of(runs: Sequence[RunRecord], week: Week) -> RunRecord | None:
    """The last visible snapshot taken in ``week``."""
    inside = [r for r in runs if week.holds(_time(r.started_at))]
    return inside[-1] if inside else None


def build(store: Store, county: County, week: Week, protection: Protection,
          trend_weeks: int = TREND_WEEKS) -> WeeklyReport:
    runs = visible_runs(store)
    if not runs:
        raise AdcensusError("the store holds no complete snapshot yet: take one with "
                            "`adcensus snapshot` (or `adcensus demo` for the demo market)")
    snapshot = snapshot_of(runs, week)
    if snapshot is None:
        have = weeks_with_snapshots(runs, week.tz)
        raise AdcensusError(
            f"no snapshot in week {week.label} ({swedish.day(week.first_day)} to "
            f"{swedish.day(week.last_day)}); the store has snapshots in "
            f"{_span(have)}")
    last_week = snapshot_of(runs, week.shift(-1))
    in_window = [r for r in runs if r.window_id == snapshot.window_id]
    baseline = in_window[0]
    previous = (None if snapshot.is_baseline else
                in_window[[r.snapshot_id for r in in_window].index(snapshot.snapshot_id) - 1])

    scope = county.scope
    now = store.indicators(snapshot_id=snapshot.snapshot_id, scope=scope)
    before = store.indicators(snapshot_id=last_week.snapshot_id, scope=scope) if last_week else []
    base = (store.indicators(snapshot_id=baseline.snapshot_id, scope=scope)
            if baseline.snapshot_id != snapshot.snapshot_id else [])
    trend_runs = [(w, snapshot_of(runs, w)) for w in
                  (week.shift(-n) for n in range(trend_weeks - 1, -1, -1))]
    # one series query for the trend (on Elasticsearch every call costs a round trip)
    wanted = {run.snapshot_id for _, run in trend_runs if run is not None}
    trend_totals = [Indicator(p.snapshot_id, p.taken_at, scope, "unique", "count", "total",
                              "total", p.value, p.comparable, p.cell_key)
                    for p in store.series(scope, "unique", "count", "total", "total",
                                          since=_utc(trend_runs[0][0].start),
                                          until=_utc(week.end))
                    if p.snapshot_id in wanted]
    if not any(i.breakdown == "total" for i in now):
        raise AdcensusError(
            f"snapshot {snapshot.snapshot_id} holds no counts per län (taken before county "
            "scopes were counted): take a new snapshot")

    shown: dict[CellId, Shown] = protection.shown([*now, *before, *base, *trend_totals])
    report = WeeklyReport(county, week, snapshot, last_week, baseline, protection, previous)
    cell = _Cells(shown, snapshot, last_week,
                  baseline if baseline.snapshot_id != snapshot.snapshot_id else None, scope)

    report.headline = [cell.row(level, "total", "total", swedish.LEVEL[level], level=level)
                       for level in ROW_LEVELS]
    for measure in ("new", "gone", "still"):
        setattr(report, f"{measure}_vs_baseline",
                cell.one(snapshot, "unique", f"{measure}_vs_baseline", "total", "total"))
    if previous is not None:
        report.changes = [
            ChangeRow(f"{level}/{change}", swedish.CHANGE[level, change], depth,
                      *(cell.change(level, Measure.of(change, against))
                        for against in (Comparison.PREVIOUS, Comparison.BASELINE)))
            for level, change, depth in CHANGE_ROWS]
    present = _categories(now, before, base)
    report.kommuner = cell.rows("kommun", present, swedish.kommun)
    report.orter = cell.rows("locality", present, swedish.locality)
    report.sites = cell.rows("site", present, str)
    report.site_kinds = cell.rows("site_kind", present, lambda k: swedish.SITE_KIND.get(k, k))
    report.languages = cell.rows("language", present, swedish.language)
    report.genders = cell.rows("gender", present, lambda g: swedish.GENDER.get(g, g))
    # a stated age under 18 is the flag of its own box, never a count in the table
    report.age_bands = [r for r in cell.rows("age_band", present,
                                             lambda a: swedish.AGE_BAND.get(a, a),
                                             order=list(swedish.AGE_BAND)) if r.key != UNDER_18]
    report.under_18 = flag(i for i in now if i.level == "unique" and i.measure == "count"
                           and is_under_18(i))
    report.comparable = all(i.comparable for i in now if i.breakdown == "total")
    report.caveats = _caveats(snapshot, last_week, report.comparable)
    report.trend = [TrendPoint(w, cell.one(run, "unique", "count", "total", "total")
                               if run is not None else None) for w, run in trend_runs]
    return report


class _Cells:
    def __init__(self, shown: dict[CellId, Shown], snapshot: RunRecord,
                 last_week: RunRecord | None, baseline: RunRecord | None, scope: str) -> None:
        self.shown, self.snapshot, self.last_week, self.baseline = shown, snapshot, last_week, baseline
        self.scope = scope

    def one(self, run: RunRecord | None, level: str, measure: str, breakdown: str,
            category: str) -> Shown | None:
        if run is None:
            return None
        return self.shown.get(CellId(run.snapshot_id, self.scope, level, measure, breakdown,
                                     category))

    def change(self, level: str, measure: Measure) -> Shown | None:
        """A total of what changed in this snapshot. A new listing or a flow is a
        counted unit, so a compared snapshot without one has zero (no cell is written
        for it); a gone count is written as a number, and missing when the län's gone
        listings could not be counted (a site was not read as usual)."""
        found = self.one(self.snapshot, level, measure, "total", "total")
        if found is None and not measure.startswith(Change.GONE):
            return ZERO
        return found

    def row(self, key: str, breakdown: str, category: str, label: str,
            level: str = "unique") -> Row:
        return Row(key, label,
                   self.one(self.snapshot, level, "count", breakdown, category) or ZERO,
                   self._or_zero(self.last_week, level, breakdown, category),
                   self._or_zero(self.baseline, level, breakdown, category))

    def rows(self, breakdown: str, present: dict[str, set[str]], label: Callable[[str], str],
             order: list[str] | None = None) -> list[Row]:
        rows = [self.row(c, breakdown, c, label(c)) for c in present.get(breakdown, ())]
        if order is not None:
            return sorted(rows, key=lambda r: order.index(r.key) if r.key in order else len(order))
        # largest first by what is published, then name; "unknown" last, as a reader expects
        return sorted(rows, key=lambda r: (r.key in ("unknown", "abroad"), -(r.now.value or 0),
                                           r.label))

    def _or_zero(self, run: RunRecord | None, level: str, breakdown: str,
                 category: str) -> Shown | None:
        if run is None:
            return None
        return self.one(run, level, "count", breakdown, category) or ZERO


def _categories(*snapshots: Sequence[Indicator]) -> dict[str, set[str]]:
    present: dict[str, set[str]] = {}
    for indicators in snapshots:
        for i in indicators:
            if i.level == "unique" and i.measure == "count" and i.value:
                present.setdefault(i.breakdown, set()).add(i.category)
    return present


def _difference(now: Shown, then: Shown | None) -> str:
    if then is None:
        return ""
    if now.value is None or then.value is None:
        return "–"
    return swedish.signed(now.value - then.value)


def _caveats(snapshot: RunRecord, last_week: RunRecord | None, comparable: bool) -> list[str]:
    out = []
    for site in snapshot.sites:
        if site.health == SiteHealth.FAILED:
            out.append(f"{site.site}: kunde inte läsas denna vecka. Sajtens annonser saknas i "
                       "siffrorna, så länets totaler är för låga.")
        elif site.health == SiteHealth.UNHEALTHY:
            out.append(f"{site.site}: sajten såg annorlunda ut än vanligt (troligen ändrad "
                       "layout). Dess siffror kan vara för låga och jämförs inte med tidigare "
                       "veckor.")
    if not comparable and not out:
        out.append("Veckans siffror jämförs inte med tidigare veckor: minst en sajt gick inte "
                   "att läsa som vanligt.")
    if last_week is None:
        out.append("Ingen ögonblicksbild förra veckan: ändringen mot förra veckan kan inte visas.")
    if snapshot.is_baseline:
        out.append("Veckans ögonblicksbild är baslinjen för en ny period: nya och försvunna "
                   "annonser räknas från och med nästa vecka.")
    return out


def _span(weeks: Sequence[Week]) -> str:
    if len(weeks) == 1:
        return f"week {weeks[0].label}"
    return f"{len(weeks)} weeks from {weeks[0].label} to {weeks[-1].label}"


def _utc(moment: datetime) -> str:
    # the stores compare ISO strings of UTC times
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value)


__all__ = ["ChangeRow", "Row", "TrendPoint", "WeeklyReport", "build", "snapshot_of", "visible_runs"]
