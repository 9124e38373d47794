"""Which län a snapshot found a stated age under 18 in, on which site and in which ort.

The snapshot stores, per scope, the localities of the listings that stated an age under
18 (the ``under_18_locality`` breakdown, an exact flag kept for these alerts and shown by
no other output): a site's scope gives its (site, ort) pairs, a län's scope the orter in
that län. A listing whose ort is not known is still found in its län when the län is
known (its ort then reads "okänd ort").

Only flags are read: present or not, as the report shows them (crawler/protection.py,
``Flag``); no count leaves this module.
"""

from __future__ import annotations

from dataclasses import dataclass

from crawler.protection import is_under_18
from crawler.records import is_site_scope
from crawler.report.lan import COUNTIES, County
from crawler.store.base import Store
from crawler.vocabulary import Breakdown

_BY_SCOPE = {c.scope: c for c in COUNTIES}


@dataclass(frozen=True)
class Finding:
    county: County
    places: tuple[tuple[str, str], ...]  # (site, ort), sorted; the ort may be UNKNOWN

    @property
    def sites(self) -> tuple[str, ...]:
        return tuple(sorted({site for site, _ in self.places}))


def under_18(store: Store, snapshot_id: str) -> list[Finding]:
    """The län where ``snapshot_id`` found a listing stating an age under 18 (none for
    a snapshot that is not complete or partial: the store shows only those)."""
    found = [i for i in store.indicators(snapshot_id=snapshot_id, level="unique",
                                         measure="count",
                                         breakdown=Breakdown.UNDER_18_LOCALITY)
             if is_under_18(i) and i.value > 0]
    by_county: dict[str, set[str]] = {}
    for i in found:
        if i.scope in _BY_SCOPE:
            by_county.setdefault(i.scope, set()).add(i.category)
    by_site = [(i.scope, i.category) for i in found if is_site_scope(i.scope)]
    findings = []
    for scope, orter in by_county.items():
        # an ort names one place, so a site's ort lies in the län whose scope holds it;
        # "unknown" is in every län it was counted in, and pairs with every such site
        places = tuple(sorted((site, ort) for site, ort in by_site if ort in orter))
        findings.append(Finding(_BY_SCOPE[scope], places))
    return sorted(findings, key=lambda f: f.county.code)


def find(store: Store, snapshot_id: str, county: str) -> Finding | None:
    return next((f for f in under_18(store, snapshot_id) if f.county.iso == county), None)
