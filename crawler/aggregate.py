"""Unique listings -> indicators: every breakdown, at every level, per site and for all.

Pure core: the input is categories and flags (``Tally``), never content. Levels
"distinct" and "advertisers" join when near-duplicate and advertiser consolidation
land; the shape of the output does not change then.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from crawler.normalise import Profile
from crawler.records import SCOPE_ALL, Indicator

BREAKDOWNS = ("total", "site_kind", "locality", "language", "gender", "age_band")
TOTAL = "total"


@dataclass(frozen=True, slots=True)
class Tally:
    """One unique listing as counted: its categories, its hits, and whether it is new."""

    profile: Profile
    hits: int
    new_vs_baseline: bool | None = None  # None: this snapshot is the baseline
    new_vs_previous: bool | None = None  # None: there is no previous snapshot


def categories(profile: Profile, breakdown: str) -> tuple[str, ...]:
    if breakdown == TOTAL:
        return (TOTAL,)
    if breakdown == "site_kind":
        return (profile.kind,)
    if breakdown == "language":
        return profile.languages  # several per listing: shares may add up past 100 %
    return (getattr(profile, breakdown),)


def aggregate(
    snapshot_id: str,
    taken_at: str,
    tallies: Iterable[Tally],
    scopes: Iterable[str],
    gone: Mapping[tuple[str, str], int] | None = None,
    not_comparable: Iterable[str] = (),
) -> list[Indicator]:
    """``scopes``: the sites that were crawled (each gets rows even at zero).
    ``gone``: (measure, scope) -> listings of the baseline/previous snapshot not seen now."""
    counts: Counter[tuple[str, str, str, str, str]] = Counter()
    compared: set[str] = set()
    for tally in tallies:
        flags = []
        if tally.new_vs_baseline is not None:
            compared.add("baseline")
            flags.append("new_vs_baseline" if tally.new_vs_baseline else "still_vs_baseline")
        if tally.new_vs_previous is not None:
            compared.add("previous")
            flags.append("new_vs_previous" if tally.new_vs_previous else "still_vs_previous")
        for scope in (tally.profile.site, SCOPE_ALL):
            for breakdown in BREAKDOWNS:
                for category in categories(tally.profile, breakdown):
                    counts[scope, "hits", "count", breakdown, category] += tally.hits
                    counts[scope, "unique", "count", breakdown, category] += 1
                    for measure in flags:
                        counts[scope, "unique", measure, breakdown, category] += 1

    scopes = [*scopes, SCOPE_ALL]
    for (measure, scope), value in (gone or {}).items():
        counts[scope, "unique", measure, TOTAL, TOTAL] += value
    # totals are written even when zero, so "nothing seen" is stated, not missing
    for scope in scopes:
        for level in ("hits", "unique"):
            counts[scope, level, "count", TOTAL, TOTAL] += 0
        for against in sorted(compared | {m.split("_vs_")[1] for m, _ in (gone or {})}):
            for kind in ("new", "still", "gone"):
                counts[scope, "unique", f"{kind}_vs_{against}", TOTAL, TOTAL] += 0

    unhealthy = set(not_comparable)
    all_comparable = not unhealthy
    return [
        Indicator(
            snapshot_id=snapshot_id,
            taken_at=taken_at,
            scope=scope,
            level=level,
            measure=measure,
            breakdown=breakdown,
            category=category,
            value=value,
            comparable=all_comparable if scope == SCOPE_ALL else scope not in unhealthy,
        )
        for (scope, level, measure, breakdown, category), value in sorted(counts.items())
    ]
