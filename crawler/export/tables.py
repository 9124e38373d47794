"""The two exported tables as rows: indicators (one row per snapshot, scope, level,
measure, breakdown and category) and runs (one row per snapshot and site).

Rows hold what the store holds, protected: counts, category labels from the codebook,
site names, reason codes. Nothing else exists to be written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from crawler.export.columns import INDICATOR_COLUMNS, RUN_COLUMNS, Column
from crawler.normalise.geography import COUNTY_ISO_CODES
from crawler.protection import Protection, Shown
from crawler.records import COUNTY_PREFIX, SCOPE_ALL, CellId, Indicator, RunRecord
from crawler.vocabulary import BREAKDOWNS, LEVELS, MEASURES, TOTAL, Level, Measure


@dataclass
class Frame:
    """Rows of one table, in its columns' order."""

    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def scope_kind(scope: str) -> str:
    if scope == SCOPE_ALL:
        return "all"
    return "county" if scope.startswith(COUNTY_PREFIX) else "site"


def _scope_order(scope: str) -> tuple[int, int, str]:
    # all first, then the sites by name, then the län in code order
    if scope == SCOPE_ALL:
        return (0, 0, "")
    if scope.startswith(COUNTY_PREFIX):
        county = scope[len(COUNTY_PREFIX):]
        return (2, COUNTY_ISO_CODES.index(county) if county in COUNTY_ISO_CODES
                else len(COUNTY_ISO_CODES), county)
    return (1, 0, scope)


def _order(i: Indicator) -> tuple[Any, ...]:
    breakdown = BREAKDOWNS.index(i.breakdown) if i.breakdown in BREAKDOWNS else 99
    return (_scope_order(i.scope), LEVELS.index(i.level), MEASURES.index(i.measure),
            breakdown, i.breakdown, i.category)


def indicator_rows(frame: Frame, run: RunRecord, indicators: Sequence[Indicator],
                   shown: Mapping[CellId, Shown]) -> None:
    assert frame.columns == INDICATOR_COLUMNS
    for i in sorted(indicators, key=_order):
        cell = shown[i.cell_id]
        frame.rows.append((
            i.snapshot_id, i.taken_at, run.window_id, i.scope, scope_kind(i.scope), i.level,
            i.measure, i.breakdown, i.category, cell.value, cell.text, cell.state,
            i.comparable,
        ))


def run_rows(frame: Frame, run: RunRecord, found: Mapping[CellId, Indicator],
             shown: Mapping[CellId, Shown], protection: Protection) -> None:
    """A snapshot's sites (``found``: its indicators by key). ``items`` is the site's hits
    count, so it is published as that indicator is (two noisy copies of one count could be
    averaged); a site with no such indicator (it failed) is published under a cell key of
    its name."""
    assert frame.columns == RUN_COLUMNS
    head = (run.snapshot_id, run.started_at, run.finished_at or None, run.status, run.reason,
            run.window_id, run.is_baseline, run.config_hash, run.code_version)
    if not run.sites:
        frame.rows.append((*head, "", "", "", None, None, "", None, "", None, "", None))
        return
    for site in run.sites:
        key = CellId(run.snapshot_id, site.site, Level.HITS, Measure.COUNT, TOTAL, TOTAL)
        hits = found.get(key)
        if hits is not None and hits.value == site.items:
            items = shown[key]
        else:
            items = protection.cell(Indicator(run.snapshot_id, run.started_at, site.site,
                                              "hits", "count", "total", "total", site.items))
        frame.rows.append((
            *head, site.site, site.kind, site.health, site.pages, items.value, items.text,
            sum(site.errors.values()), _reasons(site.errors), sum(site.dropped.values()),
            _reasons(site.dropped), site.duration_s,
        ))


def _reasons(counts: Mapping[str, int]) -> str:
    return "; ".join(f"{reason}={n}" for reason, n in sorted(counts.items()))
