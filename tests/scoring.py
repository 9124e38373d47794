"""How well consolidation recovers the demo market's ground truth.

The truth is the generator's own: which posting a hit shows, which postings are
variants of one original, which advertiser posted them. Consolidation's output is
joined to it by each unique listing's digest, recomputed here from the posting's
displayed fields. Pair precision/recall scores near-duplicates; B-cubed scores
advertiser clusters (Bagga & Baldwin 1998), both over unique listings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from crawler.consolidate import Consolidation
from crawler.consolidate.exact import canonical
from crawler.demo_market.market import Market, Posting
from crawler.demo_market.truth import group_root
from crawler.keys import fingerprint
from crawler.listing import Listing


def listing_of(market: Market, posting: Posting) -> Listing:
    return Listing(posting.site, market.site(posting.site).kind, posting.fields)


def listings_at(market: Market, day: int, copies: int = 1) -> dict[str, list[Listing]]:
    """Every live hit of every site as a Listing; ``copies`` > 1 multiplies the hits
    (more exact reposts) to shape a larger market from the same postings."""
    out: dict[str, list[Listing]] = {}
    for site in market.sites:
        hits = market.live_hits(site.name, day)
        out[site.name] = [listing_of(market, market.posting(h.listing_id))
                          for h in hits for _ in range(copies)]
    return out


@dataclass(frozen=True)
class Scores:
    unique_found: int
    unique_true: int
    pair_precision: float
    pair_recall: float
    bcubed_precision: float
    bcubed_recall: float

    @property
    def bcubed_f1(self) -> float:
        p, r = self.bcubed_precision, self.bcubed_recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(market: Market, day: int, consolidation: Consolidation, key: bytes) -> Scores:
    by_digest: dict[str, Posting] = {}
    for site in market.sites:
        for hit in market.live_hits(site.name, day):
            posting = market.posting(hit.listing_id)
            digest = fingerprint(key, "listing", posting.site, canonical(listing_of(market, posting)))
            by_digest[digest] = posting
    uniques = consolidation.uniques
    postings = [by_digest[u.digest] for u in uniques]  # KeyError: a unique listing truth lacks
    variant_true = [(p.site, group_root(market, p)) for p in postings]
    pp, pr = pair_scores([u.distinct for u in uniques], variant_true)
    bp, br = bcubed([u.advertiser for u in uniques], [p.advertiser_id for p in postings])
    return Scores(len(uniques), len(by_digest), pp, pr, bp, br)


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pair_scores(predicted: Sequence[Hashable], true: Sequence[Hashable]) -> tuple[float, float]:
    """Precision and recall of the pairs put together (1.0 where there are none)."""
    both = sum(_pairs(n) for n in Counter(zip(predicted, true)).values())
    found = sum(_pairs(n) for n in Counter(predicted).values())
    real = sum(_pairs(n) for n in Counter(true).values())
    return (both / found if found else 1.0), (both / real if real else 1.0)


def bcubed(predicted: Sequence[Hashable], true: Sequence[Hashable]) -> tuple[float, float]:
    cell = Counter(zip(predicted, true))
    size_p, size_t = Counter(predicted), Counter(true)
    n = len(predicted)
    precision = sum(cell[p, t] / size_p[p] for p, t in zip(predicted, true)) / n
    recall = sum(cell[p, t] / size_t[t] for p, t in zip(predicted, true)) / n
    return precision, recall
