"""Which län a snapshot found a stated age under 18 in, and on which sites.

What the store has: the under-18 age band per scope, where a scope is one site (the
whole country) or one län (every site). Nothing crosses län, site and age, and nothing
holds ages per ort. So an alert can say exactly that the län had one, and name as its
site the sites that both had listings in the län and a stated age under 18 somewhere:
one such site is certain; several are "one or more of" them. The ort cannot be named.

Only flags are read: present or not, as the report shows them (crawler/protection.py,
``Flag``); no count leaves this module.
"""

from __future__ import annotations

from dataclasses import dataclass

from crawler.protection import is_under_18
from crawler.records import COUNTY_PREFIX, is_site_scope
from crawler.report.lan import COUNTIES, County
from crawler.store.base import Store

_BY_SCOPE = {c.scope: c for c in COUNTIES}


@dataclass(frozen=True)
class Finding:
    county: County
    sites: tuple[str, ...]  # the candidate sites, sorted

    @property
    def certain(self) -> bool:
        return len(self.sites) == 1


def under_18(store: Store, snapshot_id: str) -> list[Finding]:
    """The län where ``snapshot_id`` found a listing stating an age under 18 (none for
    a snapshot that is not complete or partial: the store shows only those)."""
    ages = store.indicators(snapshot_id=snapshot_id, level="unique", measure="count",
                            breakdown="age_band")
    flagged = {i.scope for i in ages if is_under_18(i) and i.value > 0}
    counties = sorted((_BY_SCOPE[s] for s in flagged if s in _BY_SCOPE), key=lambda c: c.code)
    if not counties:
        return []
    sites_flagged = {s for s in flagged if is_site_scope(s)}
    present: dict[str, set[str]] = {}
    for i in store.indicators(snapshot_id=snapshot_id, level="unique", measure="count",
                              breakdown="site"):
        if i.scope.startswith(COUNTY_PREFIX) and i.value > 0:
            present.setdefault(i.scope, set()).add(i.category)
    return [Finding(c, tuple(sorted(sites_flagged & present.get(c.scope, set()))))
            for c in counties]


def find(store: Store, snapshot_id: str, county: str) -> Finding | None:
    return next((f for f in under_18(store, snapshot_id) if f.county.iso == county), None)
