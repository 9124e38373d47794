"""The two exported tables as rows: indicators (one row per snapshot, scope, level,
measure, breakdown and category) and runs (one row per snapshot and site).

Rows hold what the store holds, protected: counts, category labels from the codebook,
site names, reason codes. Nothing else exists to be written.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from crawler.aggregate import BREAKDOWNS
from crawler.export.columns import INDICATOR_COLUMNS, RUN_COLUMNS, Column
from crawler.normalise.geography import COUNTIES
from crawler.protection import Protection, Shown
from crawler.records import COUNTY_PREFIX, LEVELS, MEASURES, SCOPE_ALL, Indicator, RunRecord
from crawler.store.base import indicator_key

REACH = "reach"
ALL_BREAKDOWNS = (*BREAKDOWNS, REACH)


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
        return (2, COUNTIES.index(county) if county in COUNTIES else len(COUNTIES), county)
    return (1, 0, scope)


def _order(i: Indicator) -> tuple[Any, ...]:
    breakdown = ALL_BREAKDOWNS.index(i.breakdown) if i.breakdown in ALL_BREAKDOWNS else 99
    return (_scope_order(i.scope), LEVELS.index(i.level), MEASURES.index(i.measure),
            breakdown, i.breakdown, i.category)


def indicator_rows(frame: Frame, run: RunRecord, indicators: Sequence[Indicator],
                   shown: Mapping[Hashable, Shown]) -> None:
    assert frame.columns == INDICATOR_COLUMNS
    for i in sorted(indicators, key=_order):
        cell = shown[indicator_key(i)]
        frame.rows.append((
            i.snapshot_id, i.taken_at, run.window_id, i.scope, scope_kind(i.scope), i.level,
            i.measure, i.breakdown, i.category, cell.value, cell.text, cell.status,
            i.comparable,
        ))


def run_rows(frame: Frame, run: RunRecord, found: Mapping[Hashable, Indicator],
             shown: Mapping[Hashable, Shown], protection: Protection) -> None:
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
        key = (run.snapshot_id, site.site, "hits", "count", "total", "total")
        hits = found.get(key)
        if hits is not None and hits.value == site.items:
            items = shown[key]
        else:
            items = protection.cell(Indicator(run.snapshot_id, run.started_at, site.site,
                                              "hits", "count", "total", "total", site.items))
        frame.rows.append((
            *head, site.site, site.kind, site.status, site.pages, items.value, items.text,
            sum(site.errors.values()), _reasons(site.errors), sum(site.dropped.values()),
            _reasons(site.dropped), site.duration_s,
        ))


def _reasons(counts: Mapping[str, int]) -> str:
    return "; ".join(f"{reason}={n}" for reason, n in sorted(counts.items()))
