"""Site health: is a site's crawl comparable with its recent snapshots?

A site that changed its layout does not fail: its pages load and its selectors simply
stop matching, so it would count zero listings, or listings without a locality, and a
monitoring series would show a market collapse that never happened. A site is
*unhealthy* when, against the median of its recent healthy snapshots, its items fall
sharply or a field that used to be filled mostly stops being filled. Its indicators are
then stored as not comparable, and the run is partial.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from statistics import median

from crawler.records import SiteRun
from crawler.vocabulary import SiteHealth


@dataclass(frozen=True, slots=True)
class HealthRules:
    history: int = 4  # recent healthy snapshots of the site to compare with
    min_items: int = 20  # below this many items in the past, too few to judge
    items_fall: float = 0.5  # unhealthy under this share of the recent median
    fill_before: float = 0.5  # a field filled in at least this share of items before...
    fill_fall: float = 0.5  # ...is unhealthy when its share falls under this factor of it


def assess(current: SiteRun, history: Sequence[SiteRun], rules: HealthRules = HealthRules()) -> SiteRun:
    """``current`` with status "unhealthy" and its reasons added, or unchanged."""
    if current.health != SiteHealth.OK:
        return current
    recent = [s for s in history if s.health == SiteHealth.OK and s.site == current.site][-rules.history:]
    if not recent:
        return current
    typical = median(s.items for s in recent)
    if typical < rules.min_items:
        return current
    reasons: dict[str, int] = {}
    if current.items < rules.items_fall * typical:
        reasons["unhealthy_items_fell"] = 1
    for name in sorted({f for s in recent for f in s.filled}):
        before = median(s.filled.get(name, 0) / s.items for s in recent if s.items)
        now = current.filled.get(name, 0) / current.items if current.items else 0.0
        if before >= rules.fill_before and now < rules.fill_fall * before:
            reasons[f"unhealthy_fill_rate_{name}"] = 1
    if not reasons:
        return current
    return replace(current, health=SiteHealth.UNHEALTHY, errors={**current.errors, **reasons})
