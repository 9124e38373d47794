"""A readable terminal summary of the latest snapshots: counts per site and locality,
new and gone against the baseline. Read from the store, so it shows what was kept, with
every count it prints published by the cell key method (crawler/protection.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from crawler.normalise.geography import COUNTIES
from crawler.protection import Protection, Shown
from crawler.records import SCOPE_ALL, CellId, Indicator, RunRecord, is_site_scope
from crawler.store.base import Store
from crawler.vocabulary import VISIBLE, RunState

NOTE = ("hits: items seen; unique: exact copies removed (the 2020 definition); distinct: "
        "near-duplicates merged too;\nadvert.: listings linked by shared contacts or text. "
        "Advertisers are not people: one person may\nbe behind several advertisers, and one "
        "advertiser may speak for several people. new/gone: unique listings\nagainst the "
        "baseline; repost.: of the new ones, those that continue a baseline listing (an "
        "edited\nrepost: docs/METHOD.md).")


def summary(store: Store, protection: Protection, top_localities: int = 10) -> str:
    """The summary of the latest snapshot, every count as ``protection`` publishes it."""
    done = [r for r in store.runs() if r.status in VISIBLE]
    if not done:
        return "No complete snapshot in the store yet."
    latest = done[-1]
    baseline = next(r for r in done if r.window_id == latest.window_id)
    totals = store.indicators(snapshot_id=latest.snapshot_id, breakdown="total")
    localities = store.indicators(snapshot_id=latest.snapshot_id, scope=SCOPE_ALL,
                                  level="unique", breakdown="locality")
    shown = protection.shown([*totals, *localities])
    lines = [_heading(latest, baseline), ""]
    rows = _rows(totals)
    lines += _site_table(rows, latest, shown)
    lines += _county_table(rows, shown)
    lines += ["", f"Top localities, unique listings (all sites, snapshot {latest.snapshot_id}):"]
    lines += _localities(localities, top_localities, shown)
    failed = [r for r in store.runs() if r.status == RunState.FAILED]
    if failed:
        lines += ["", f"{len(failed)} failed run(s); the last: {failed[-1].snapshot_id}: "
                      f"{failed[-1].reason}"]
    lines += ["", NOTE, protection.legend()]
    return "\n".join(lines)


# the site table's columns: (heading, level, measure)
COLUMNS = [("hits", "hits", "count"), ("unique", "unique", "count"),
           ("distinct", "distinct", "count"), ("advert.", "advertisers", "count"),
           ("new", "unique", "new_vs_baseline"), ("gone", "unique", "gone_vs_baseline"),
           ("repost.", "unique", "reposted_vs_baseline")]


def _heading(latest: RunRecord, baseline: RunRecord) -> str:
    if latest.snapshot_id == baseline.snapshot_id:
        return f"Snapshot {latest.snapshot_id} (baseline of window {latest.window_id})"
    return f"Snapshot {latest.snapshot_id}, compared with baseline {baseline.snapshot_id}"


Row = dict[tuple[str, str], CellId]  # (level, measure) -> a total's cell


def _rows(totals: list[Indicator]) -> dict[str, Row]:
    """The totals by scope: a site, "all" or a county."""
    rows: dict[str, Row] = defaultdict(dict)
    for ind in totals:
        rows[ind.scope][ind.level, ind.measure] = ind.cell_id
    return rows


def _cells(row: Row, columns: list[tuple[str, str, str]],
           shown: Mapping[CellId, Shown]) -> str:
    return " ".join(f"{_cell(row, (level, measure), shown):>8}" for _, level, measure in columns)


def _site_table(values: dict[str, Row], run: RunRecord,
                shown: Mapping[CellId, Shown]) -> list[str]:
    status = {s.site: s for s in run.sites}
    header = f"{'site':<16} {'kind':<18} " + " ".join(f"{c:>8}" for c, _, _ in COLUMNS) + "  status"
    lines = [header, "-" * len(header)]
    # county scopes hold the same units again, by län: a table of their own below
    for scope in [s for s in sorted(values) if is_site_scope(s)] + [SCOPE_ALL]:
        row = values.get(scope, {})
        site = status.get(scope)
        kind = site.kind if site else ""
        cells = _cells(row, COLUMNS, shown)
        health = site.health if site else ""
        if site and site.lost:
            health += " (" + ", ".join(f"{k} {v}" for k, v in site.lost.items()) + ")"
        if site and site.recovered:
            health += (" (recovered on retry: "
                       + ", ".join(f"{k} {v}" for k, v in site.recovered.items()) + ")")
        lines.append(f"{scope:<16} {kind:<18} {cells}  {health}")
    for site in run.sites:
        if site.site not in values:
            errors = ", ".join(f"{k} {v}" for k, v in site.lost.items())
            lines.append(f"{site.site:<16} {site.kind:<18} {'not counted':>8}  {site.health}: {errors}")
    return lines


# the county table's columns: the units of every site whose stated locality is in the län
COUNTY_COLUMNS = [c for c in COLUMNS if c[1] != "hits"]


def _county_table(values: dict[str, Row], shown: Mapping[CellId, Shown]) -> list[str]:
    counties = [c for c in COUNTIES if c.scope in values]
    if not counties:
        return []
    header = f"{'county (län)':<28} " + " ".join(f"{c:>8}" for c, _, _ in COUNTY_COLUMNS)
    lines = ["", "By county, every site's listings with a stated locality in the län:",
             header, "-" * len(header)]
    for county in counties:
        lines.append(f"{county.name:<28} {_cells(values[county.scope], COUNTY_COLUMNS, shown)}")
    return lines


def _cell(row: Row, key: tuple[str, str],
          shown: Mapping[CellId, Shown]) -> str:
    return shown[row[key]].text if key in row else "-"


def _localities(localities: list[Indicator], top: int,
                shown: Mapping[CellId, Shown]) -> list[str]:
    new = {i.category: i.cell_id for i in localities if i.measure == "new_vs_baseline"}
    lines = [f"  {'locality':<20} {'unique':>7} {'new':>7}"]

    # chosen and ordered by what is published: a place in the top by the exact count would
    # give away the sign of a cell's noise
    def order(i: Indicator) -> tuple[int, str]:
        return (-(shown[i.cell_id].value or 0), i.category)

    ranked = sorted((i for i in localities if i.measure == "count"), key=order)[:top]
    for i in ranked:
        fresh = shown[new[i.category]].text if i.category in new else ("0" if new else "-")
        lines.append(f"  {i.category:<20} {shown[i.cell_id].text:>7} {fresh:>7}")
    return lines
