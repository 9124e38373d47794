"""Linked domains -> indicators, after consolidation, above the floor only.

In memory, the crawl gives per site the domains each listing links to and the domains
the site's own pages link to (outside any listing). Consolidation says which unique
listing each hit is and which advertiser it belongs to, so a domain gets, per site and
over all sites, how many hits, unique listings and advertisers link to it.

A domain linked from a listing may be a person's own site: it reaches the store only
when ``Floor.sites`` monitored sites link to it from their own pages, or when
``Floor.advertisers`` distinct advertisers link to it (docs/PRIVACY.md). Every other
domain is counted into one category, ``OTHER_DOMAINS``, and its name is dropped here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from crawler.consolidate.consolidation import Consolidation
from crawler.consolidate.exact import canonical
from crawler.keys import fingerprint
from crawler.listing import Listing
from crawler.record_keys import cluster_key, hit_keys, record_key
from crawler.records import CELL_KEY_RANGE, SCOPE_ALL, Indicator, comparable_scope
from crawler.vocabulary import Breakdown, Level, Measure

# the category counting every listing and advertiser that links to a domain below the
# floor; parentheses cannot be part of a domain name, so no domain can be called that
OTHER_DOMAINS = "(other domains)"
LINK_LEVELS = (Level.HITS, Level.UNIQUE, Level.ADVERTISERS)


@dataclass(frozen=True, slots=True)
class Floor:
    """When a linked domain's name may be stored (config ``discovery``)."""

    sites: int = 2  # monitored sites linking from their own pages, not from a listing
    advertisers: int = 10  # distinct advertisers linking from their listings


@dataclass(slots=True)
class Outlinks:
    """What the crawl saw, in memory only: site -> (listing, its linked domains), and
    site -> the domains its own pages link to."""

    listings: dict[str, list[tuple[Listing, frozenset[str]]]] = field(default_factory=dict)
    pages: dict[str, set[str]] = field(default_factory=dict)


@dataclass(slots=True)
class DomainTally:
    own_pages: set[str] = field(default_factory=set)  # sites linking from their own pages
    # site -> unique listing index -> how many of its hits link
    hits: dict[str, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))

    @property
    def sites(self) -> set[str]:
        return self.own_pages | set(self.hits)

    def uniques(self, site: str | None = None) -> set[int]:
        return {u for s, per in self.hits.items() if site in (None, s) for u in per}


def tally(outlinks: Outlinks, consolidation: Consolidation, key: bytes,
          counted: Sequence[str]) -> dict[str, DomainTally]:
    """Per linked domain, who links to it; ``counted``: the sites whose crawl counts
    (``key``: the window's key that named the unique listings)."""
    index = {(u.site, u.digest): i for i, u in enumerate(consolidation.uniques)}
    wanted = set(counted)
    out: dict[str, DomainTally] = defaultdict(DomainTally)
    for site, pairs in outlinks.listings.items():
        if site not in wanted:
            continue
        # a domain the site's own pages link to (outside any listing) is the site's: a
        # detail page's chrome that its header/footer/nav did not mark is read with the
        # listing, and would make the site's partner look linked by every advertiser
        chrome = outlinks.pages.get(site, set())
        for listing, links in pairs:
            domains = links - chrome
            if not domains:
                continue
            digest = fingerprint(key, "listing", site, canonical(listing))
            unique = index.get((site, digest))
            if unique is None:
                continue
            for domain in domains:
                per = out[domain].hits[site]
                per[unique] = per.get(unique, 0) + 1
    for site, linked in outlinks.pages.items():
        if site in wanted:
            for domain in linked:
                out[domain].own_pages.add(site)
    return dict(out)


def above_floor(found: DomainTally, consolidation: Consolidation, floor: Floor) -> bool:
    advertisers = {consolidation.uniques[u].advertiser for u in found.uniques()}
    return len(found.own_pages) >= floor.sites or len(advertisers) >= floor.advertisers


def linked_domain_indicators(snapshot_id: str, taken_at: str,
                             tallies: Mapping[str, DomainTally],
                             consolidation: Consolidation, floor: Floor,
                             not_comparable: Sequence[str] = ()) -> list[Indicator]:
    """Count cells of ``Breakdown.LINKED_DOMAIN``: per domain above the floor, in the
    scope of every site linking to it and in "all"; the rest as ``OTHER_DOMAINS``.
    ``not_comparable``: the unhealthy sites, whose cells, and those of "all", are not
    comparable with other snapshots (as every other indicator: crawler/aggregate.py)."""
    cells: list[Indicator] = []
    unhealthy = set(not_comparable)

    def add(scope: str, category: str, per_unique: Mapping[int, int]) -> None:
        uniques = consolidation.uniques
        advertisers: dict[int, list[bytes]] = defaultdict(list)
        for u in per_unique:
            advertisers[uniques[u].advertiser].append(uniques[u].identity)
        counts = {
            Level.HITS: (sum(per_unique.values()),
                         sum(hit_keys(uniques[u].identity, n) for u, n in per_unique.items())),
            Level.UNIQUE: (len(per_unique),
                           sum(record_key(uniques[u].identity) for u in per_unique)),
            Level.ADVERTISERS: (len(advertisers),
                                sum(cluster_key(ids) for ids in advertisers.values())),
        }
        for level, (value, keys) in counts.items():
            cells.append(Indicator(snapshot_id, taken_at, scope, level, Measure.COUNT,
                                   Breakdown.LINKED_DOMAIN, category, value,
                                   comparable=comparable_scope(scope, unhealthy),
                                   cell_key=keys % CELL_KEY_RANGE))

    other: dict[int, int] = {}
    for domain in sorted(tallies):
        found = tallies[domain]
        if not above_floor(found, consolidation, floor):
            # a hit linking to two unnamed domains is one hit: per unique listing, the
            # most of its hits linking to any one of them (a lower bound: the links of
            # each hit are not kept apart)
            for per in found.hits.values():
                for u, n in per.items():
                    other[u] = max(other.get(u, 0), n)
            continue
        everywhere: dict[int, int] = {}
        for site in sorted(found.sites):
            per = found.hits.get(site, {})
            add(site, domain, per)
            everywhere.update(per)
        add(SCOPE_ALL, domain, everywhere)
    if other:
        add(SCOPE_ALL, OTHER_DOMAINS, other)
    return cells
