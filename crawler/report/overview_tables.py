"""The national overview's tables of one snapshot: its shown cells, the values a table
cell shows (counts, shares, the 2020 figures), the tables (sites, ads vs. profiles, stated
variables, localities, gender, ...), and the table model that overview_render.py lays out.

Every value here is a published count (crawler/protection.py), or is computed from
published counts only: a share, a difference. The one exact value is the under-18 flag,
present or not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from crawler.normalise.codebook import CODEBOOK
from crawler.normalise.geography import ABROAD
from crawler.normalise.person import UNDER_18
from crawler.protection import Flag, Shown
from crawler.records import SCOPE_ALL, CellId, RunRecord
from crawler.vocabulary import COMPARED_LEVELS, SITE_KINDS, TOTAL, CellState

UNKNOWN = "unknown"
# counts derived from shown ones; the brackets keep them apart from every codebook category
STATED = "(stated)"  # a breakdown's total minus its "unknown"
NO_LABEL = "(no sub-label)"  # trans listings that state no sub-label
NOT_APPLICABLE = "-"
CODEBOOK_NAME = {"language": "languages"}  # the codebook calls the variable "languages"
KIND_LABELS = {"ad_board": "ad_board (ads)", "profile_directory": "profile_directory (profiles)",
               "sugardating": "sugardating"}

# --- the 2020 figures, as printed (Länsstyrelsen Stockholm, report 2021:23; docs/METHOD.md) -
REFERENCE_TOTAL = 12474
REFERENCE_STATED = {"gender": 7512, "age_band": 4880, "orientation": 3056,
                    "nationality": 3236, "language": 3633, "ethnicity": 2735}
# shares of the records that state the variable: (percent, printed exactly); an
# approximate one ("about 5 %") is shown with "≈"
REFERENCE_SHARES: Mapping[str, Mapping[str, tuple[float, bool]]] = {
    "gender": {"woman": (79.8, True), "man": (14.8, True), "trans": (5.4, True)},
    "orientation": {"heterosexual": (70.4, True), "bisexual": (24.8, True),
                    "homosexual": (4.8, True)},
    "nationality": {"SE": (42.9, True), "ES": (9.3, True), "IT": (4.8, True)},
    "language": {"en": (92.0, True), "es": (17.0, True), "sv": (8.0, True), "fr": (5.0, False),
                 "de": (5.0, False), "it": (5.0, False)},
    "ethnicity": {"european": (17.9, True), "white": (17.5, True), "european-white": (15.0, True),
                  "latin": (12.9, True), "caucasian": (8.0, False),
                  "caucasian-white": (8.0, False)},
}
REFERENCE_COUNTS: Mapping[str, Mapping[str, int]] = {
    "locality": {"Stockholm": 5091, "Göteborg": 1023, "Malmö": 756, "Helsingborg": 190,
                 "Uppsala": 154, "Örebro": 137},
    "site_kind": {"ad_board": 6862, "profile_directory": 5612},
}
# the report names the most common trans labels in order, without figures
REFERENCE_RANKS = {"gender_detail": {"trans-ts-tv": 1, "transsexual-pre-op": 2, "shemale": 3,
                                     "ts-tv": 4}}

ZERO = Shown(0, "0", CellState.PERTURBED)  # a category not seen beside a total that was


# --- the model that renderers read -------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Value:
    """What one table cell shows. ``number`` is the published count or share (percent),
    None for text, a flag or what does not apply; ``statistic`` overrides the column's (a trans sub-label's
    share is of trans listings, not of those stating a gender)."""

    text: str
    number: float | None = None
    state: CellState = CellState.PERTURBED
    statistic: str = ""


NA = Value(NOT_APPLICABLE, None, CellState.NOT_APPLICABLE)


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    heading: str
    group: str = ""  # the heading over several columns: a level, or "2020"
    level: str = ""
    statistic: str = "count"  # count, share_of_stated, share_of_all, reference_2020, text


@dataclass(frozen=True, slots=True)
class Row:
    category: str  # a codebook category, a site name, a snapshot id, or a bracketed marker
    label: str
    values: tuple[Value, ...]
    kind: str = "category"  # category, detail, unknown, stated, total, site
    snapshot_id: str = ""  # when the row is one snapshot of a period


@dataclass(frozen=True, slots=True)
class OverviewTable:
    name: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = ()


# --- one snapshot's shown cells -----------------------------------------------------------

@dataclass
class SnapshotCells:
    """One snapshot's shown cells: all the overview may print about it."""

    run: RunRecord
    shown: Mapping[CellId, Shown]
    comparable: bool = True
    site_scopes: tuple[str, ...] = ()
    under_18: Mapping[str, Flag] | None = None  # by scope: a listing stated an age under 18

    def flag(self, scope: str = SCOPE_ALL) -> Value:
        if self.under_18 is None or scope not in self.under_18:
            return NA
        # statistic "flag" wherever it stands (a count column of the age_band table
        # too), so the tidy CSV never labels "present" a count
        return Value(str(self.under_18[scope]), None, CellState.FLAG, "flag")

    def cell(self, level: str, breakdown: str = "total", category: str = "total",
             scope: str = SCOPE_ALL, measure: str = "count") -> Shown | None:
        """None when the snapshot has no such count (a level or measure it did not take)."""
        if category == STATED:
            return difference(self.cell(level, scope=scope, measure=measure),
                              [self.cell(level, breakdown, UNKNOWN, scope, measure)])
        if category == NO_LABEL:
            return difference(self.cell(level, "gender", "trans", scope, measure),
                              [self.cell(level, "gender_detail", c, scope, measure)
                               for c in self.categories("gender_detail")])
        key = CellId(self.run.snapshot_id, scope, level, measure, breakdown, category)
        if key in self.shown:
            return self.shown[key]
        total = key._replace(breakdown=TOTAL, category=TOTAL)
        # the aggregation writes every category it saw and every total: a category missing
        # beside its total was not seen, a true zero
        if breakdown != TOTAL and total in self.shown:
            return ZERO
        return None

    def categories(self, breakdown: str) -> list[str]:
        return sorted({k.category for k in self.shown if k.breakdown == breakdown
                       and k.scope == SCOPE_ALL and not k.category.startswith("(")})


def difference(whole: Shown | None, parts: Sequence[Shown | None]) -> Shown | None:
    """A count derived from published counts only (the stated ones: all minus "not
    stated"), so it tells nothing they do not."""
    if whole is None or any(p is None for p in parts):
        return None
    # perturbed counts may make the difference negative: no count is
    value = max(0, (whole.value or 0) - sum(p.value or 0 for p in parts))  # type: ignore[union-attr]
    return Shown(value, str(value), CellState.PERTURBED)


# --- values ---------------------------------------------------------------------------------

def count(shown: Shown | None) -> Value:
    if shown is None:
        return NA
    return Value(shown.text, shown.value, shown.state)


def share(part: Shown | None, base: Shown | None, statistic: str = "") -> Value:
    """A share in percent, of published counts."""
    if part is None or base is None or part.value is None or base.value is None:
        return NA
    if base.value == 0:
        return Value(NOT_APPLICABLE, None, CellState.NOT_APPLICABLE, statistic)
    percent = round(100 * part.value / base.value, 1)
    return Value(f"{percent:.1f}", percent, CellState.SHARE, statistic)


def text(value: str) -> Value:
    return Value(value, None, CellState.TEXT)


def reference(breakdown: str, category: str) -> Value:
    if category in REFERENCE_SHARES.get(breakdown, {}):
        percent, exact = REFERENCE_SHARES[breakdown][category]
        return Value(f"{percent:.1f} %" if exact else f"≈{percent:.0f} %", percent, CellState.REFERENCE)
    if category in REFERENCE_COUNTS.get(breakdown, {}):
        n = REFERENCE_COUNTS[breakdown][category]
        return Value(str(n), n, CellState.REFERENCE, "reference_2020_count")
    if category in REFERENCE_RANKS.get(breakdown, {}):
        rank = REFERENCE_RANKS[breakdown][category]
        return Value(f"#{rank}", rank, CellState.REFERENCE, "reference_2020_rank")
    return NA


# --- one snapshot's tables ------------------------------------------------------------------

def _order(cells: SnapshotCells, breakdown: str, categories: Sequence[str],
           fixed: bool) -> list[str]:
    """Largest published unique count first, then by name: a place in a ranking by exact
    counts would give away the sign of a cell's perturbation."""
    if fixed:
        order = {c: n for n, c in enumerate(_codebook_order(breakdown))}
        return sorted(categories, key=lambda c: (order.get(c, len(order)), c))

    def rank(category: str) -> tuple[float, str]:
        shown = cells.cell("unique", breakdown, category)
        return (-((shown.value or 0) if shown is not None else 0), category)

    return sorted(categories, key=rank)


def _codebook_order(breakdown: str) -> tuple[str, ...]:
    if breakdown == "site_kind":
        return SITE_KINDS
    return CODEBOOK[CODEBOOK_NAME.get(breakdown, breakdown)].categories


def _composition_columns(stated: bool) -> tuple[Column, ...]:
    columns = []
    for level in COMPARED_LEVELS:
        columns.append(Column(level, "n", level, level, "count"))
        if stated:
            columns.append(Column(f"{level}_pct_stated", "% stated", level, level,
                                  "share_of_stated"))
        if level == "unique" or not stated:
            columns.append(Column(f"{level}_pct_all", "% all", level, level, "share_of_all"))
    columns.append(Column("reference_2020", "2020", "2020", "", "reference_2020"))
    return tuple(columns)


def _row_values(cells: SnapshotCells, columns: Sequence[Column], breakdown: str,
                category: str, *, base: tuple[str, str] | None = None,
                stated_share: bool = True, all_share: bool = True,
                ref: Value | None = None, statistic: str = "") -> tuple[Value, ...]:
    """``base``: the (breakdown, category) that "% stated" divides by (default: the
    breakdown's stated count)."""
    out = []
    for column in columns:
        level = column.level
        here = cells.cell(level, breakdown, category) if level else None
        if column.statistic == "count":
            out.append(count(here))
        elif column.statistic == "share_of_stated":
            over = cells.cell(level, *base) if base else cells.cell(level, breakdown, STATED)
            out.append(share(here, over, statistic) if stated_share else NA)
        elif column.statistic == "share_of_all":
            out.append(share(here, cells.cell(level)) if all_share else NA)
        else:
            out.append(ref if ref is not None else reference(breakdown, category))
    return tuple(out)


def composition(cells: SnapshotCells, breakdown: str, title: str, *, top: int | None = None,
                fixed: bool = False, notes: Sequence[str] = ()) -> OverviewTable:
    """A breakdown's categories at every level, as counts and shares of the listings that
    state it and of all; then "unknown", the stated count and all listings."""
    has_stated = breakdown != "site_kind"
    columns = _composition_columns(has_stated)
    # a stated age under 18 is a flag, not a count (protection.flag): its own row below
    present = [c for c in cells.categories(breakdown) if c not in (UNKNOWN, ABROAD, UNDER_18)]
    if breakdown == "site_kind":
        present = sorted(set(present) | {k for k in SITE_KINDS
                                         if any(s.kind == k for s in cells.run.sites)})
    ordered = _order(cells, breakdown, present, fixed)
    shown = ordered[:top] if top is not None else ordered
    notes = list(notes)
    if len(shown) < len(ordered):
        notes.append(f"{len(ordered) - len(shown)} more categories not shown (--top).")
    rows = []
    for category in shown:
        label = KIND_LABELS.get(category, category)
        rows.append(Row(category, label, _row_values(cells, columns, breakdown, category)))
        if breakdown == "gender" and category == "trans":
            rows += _trans_labels(cells, columns)
    if breakdown == "age_band":
        rows.append(Row(UNDER_18, "under-18 stated (exact)", tuple(
            cells.flag() if c.statistic == "count" else NA for c in columns), "flag"))
    if breakdown == "locality" and ABROAD in cells.categories(breakdown):
        rows.append(Row(ABROAD, "abroad (outside Sweden)",
                        _row_values(cells, columns, breakdown, ABROAD)))
    if has_stated:
        rows.append(Row(UNKNOWN, "not stated", _row_values(
            cells, columns, breakdown, UNKNOWN, stated_share=False), "unknown"))
        stated_ref = (_stated_reference(breakdown) if breakdown in REFERENCE_STATED else NA)
        rows.append(Row(STATED, "stated", _row_values(
            cells, columns, breakdown, STATED, stated_share=False, ref=stated_ref), "stated"))
    total_ref = Value(str(REFERENCE_TOTAL), REFERENCE_TOTAL, CellState.REFERENCE, "reference_2020_count")
    rows.append(Row("total", "all listings", _row_values(
        cells, columns, "total", "total", stated_share=False, all_share=False, ref=total_ref),
        "total"))
    return OverviewTable(breakdown, title, columns, tuple(rows), tuple(notes))


def _stated_reference(breakdown: str) -> Value:
    percent = round(100 * REFERENCE_STATED[breakdown] / REFERENCE_TOTAL, 1)
    return Value(f"{percent:.1f} %", percent, CellState.REFERENCE, "reference_2020_stated_share")


def _trans_labels(cells: SnapshotCells, columns: Sequence[Column]) -> list[Row]:
    labels = cells.categories("gender_detail")
    rows = []
    for label in _order(cells, "gender_detail", labels, fixed=False):
        rows.append(Row(label, f"  {label}", _row_values(
            cells, columns, "gender_detail", label, base=("gender", "trans"),
            statistic="share_of_trans"), "detail"))
    if labels:
        rows.append(Row(NO_LABEL, "  no sub-label", _row_values(
            cells, columns, "gender_detail", NO_LABEL, base=("gender", "trans"),
            statistic="share_of_trans", ref=NA), "detail"))
    return rows


def sites_table(cells: SnapshotCells) -> OverviewTable:
    columns = (Column("kind", "kind", statistic="text"),
               *(Column(level, level, level=level) for level in ("hits", "unique")),
               Column("unique_pct_all", "% all", level="unique", statistic="share_of_all"),
               *(Column(level, level, level=level) for level in ("distinct", "advertisers")),
               Column("under_18", "under-18", statistic="flag"),
               Column("status", "status", statistic="text"))
    runs = {s.site: s for s in cells.run.sites}
    rows = []
    for site in sorted(set(runs) | set(cells.site_scopes)):
        kind = runs[site].kind if site in runs else ""
        status = runs[site].health if site in runs else ""
        counted = site in cells.site_scopes
        values: list[Value] = [text(kind)]
        for column in columns[1:-1]:
            if not counted:
                values.append(NA)
            elif column.statistic == "flag":
                values.append(cells.flag(site))
            elif column.statistic == "share_of_all":
                values.append(share(cells.cell("unique", scope=site), cells.cell("unique")))
            else:
                values.append(count(cells.cell(column.level, scope=site)))
        note = {"unhealthy": "unhealthy: not comparable", "failed": "failed: not counted"}
        values.append(text(note.get(status, status)))
        rows.append(Row(site, site, tuple(values), "site"))
    total = [text("")] + [share(cells.cell("unique"), cells.cell("unique"))
                          if c.statistic == "share_of_all" else cells.flag()
                          if c.statistic == "flag" else count(cells.cell(c.level))
                          for c in columns[1:-1]] + [text("")]
    rows.append(Row("all", "all sites", tuple(total), "total"))
    return OverviewTable("sites", "Sites", columns, tuple(rows), (
        "An advertiser on several sites counts once on each, and once in \"all sites\": "
        "the advertisers column does not add up.",
        "under-18: whether any listing stated an age under 18, exactly (never perturbed).",))


def stated_table(cells: SnapshotCells) -> OverviewTable:
    columns = []
    for level in COMPARED_LEVELS:
        columns += [Column(f"{level}_stated", "stated", level, level, "count"),
                    Column(f"{level}_pct_all", "% all", level, level, "share_of_all")]
    columns += [Column("reference_2020_stated", "stated", "2020", "", "reference_2020_count"),
                Column("reference_2020_pct_all", "% all", "2020", "",
                       "reference_2020_stated_share")]
    rows = []
    for breakdown, label in VARIABLES:
        values = []
        for level in COMPARED_LEVELS:
            stated = cells.cell(level, breakdown, STATED)
            values += [count(stated), share(stated, cells.cell(level))]
        if breakdown in REFERENCE_STATED:
            n = REFERENCE_STATED[breakdown]
            values += [Value(str(n), n, CellState.REFERENCE), _stated_reference(breakdown)]
        else:
            values += [NA, NA]
        rows.append(Row(breakdown, label, tuple(values)))
    return OverviewTable("stated", "Listings stating each variable", tuple(columns),
                         tuple(rows), (f"2020: of {REFERENCE_TOTAL} unique ads and profiles.",))


VARIABLES = (("locality", "locality (ort)"), ("gender", "gender (kön)"), ("age_band", "age"),
             ("orientation", "sexual orientation"), ("nationality", "nationality"),
             ("language", "language"), ("ethnicity", "ethnicity"))
