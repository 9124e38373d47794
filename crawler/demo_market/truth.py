"""Ground truth of the demo market, counted by plain loops over the generator's entities.

Deliberately simple: an end-to-end crawl is checked against these numbers, so they must
be obviously right rather than fast or clever. Advertisers are the generator's own
advertiser ids, whatever their postings show: the booking agency's number that a quarter
of them show beside their own contact (wordlists.AGENCY_PHONE) makes none of them one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from crawler.demo_market.market import Market, Posting
from crawler.demo_market.wordlists import LOCALITY_COUNTY, NATIONALITY_CODES, age_band
from crawler.vocabulary import Breakdown

# the breakdowns the truth counts, from the generator's entities
COUNTED = (Breakdown.LOCALITY, Breakdown.COUNTY, Breakdown.LANGUAGE, Breakdown.GENDER,
           Breakdown.AGE_BAND, Breakdown.SITE_KIND, Breakdown.ORIENTATION,
           Breakdown.NATIONALITY, Breakdown.ETHNICITY)


@dataclass(frozen=True)
class Truth:
    """Counts per site name; `unique_by[breakdown]` is keyed by (site, category)."""

    day: int
    baseline_day: int
    previous_day: int | None
    hits: Counter
    unique: Counter
    distinct: Counter
    advertisers: Counter
    advertisers_all: int
    reach: Counter  # advertisers (all sites) by number of localities they are live in
    unique_by: dict[str, Counter]
    new_vs_baseline: Counter
    gone_vs_baseline: Counter
    still_vs_baseline: Counter
    # unique listings of all sites per län: (county, breakdown, category), with
    # ("total", "total") and ("site", site name); what a county report shows
    by_county: Counter = None  # type: ignore[assignment]
    # unique listings per län: new, gone and still against the baseline
    county_new_vs_baseline: Counter = None  # type: ignore[assignment]
    county_gone_vs_baseline: Counter = None  # type: ignore[assignment]
    county_still_vs_baseline: Counter = None  # type: ignore[assignment]
    new_vs_previous: Counter | None = None
    gone_vs_previous: Counter | None = None
    still_vs_previous: Counter | None = None


def categories(p: Posting, breakdown: str, site_kind: str) -> list[str]:
    """The categories a posting counts under; languages may give several."""
    if breakdown == "locality":
        return [p.locality]  # the canonical name, whatever spelling the posting shows
    if breakdown == "county":
        return [LOCALITY_COUNTY[p.locality]]
    if breakdown == "language":
        return list(p.languages) or ["unknown"]
    if breakdown == "gender":
        return [p.gender or "unknown"]
    if breakdown == "age_band":
        return [age_band(p.age)]
    if breakdown == "site_kind":
        return [site_kind]
    value = getattr(p, breakdown)  # orientation, nationality, ethnicity
    if not value:
        return ["unknown"]
    if breakdown == "nationality":
        return [NATIONALITY_CODES[value]]  # codebook: ISO 3166-1 alpha-2
    return [value.casefold().replace(" ", "-")]  # codebook keys: "middle-eastern"


def group_root(market: Market, p: Posting) -> int:
    """listing_id at the root of p's chain of variants (``variant_of``) and reposts
    (``continues``): p's own when it is neither. One distinct listing per site."""
    parent = p.variant_of if p.variant_of is not None else p.continues
    while parent is not None:
        p = market.posting(parent)
        parent = p.variant_of if p.variant_of is not None else p.continues
    return p.listing_id


def continuity(market: Market, day: int, other: int) -> Counter:
    """New, still and gone on ``day`` against ``other`` at the distinct and advertiser
    levels, and the flows of the new unique listings, keyed (level, change, scope) with
    scope a site name or "all" (advertisers and flows).

    A distinct listing is a variant/repost family (``group_root``) on one site; an
    advertiser is the generator's advertiser id. A posting live on ``day`` and not on
    ``other`` is "reposted" when a posting of its family was live on ``other``:
    "edited" when one was on its site in its locality, else "moved_locality" when one was
    on its site, else "moved_site"."""
    out: Counter = Counter()
    sites = [s.name for s in market.sites]
    live = {d: [p for p in market.postings if p.live(d)] for d in (day, other)}
    for site in sites:
        now = {group_root(market, p) for p in live[day] if p.site == site}
        then = {group_root(market, p) for p in live[other] if p.site == site}
        _changes(out, "distinct", site, now, then)
        now = {p.advertiser_id for p in live[day] if p.site == site}
        then = {p.advertiser_id for p in live[other] if p.site == site}
        _changes(out, "advertisers", site, now, then)
    _changes(out, "advertisers", "all", {p.advertiser_id for p in live[day]},
             {p.advertiser_id for p in live[other]})
    for p, flow in _flows(market, live[day], live[other], other):
        for f in ("reposted", flow):
            out["unique", f, p.site] += 1
            out["unique", f, "all"] += 1
    return out


def county_flows(market: Market, day: int, other: int) -> Counter:
    """The flows of ``continuity`` per län of the new listing's locality, keyed
    (flow, county ISO code): what a county's scope counts."""
    out: Counter = Counter()
    live = {d: [p for p in market.postings if p.live(d)] for d in (day, other)}
    for p, flow in _flows(market, live[day], live[other], other):
        for f in ("reposted", flow):
            out[f, LOCALITY_COUNTY[p.locality]] += 1
    return out


def _flows(market: Market, now: list[Posting], then: list[Posting],
           other: int) -> list[tuple[Posting, str]]:
    """The postings of ``now`` not live on ``other`` that continue a family live then,
    each with its flow."""
    family: dict[int, list[Posting]] = {}
    for p in then:
        family.setdefault(group_root(market, p), []).append(p)
    out = []
    for p in now:
        if p.live(other):
            continue
        earlier = family.get(group_root(market, p), [])
        here = [q for q in earlier if q.site == p.site]
        if not earlier:
            continue
        out.append((p, "edited" if any(q.locality == p.locality for q in here)
                    else "moved_locality" if here else "moved_site"))
    return out


def _changes(out: Counter, level: str, scope: str, now: set, then: set) -> None:
    out[level, "new", scope] += len(now - then)
    out[level, "gone", scope] += len(then - now)
    out[level, "still", scope] += len(now & then)


def compute_truth(market: Market, day: int, baseline_day: int = 0,
                  previous_day: int | None = None) -> Truth:
    sites = [s.name for s in market.sites]
    kinds = {s.name: s.kind for s in market.sites}
    hits, unique, distinct, advertisers = (Counter({s: 0 for s in sites}) for _ in range(4))
    unique_by: dict[str, Counter[tuple[str, str]]] = {b: Counter() for b in COUNTED}
    roots: dict[str, set[int]] = {s: set() for s in sites}
    advertiser_ids: dict[str, set[int]] = {s: set() for s in sites}
    localities: dict[int, set[str]] = {}
    by_county: Counter = Counter()

    for h in market.hits:
        if market.posting(h.listing_id).live(day):
            hits[h.site] += 1
    for p in market.postings:
        if not p.live(day):
            continue
        unique[p.site] += 1
        roots[p.site].add(group_root(market, p))
        advertiser_ids[p.site].add(p.advertiser_id)
        localities.setdefault(p.advertiser_id, set()).add(p.locality)
        county = LOCALITY_COUNTY[p.locality]
        by_county[(county, "total", "total")] += 1
        by_county[(county, "site", p.site)] += 1
        for b in COUNTED:
            for category in categories(p, b, kinds[p.site]):
                unique_by[b][(p.site, category)] += 1
                by_county[(county, b, category)] += 1
    for site in sites:
        distinct[site] = len(roots[site])
        advertisers[site] = len(advertiser_ids[site])

    new_b, gone_b, still_b = _compare(market, sites, day, baseline_day)
    previous = _compare(market, sites, day, previous_day) if previous_day is not None else None
    counties = sorted(set(LOCALITY_COUNTY.values()))
    county_b = _compare(market, counties, day, baseline_day,
                        lambda p: LOCALITY_COUNTY[p.locality])
    return Truth(
        day=day, baseline_day=baseline_day, previous_day=previous_day,
        hits=hits, unique=unique, distinct=distinct, advertisers=advertisers,
        advertisers_all=len(localities),
        reach=Counter(len(places) for places in localities.values()),
        unique_by=unique_by, by_county=by_county,
        county_new_vs_baseline=county_b[0], county_gone_vs_baseline=county_b[1],
        county_still_vs_baseline=county_b[2],
        new_vs_baseline=new_b, gone_vs_baseline=gone_b, still_vs_baseline=still_b,
        new_vs_previous=previous[0] if previous else None,
        gone_vs_previous=previous[1] if previous else None,
        still_vs_previous=previous[2] if previous else None,
    )


def _compare(market: Market, groups: list[str], day: int, other: int,
             group: Callable[[Posting], str] = lambda p: p.site):
    """Postings per group (site, or län) live on `day` only (new), on `other` only (gone),
    on both (still)."""
    new, gone, still = (Counter({g: 0 for g in groups}) for _ in range(3))
    for p in market.postings:
        now, then = p.live(day), p.live(other)
        if now and not then:
            new[group(p)] += 1
        elif then and not now:
            gone[group(p)] += 1
        elif now and then:
            still[group(p)] += 1
    return new, gone, still
