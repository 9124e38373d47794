"""Counted units -> indicators: every breakdown, at every level, per scope.

Pure core: a ``Unit`` is categories and flags, never content. Each level counts its own
units: a hit, a unique listing, a distinct listing, an advertiser. A unit belongs to
one scope (a site, or "all"), so an advertiser on two sites is one unit in each site
and one unit in "all": counted once per scope, never twice. A unit of "all" whose
locality lies in a Swedish län is counted once more in that county's scope, so every
breakdown exists per län too (an advertiser in its one chosen locality's län).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from crawler.normalise import Profile
from crawler.normalise.geography import COUNTIES, COUNTY_ISO_CODES
from crawler.records import (
    CELL_KEY_RANGE,
    SCOPE_ALL,
    Indicator,
    comparable_scope,
    county_scope,
    is_site_scope,
)
from crawler.vocabulary import (
    COMPARISONS,
    FLOWS,
    LEVELS,
    TOTAL,
    UNIT_BREAKDOWNS,
    Breakdown,
    Change,
    Comparison,
    Level,
    Measure,
)

COUNTY_SCOPES = tuple(c.scope for c in COUNTIES)


@dataclass(frozen=True, slots=True)
class Unit:
    """One counted thing at one level in one scope."""

    level: str
    scope: str
    profile: Profile  # where its categories come from
    weight: int = 1  # hits: how many items this unique listing was seen as
    new_vs_baseline: bool | None = None  # None: nothing to compare with
    new_vs_previous: bool | None = None
    reach: str | None = None  # advertisers: how many localities ("1", "2", "3", "4+")
    # the cell key method's record key (crawler/record_keys.py); for hits, the sum of its
    # ``weight`` copies' keys
    record_key: int = 0
    # unique listings: the flow measures it counts in (new ones continuing an earlier
    # listing: crawler/consolidate/baseline.py)
    flows: tuple[Measure, ...] = ()

    def is_new(self, against: Comparison) -> bool | None:
        """New (True) or still there (False) against the earlier snapshot; None when
        there is nothing to compare with."""
        return self.new_vs_baseline if against == Comparison.BASELINE else self.new_vs_previous


def categories(profile: Profile, breakdown: str) -> tuple[str, ...]:
    if breakdown == TOTAL:
        return (TOTAL,)
    if breakdown == Breakdown.SITE:
        # an advertiser on several sites counts under its home listing's site
        return (profile.site,)
    if breakdown == Breakdown.SITE_KIND:
        return (profile.kind,)
    if breakdown == Breakdown.LANGUAGE:
        return profile.languages  # several per listing: shares may add up past 100 %
    if breakdown == Breakdown.UNDER_18_LOCALITY:
        return (profile.locality,) if profile.under_18 else ()
    if breakdown == Breakdown.GENDER_DETAIL:
        # a second level under "trans": only listings that state a sub-label count here
        return (profile.gender_detail,) if profile.gender_detail else ()
    return (getattr(profile, breakdown),)


def aggregate(
    snapshot_id: str,
    taken_at: str,
    units: Iterable[Unit],
    scopes: Iterable[str],
    gone: Mapping[tuple[str, str, str], int] | None = None,
    not_comparable: Iterable[str] = (),
    gone_keys: Mapping[tuple[str, str, str], int] | None = None,
) -> list[Indicator]:
    """``scopes``: the sites crawled (each gets zero totals when empty).
    ``gone``: (level, measure, scope) -> units of an earlier snapshot not seen now, and
    ``gone_keys`` their cell keys (``gone_cell_keys``); without them a gone cell has no
    cell key (None), as an indicator written before cell keys."""
    counts: Counter[tuple[str, str, str, str, str]] = Counter()
    keys: Counter[tuple[str, str, str, str, str]] = Counter()  # sums of record keys
    compared: set[Comparison] = set()
    sums: dict[tuple[str, str, str, str, str], list[int]] = {}  # cell -> [count, key sum]
    for unit in units:
        measures = [Measure.COUNT]
        for against in COMPARISONS:
            new = unit.is_new(against)
            if new is not None:
                compared.add(against)
                measures.append(Measure.of(Change.NEW if new else Change.STILL, against))
        measures.extend(unit.flows)
        # hits are counted, never compared: a hit has no identity of its own
        counted = measures if unit.level != Level.HITS else (Measure.COUNT,)
        # a unit's categories are the same in each of its scopes: read once (the loop
        # below runs about 2 million times for 150,000 hits)
        pairs = [(breakdown, category) for breakdown in UNIT_BREAKDOWNS
                 for category in categories(unit.profile, breakdown)]
        weight, record_key, level = unit.weight, unit.record_key, unit.level
        for scope in scopes_of(unit):
            own_site = is_site_scope(scope)
            for breakdown, category in pairs:
                if own_site and breakdown == Breakdown.SITE:
                    continue  # a site's own scope: its one category would be its total
                for measure in counted:
                    cell: tuple[str, str, str, str, str] = (
                        scope, level, measure, breakdown, category)
                    # one lookup per cell for both sums: the hottest line of a snapshot
                    entry = sums.get(cell)
                    if entry is None:
                        sums[cell] = [weight, record_key]
                    else:
                        entry[0] += weight
                        entry[1] += record_key
            if unit.reach is not None:
                for compared_by in measures:
                    cell = (scope, level, compared_by, Breakdown.REACH, unit.reach)
                    entry = sums.get(cell)
                    if entry is None:
                        sums[cell] = [1, record_key]
                    else:
                        entry[0] += 1
                        entry[1] += record_key
    for cell, (count, key_sum) in sums.items():
        counts[cell] = count
        keys[cell] = key_sum

    unkeyed = set()
    for (level, gone_measure, scope), value in (gone or {}).items():
        compared.add(Measure(gone_measure).against)  # type: ignore[arg-type]
        counts[scope, level, gone_measure, TOTAL, TOTAL] += value
        if gone_keys is None:
            unkeyed.add((scope, level, gone_measure, TOTAL, TOTAL))
        else:
            keys[scope, level, gone_measure, TOTAL, TOTAL] += gone_keys[level, gone_measure, scope]
    unhealthy = set(not_comparable)
    # totals are written even when zero, so "nothing seen" is stated, not missing; an
    # unhealthy site was not compared, so it states no zero "gone"
    for scope in [*scopes, SCOPE_ALL, *COUNTY_SCOPES]:
        for level in LEVELS:
            counts[scope, level, Measure.COUNT, TOTAL, TOTAL] += 0
            if level == Level.HITS or scope in unhealthy:
                continue
            for against in sorted(compared):
                for change in (*Change, *(FLOWS if level == Level.UNIQUE else ())):
                    counts[scope, level, Measure.of(change, against), TOTAL, TOTAL] += 0

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
            comparable=comparable_scope(scope, unhealthy),
            cell_key=None if cell in unkeyed else keys[cell] % CELL_KEY_RANGE,
        )
        for cell, value in sorted(counts.items())
        for scope, level, measure, breakdown, category in (cell,)
    ]


def scopes_of(unit: Unit) -> Iterator[str]:
    yield unit.scope
    if unit.scope == SCOPE_ALL and unit.profile.county in COUNTY_ISO_CODES:
        yield county_scope(unit.profile.county)


def county_gone(units: Iterable[Unit],
                earlier: Mapping[str, Mapping[str, int]]) -> dict[tuple[str, str, str], int]:
    """Unique listings gone per county scope: ``earlier`` maps "baseline"/"previous" to
    that snapshot's unique count per county scope; what was there and is not still now
    is gone. Unique listings only: a unique listing is matched one to one, so the
    difference is exact (distinct listings and advertisers merge and split between
    snapshots, and are compared per site by their groups instead). A listing whose
    stated locality moved to another län counts as still in the new one."""
    still: Counter[tuple[str, str]] = Counter()
    for unit in units:
        if unit.level != Level.UNIQUE or unit.scope != SCOPE_ALL:
            continue
        for scope in list(scopes_of(unit))[1:]:
            for against in earlier:
                if unit.is_new(Comparison(against)) is False:
                    still[against, scope] += 1
    return {(Level.UNIQUE, Measure.of(Change.GONE, Comparison(against)), scope):
            max(0, n - still[against, scope])
            for against, counts in earlier.items() for scope, n in counts.items()}


def gone_cell_keys(gone: Mapping[tuple[str, str, str], int], units: Iterable[Unit],
                   earlier: Mapping[tuple[str, str, str], int | None],
                   named: Callable[[str, str, str], int]) -> dict[tuple[str, str, str], int]:
    """The cell key of each gone count: the earlier total's cell key less the record keys
    of what is still there, which for unique listings (matched one to one, with the same
    record key in both snapshots) is exactly the sum of the gone units' record keys, and
    for distinct listings and advertisers (clusters merge and split) a key fixed by the
    same units all the same. ``earlier``: (against, scope, level) -> the earlier total's
    cell key (None: written before cell keys); ``named(level, measure, scope)`` keys a
    gone cell whose earlier total has none."""
    still: Counter[tuple[str, str, str]] = Counter()
    for unit in units:
        if unit.level == Level.HITS:
            continue
        for comparison in COMPARISONS:
            if unit.is_new(comparison) is False:
                for scope in scopes_of(unit):
                    still[comparison, scope, unit.level] += unit.record_key
    out = {}
    for level, measure, scope in gone:
        against = str(Measure(measure).against)
        key = earlier.get((against, scope, level))
        out[level, measure, scope] = (named(level, measure, scope) if key is None
                                      else (key - still[against, scope, level]) % CELL_KEY_RANGE)
    return out
