"""New, still present and gone, at every level, against an earlier snapshot.

An earlier snapshot is known only by the fingerprints it left: keyed hashes of its
unique listings (grouped by distinct listing), of its advertisers' identifiers (grouped
by advertiser), and its unique listings' keyed band digests (similarity.py). A unique
listing is still there when its exact hash is. A unique listing that is new but agrees
with an earlier one on enough bands "continues" it (an edited repost): its distinct
listing is still there if the earlier one was on the same site, its advertiser is still
there wherever it was. An earlier cluster that nothing now matches or continues is "gone".
The new unique listings that continue an earlier one are counted as flows (``Flow``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from crawler.aggregate import Unit
from crawler.consolidate.consolidation import Consolidation, UniqueListing
from crawler.consolidate.similarity import Continued, SimilarityIndex
from crawler.record_keys import cluster_key, hit_keys, record_key
from crawler.records import SCOPE_ALL, Fingerprint
from crawler.vocabulary import Comparison as Against
from crawler.vocabulary import Flow, Measure, Subject

UNKNOWN = "unknown"


@dataclass
class Earlier:
    listing_group: dict[tuple[str, str], str] = field(default_factory=dict)  # (site, digest) -> group
    advertiser_group: dict[str, str] = field(default_factory=dict)  # identifier digest -> group
    advertiser_sites: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    similar: SimilarityIndex = field(default_factory=SimilarityIndex)

    @classmethod
    def from_fingerprints(cls, fingerprints: Iterable[Fingerprint], sites: Iterable[str]) -> Earlier:
        """Only what concerns ``sites`` (the healthy ones now: a failed site's listings
        are not gone, they were not looked at)."""
        wanted = set(sites)
        earlier = cls()
        bands = []
        for fp in fingerprints:
            if fp.scope not in wanted:
                continue
            if fp.subject == Subject.SIMILARITY:
                bands.append((fp.scope, fp.digest, fp.group))
            elif fp.subject == Subject.LISTING:
                earlier.listing_group[fp.scope, fp.digest] = fp.group or fp.digest
            else:
                group = fp.group or fp.digest
                earlier.advertiser_group[fp.digest] = group
                earlier.advertiser_sites[group].add(fp.scope)
        earlier.similar = SimilarityIndex(bands)
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
        self._index = {id(u): i for i, u in enumerate(consolidation.uniques)}
        self.distincts = _group_by(consolidation.uniques, "distinct")
        self.advertisers = _group_by(consolidation.uniques, "advertiser")
        # against -> unique listing's index -> the earlier listings it continues (only
        # the unique listings new there, on a compared site)
        self.continued: dict[str, dict[int, list[Continued]]] = {
            a: self._continuations(e) for a, e in self.against.items() if e is not None}

    def _continuations(self, earlier: Earlier) -> dict[int, list[Continued]]:
        out = {}
        for i, u in enumerate(self.c.uniques):
            if (u.bands and self._compares(u.site)
                    and (u.site, u.digest) not in earlier.listing_group):
                found = earlier.similar.continued(u.bands)
                if found:
                    out[i] = found
        return out

    def flows(self, against: str, index: int) -> tuple[Measure, ...]:
        """The flows a unique listing counts in against an earlier snapshot."""
        found = self.continued.get(against, {}).get(index)
        if not found:
            return ()
        site = self.c.uniques[index].site
        here = [c for c in found if c.site == site]
        flow = (Flow.EDITED if any(c.same_locality for c in here)
                else Flow.MOVED_LOCALITY if here else Flow.MOVED_SITE)
        return Measure.of(Flow.REPOSTED, Against(against)), Measure.of(flow, Against(against))

    def units(self) -> list[Unit]:
        out: list[Unit] = []
        flows_of: dict[int, tuple[Measure, ...]] = defaultdict(tuple)
        for a, continued in self.continued.items():
            for i in continued:
                flows_of[i] += self.flows(a, i)
        for i, u in enumerate(self.c.uniques):
            flags = {a: None if e is None or not self._compares(u.site)
                     else (u.site, u.digest) not in e.listing_group
                     for a, e in self.against.items()}
            flows = flows_of.get(i, ())
            hits, unique = hit_keys(u.identity, u.hits), record_key(u.identity)
            for scope in (u.site, SCOPE_ALL):
                out.append(Unit("hits", scope, u.profile, weight=u.hits, record_key=hits))
                out.append(Unit("unique", scope, u.profile, new_vs_baseline=flags["baseline"],
                                new_vs_previous=flags["previous"], record_key=unique,
                                flows=flows))
        for label, members in self.distincts.items():
            rep = self.c.uniques[label]
            flags = {a: None if e is None or not self._compares(rep.site)
                     else not self._distinct_matches(members, e, self.continued[a])
                     for a, e in self.against.items()}
            key = cluster_key(m.identity for m in members)
            for scope in (rep.site, SCOPE_ALL):
                out.append(Unit("distinct", scope, rep.profile, new_vs_baseline=flags["baseline"],
                                new_vs_previous=flags["previous"], record_key=key))
        for members in self.advertisers.values():
            matched = {a: None if e is None
                       else self._advertiser_matches(members, e, self.continued[a])
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
            continued = self.continued[against]
            matched_distinct = {earlier.listing_group[key] for key in current
                                if key in earlier.listing_group}
            # an edited repost keeps its earlier distinct listing on the same site
            matched_distinct |= {earlier.listing_group[c.site, c.digest]
                                 for i, found in continued.items() for c in found
                                 if c.site == self.c.uniques[i].site
                                 and (c.site, c.digest) in earlier.listing_group}
            matched_adv: dict[str, set[str]] = defaultdict(set)  # group -> sites seen on now
            for members in self.advertisers.values():
                now_sites = {m.site for m in members}
                for g in self._advertiser_matches(members, earlier, continued):
                    matched_adv[g] |= now_sites
            # the earlier listings and advertisers by site, read once (once per site,
            # they were a tenth of a compared snapshot's time with 30 sites)
            old_of: dict[str, list[tuple[str, str]]] = defaultdict(list)
            for key in earlier.listing_group:
                old_of[key[0]].append(key)
            advertisers_gone: dict[str, int] = defaultdict(int)
            for g, on in earlier.advertiser_sites.items():
                for site in on - matched_adv.get(g, set()):
                    advertisers_gone[site] += 1
            for site in sites:
                old = old_of.get(site, [])
                gone["unique", measure, site] = sum(1 for key in old if key not in current)
                groups = {earlier.listing_group[key] for key in old}
                gone["distinct", measure, site] = len(groups - matched_distinct)
                gone["advertisers", measure, site] = advertisers_gone.get(site, 0)
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
            if u.bands:
                out.append(Fingerprint(window_id, snapshot_id, Subject.SIMILARITY, u.site,
                                       u.digest, u.bands))
            for digest in (u.digest, *u.contacts):
                if (u.site, digest) not in seen:
                    seen.add((u.site, digest))
                    out.append(Fingerprint(window_id, snapshot_id, Subject.ADVERTISER, u.site, digest,
                                           self.c.anchor(u.advertiser)))
        return out

    def _compares(self, site: str) -> bool:
        return self.compared is None or site in self.compared

    def _distinct_matches(self, members: list[UniqueListing], earlier: Earlier,
                          continued: dict[int, list[Continued]]) -> bool:
        """Still there: one of its unique listings is, or continues one of the same site."""
        if any((m.site, m.digest) in earlier.listing_group for m in members):
            return True
        site = members[0].site
        return any(c.site == site for i in self._indices(members) for c in continued.get(i, ()))

    def _advertiser_matches(self, members: list[UniqueListing], earlier: Earlier,
                            continued: dict[int, list[Continued]]) -> set[str]:
        """The earlier advertisers one of whose listings or contacts is still there, or
        one of whose listings a listing of ``members`` continues (on any site)."""
        groups = set()
        for m in members:
            for digest in (m.digest, *m.contacts):
                group = earlier.advertiser_group.get(digest)
                if group is not None:
                    groups.add(group)
        for i in self._indices(members):
            for c in continued.get(i, ()):
                group = earlier.advertiser_group.get(c.digest)
                if group is not None:
                    groups.add(group)
        return groups

    def _indices(self, members: list[UniqueListing]) -> list[int]:
        return [self._index[id(m)] for m in members]


def _group_by(uniques: list[UniqueListing], attribute: str) -> dict[int, list[UniqueListing]]:
    groups: dict[int, list[UniqueListing]] = defaultdict(list)
    for u in uniques:
        groups[getattr(u, attribute)].append(u)
    return groups
