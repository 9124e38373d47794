"""Continuity across snapshots against the demo market's truth: which earlier listing a
new one continues (pairs), and new/still/gone at the distinct and advertiser levels.

    .venv/bin/python benchmarks/continuity.py                      # seed 7, 2000 listings
    .venv/bin/python benchmarks/continuity.py --listings 12000 --days 0 7 14

In process, no crawl: each day's live hits go through ``consolidate`` with one window key;
the later days are compared with the first (baseline) and the one before (previous)
through the similarity fingerprints the earlier ``Comparison`` wrote, as a snapshot does.
For each cut of agreeing bands (``--cuts``), pair precision and recall of "continues"
against the generator's families (a posting new on the day, one of its variant/repost
family live on the earlier day), and the error of each level's counts.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/ holds the oracles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--listings", type=int, default=2000)
    parser.add_argument("--days", type=int, nargs="+", default=[0, 7, 14])
    # 16 bands of 15 never agree: the comparison as it was, on exact fingerprints only
    parser.add_argument("--cuts", type=int, nargs="+", default=[16, 1, 2, 3, 4, 5, 6, 8])
    args = parser.parse_args()

    from crawler.aggregate import aggregate
    from crawler.consolidate import consolidate
    from crawler.consolidate.baseline import Comparison, Earlier
    from crawler.consolidate.exact import canonical
    from crawler.demo_market.generator import generate
    from crawler.demo_market.truth import continuity, group_root
    from crawler.keys import fingerprint
    from tests.scoring import listing_of, listings_at

    key = b"w" * 32
    market = generate(seed=args.seed, listings=args.listings)
    posting_of = {}
    for p in market.postings:
        digest = fingerprint(key, "listing", p.site, canonical(listing_of(market, p)))
        posting_of[p.site, digest] = p
    runs = {}
    for day in args.days:
        listings = listings_at(market, day)
        c = consolidate(listings, key)
        runs[day] = (c, sorted(listings))
    print(f"seed {args.seed}, {args.listings} listings, days {args.days}")
    for cut in args.cuts:
        pair_tp = pair_fp = pair_fn = 0
        errors: Counter[str] = Counter()
        totals: Counter[str] = Counter()
        cpu = 0.0
        for n, day in enumerate(args.days[1:], start=1):
            c, sites = runs[day]
            earlier = {}
            for against, then in (("baseline", args.days[0]), ("previous", args.days[n - 1])):
                c0, _ = runs[then]
                fps = Comparison(c0, None, None).fingerprints("w", str(then))
                e = Earlier.from_fingerprints(fps, sites)
                e.similar.min_bands = cut
                earlier[against] = (e, then)
            t0 = time.process_time()
            comparison = Comparison(c, earlier["baseline"][0], earlier["previous"][0])
            rows = {(i.scope, i.level, i.measure): i.value for i in aggregate(
                str(day), "t", comparison.units(), sites, comparison.gone(sites))
                if i.breakdown == "total"}
            cpu += time.process_time() - t0
            for against, (_, then) in earlier.items():
                truth = continuity(market, day, then)
                for (level, change, scope), true in truth.items():
                    found = rows.get((scope, level, f"{change}_vs_{against}"), 0)
                    name = f"{level}/{change}"
                    errors[name] += abs(found - true)
                    totals[name] += true
                family = {}
                for p in market.postings:
                    if p.live(then):
                        family.setdefault(group_root(market, p), set()).add(p.listing_id)
                for i, found in comparison.continued[against].items():
                    u = c.uniques[i]
                    p = posting_of[u.site, u.digest]
                    predicted = {posting_of[f.site, f.digest].listing_id for f in found}
                    true_set = family.get(group_root(market, p), set())
                    pair_tp += len(predicted & true_set)
                    pair_fp += len(predicted - true_set)
                for u_i, u in enumerate(c.uniques):
                    p = posting_of[u.site, u.digest]
                    if p.live(then):
                        continue
                    true_set = family.get(group_root(market, p), set())
                    predicted = {posting_of[f.site, f.digest].listing_id
                                 for f in comparison.continued[against].get(u_i, ())}
                    pair_fn += len(true_set - predicted)
        precision = pair_tp / (pair_tp + pair_fp) if pair_tp + pair_fp else 1.0
        recall = pair_tp / (pair_tp + pair_fn) if pair_tp + pair_fn else 1.0
        worst = ", ".join(f"{name} {errors[name]}/{totals[name]}"
                          for name in sorted(totals) if totals[name])
        print(f"cut {cut:2d} bands: pairs precision {precision:.4f} recall {recall:.4f} "
              f"(tp {pair_tp}, fp {pair_fp}, fn {pair_fn}); compare {cpu:.2f} s CPU")
        print(f"         absolute error / truth, summed over sites and days: {worst}")


if __name__ == "__main__":
    main()
