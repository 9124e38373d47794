"""New, still present and gone, at every level, against an earlier snapshot.

An earlier snapshot is known only by the fingerprints it left: keyed hashes of its
unique listings (grouped by distinct listing) and of its advertisers' identifiers
(grouped by advertiser). A cluster now is "still" when it shares a hash with a cluster
then; an earlier cluster that shares a hash with nothing now is "gone".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from crawler.aggregate import Unit
from crawler.consolidate.consolidation import Consolidation, UniqueListing
from crawler.record_keys import cluster_key, hit_keys, record_key
from crawler.records import SCOPE_ALL, Fingerprint
from crawler.vocabulary import Subject

UNKNOWN = "unknown"


@dataclass
class Earlier:
    listing_group: dict[tuple[str, str], str] = field(default_factory=dict)  # (site, digest) -> group
    advertiser_group: dict[str, str] = field(default_factory=dict)  # identifier digest -> group
    advertiser_sites: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def from_fingerprints(cls, fingerprints: Iterable[Fingerprint], sites: Iterable[str]) -> Earlier:
        """Only what concerns ``sites`` (the healthy ones now: a failed site's listings
        are not gone, they were not looked at)."""
        wanted = set(sites)
        earlier = cls()
        for fp in fingerprints:
            if fp.scope not in wanted:
                continue
            if fp.subject == Subject.LISTING:
                earlier.listing_group[fp.scope, fp.digest] = fp.group or fp.digest
            else:
                group = fp.group or fp.digest
                earlier.advertiser_group[fp.digest] = group
                earlier.advertiser_sites[group].add(fp.scope)
        return earlier


def reach_category(localities: set[str]) -> str:
    known = localities - {UNKNOWN, "abroad"}
    if not known:
        return UNKNOWN
    return str(len(known)) if len(known) < 4 else "4+"


def home(members: list[UniqueListing]) -> UniqueListing:
    """The listing that places an advertiser: in the locality where it has most unique
    listings (a known one before "unknown"), ties broken by the locality's name."""
    per_locality: dict[str, int] = defaultdict(int)
    for m in members:
        per_locality[m.profile.locality] += 1
    chosen = min(per_locality, key=lambda loc: (loc == UNKNOWN, -per_locality[loc], loc))
    return next(m for m in members if m.profile.locality == chosen)


class Comparison:
    """Units and gone counts of one snapshot against its baseline and previous snapshot."""

    def __init__(self, consolidation: Consolidation, baseline: Earlier | None,
                 previous: Earlier | None, compared: Iterable[str] | None = None) -> None:
        """``compared``: the sites whose listings are compared (default: all); the others
        are counted without new/still flags."""
        self.c = consolidation
        self.against = {"baseline": baseline, "previous": previous}
        self.compared = None if compared is None else set(compared)
        self.distincts = _group_by(consolidation.uniques, "distinct")
        self.advertisers = _group_by(consolidation.uniques, "advertiser")

    def units(self) -> list[Unit]:
        out: list[Unit] = []
        for u in self.c.uniques:
            flags = {a: None if e is None or not self._compares(u.site)
                     else (u.site, u.digest) not in e.listing_group
                     for a, e in self.against.items()}
            hits, unique = hit_keys(u.identity, u.hits), record_key(u.identity)
            for scope in (u.site, SCOPE_ALL):
                out.append(Unit("hits", scope, u.profile, weight=u.hits, record_key=hits))
                out.append(Unit("unique", scope, u.profile, new_vs_baseline=flags["baseline"],
                                new_vs_previous=flags["previous"], record_key=unique))
        for label, members in self.distincts.items():
            rep = self.c.uniques[label]
            flags = {a: None if e is None or not self._compares(rep.site)
                     else not self._distinct_matches(members, e)
                     for a, e in self.against.items()}
            key = cluster_key(m.identity for m in members)
            for scope in (rep.site, SCOPE_ALL):
                out.append(Unit("distinct", scope, rep.profile, new_vs_baseline=flags["baseline"],
                                new_vs_previous=flags["previous"], record_key=key))
        for members in self.advertisers.values():
            matched = {a: None if e is None else self._advertiser_matches(members, e)
                       for a, e in self.against.items()}
            by_site: dict[str, list[UniqueListing]] = defaultdict(list)
            for m in members:
                by_site[m.site].append(m)
            for scope, scoped in [*by_site.items(), (SCOPE_ALL, members)]:
                flags = {}
                for a, groups in matched.items():
                    if groups is None or (scope != SCOPE_ALL and not self._compares(scope)):
                        flags[a] = None
                    elif scope == SCOPE_ALL:
                        flags[a] = not groups
                    else:
                        sites = self.against[a].advertiser_sites  # type: ignore[union-attr]
                        flags[a] = not any(scope in sites[g] for g in groups)
                out.append(Unit("advertisers", scope, home(scoped).profile,
                                new_vs_baseline=flags["baseline"], new_vs_previous=flags["previous"],
                                reach=reach_category({m.profile.locality for m in scoped}),
                                record_key=cluster_key(m.identity for m in scoped)))
        return out

    def gone(self, sites: Iterable[str]) -> dict[tuple[str, str, str], int]:
        gone: dict[tuple[str, str, str], int] = {}
        sites = list(sites)
        for against, earlier in self.against.items():
            if earlier is None:
                continue
            measure = f"gone_vs_{against}"
            current = {(u.site, u.digest) for u in self.c.uniques}
            matched_distinct = {earlier.listing_group[key] for key in current
                                if key in earlier.listing_group}
            matched_adv: dict[str, set[str]] = defaultdict(set)  # group -> sites seen on now
            for members in self.advertisers.values():
                now_sites = {m.site for m in members}
                for g in self._advertiser_matches(members, earlier):
                    matched_adv[g] |= now_sites
            for site in sites:
                old = [key for key in earlier.listing_group if key[0] == site]
                gone["unique", measure, site] = sum(1 for key in old if key not in current)
                groups = {earlier.listing_group[key] for key in old}
                gone["distinct", measure, site] = len(groups - matched_distinct)
                gone["advertisers", measure, site] = sum(
                    1 for g, on in earlier.advertiser_sites.items()
                    if site in on and site not in matched_adv.get(g, set()))
            for level in ("unique", "distinct"):
                gone[level, measure, SCOPE_ALL] = sum(gone[level, measure, s] for s in sites)
            gone["advertisers", measure, SCOPE_ALL] = sum(
                1 for g in earlier.advertiser_sites if g not in matched_adv)
        return gone

    def fingerprints(self, window_id: str, snapshot_id: str) -> list[Fingerprint]:
        out: list[Fingerprint] = []
        seen: set[tuple[str, str]] = set()
        for u in self.c.uniques:
            out.append(Fingerprint(window_id, snapshot_id, Subject.LISTING, u.site, u.digest,
                                   self.c.anchor(u.distinct)))
            for digest in (u.digest, *u.contacts):
                if (u.site, digest) not in seen:
                    seen.add((u.site, digest))
                    out.append(Fingerprint(window_id, snapshot_id, Subject.ADVERTISER, u.site, digest,
                                           self.c.anchor(u.advertiser)))
        return out

    def _compares(self, site: str) -> bool:
        return self.compared is None or site in self.compared

    @staticmethod
    def _distinct_matches(members: list[UniqueListing], earlier: Earlier) -> bool:
        return any((m.site, m.digest) in earlier.listing_group for m in members)

    @staticmethod
    def _advertiser_matches(members: list[UniqueListing], earlier: Earlier) -> set[str]:
        groups = set()
        for m in members:
            for digest in (m.digest, *m.contacts):
                group = earlier.advertiser_group.get(digest)
                if group is not None:
                    groups.add(group)
        return groups


def _group_by(uniques: list[UniqueListing], attribute: str) -> dict[int, list[UniqueListing]]:
    groups: dict[int, list[UniqueListing]] = defaultdict(list)
    for u in uniques:
        groups[getattr(u, attribute)].append(u)
    return groups
