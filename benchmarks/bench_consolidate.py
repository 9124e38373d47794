"""Consolidation at the 2020 market's scale: wall time and peak memory.

    .venv/bin/python benchmarks/bench_consolidate.py            # 15k, 150k, 1.5M hits
    .venv/bin/python benchmarks/bench_consolidate.py --hits 150000

Each size runs in its own process (peak RSS is per process). The market is the demo
generator's, shaped like 2020: about 12 hits per unique listing (reposts), ads and
profiles, ~200 localities' worth of spread. "consolidate" is the whole stage: exact
copies, near-duplicates, advertisers, comparison units and indicators. In the same
run, all-pairs rapidfuzz is timed on a sample and extrapolated to 150,000 hits.

"compared" is the same stage for the next day's market compared with the first day's
fingerprints as its baseline and previous snapshot (exact, and the similarity
fingerprints that find edited reposts): what every snapshot after a baseline does.
Times are wall ("_s") and this process's CPU ("_cpu_s", all threads: rapidfuzz scores on
every core), since the machine may be busy with other work.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/ holds the oracles

HITS_PER_UNIQUE = 12


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def markets(hits: int) -> tuple[dict[str, list], dict[str, list]]:
    """The benchmark's market on day 0 and day 1, listings by site."""
    from crawler.demo_market.generator import generate
    from tests.scoring import listings_at

    # The generator's uniqueness search slows down past ~20,000 postings, so a larger
    # market is built from several 150,000-hit markets (other seeds), their sites named
    # apart: 1.5M hits are ten such markets on 30 sites.
    parts = max(1, round(hits / 150_000))
    listings: dict[str, list] = {}
    later: dict[str, list] = {}
    for part in range(parts):
        # day 0 only: no need for the 60 days of arrivals the demo generates
        market = generate(seed=11 + part, listings=max(1, hits // parts // HITS_PER_UNIQUE),
                          horizon_days=1)
        natural = sum(len(market.live_hits(s.name, 0)) for s in market.sites)
        copies = max(1, round(hits / parts / natural))
        for site, items in listings_at(market, 0, copies=copies).items():
            listings[site if parts == 1 else f"{site}-{part}"] = items
        for site, items in listings_at(market, 1, copies=copies).items():
            later[site if parts == 1 else f"{site}-{part}"] = items
    return listings, later


def one(hits: int) -> dict[str, float]:
    from crawler.aggregate import aggregate
    from crawler.consolidate import consolidate
    from crawler.consolidate.baseline import Comparison, Earlier

    started = time.perf_counter()
    listings, later = markets(hits)
    n_hits = sum(len(v) for v in listings.values())
    setup_s = time.perf_counter() - started
    rss_before = rss_mib()
    print(f"{n_hits} hits ready after {setup_s:.0f} s", file=sys.stderr, flush=True)

    t0, c0 = time.perf_counter(), time.process_time()
    c = consolidate(listings, b"k" * 32)
    t1, c1 = time.perf_counter(), time.process_time()
    comparison = Comparison(c, None, None)
    indicators = aggregate("bench", "t", comparison.units(), sorted(listings), comparison.gone(sorted(listings)))
    fingerprints = comparison.fingerprints("w", "bench")
    t2, c2 = time.perf_counter(), time.process_time()

    earlier = Earlier.from_fingerprints(fingerprints, sorted(later))
    t3, c3 = time.perf_counter(), time.process_time()
    c_later = consolidate(later, b"k" * 32)
    compared = Comparison(c_later, earlier, earlier)
    units = compared.units()
    later_indicators = aggregate("bench2", "t", units, sorted(later), compared.gone(sorted(later)))
    compared.fingerprints("w", "bench2")
    t4, c4 = time.perf_counter(), time.process_time()
    return {
        "hits": n_hits,
        "unique": len(c.uniques),
        "distinct": len({u.distinct for u in c.uniques}),
        "advertisers": len({u.advertiser for u in c.uniques}),
        "indicators": len(indicators),
        "fingerprints": len(fingerprints),
        "setup_s": round(setup_s, 2),
        "consolidate_s": round(t1 - t0, 2),
        "aggregate_s": round(t2 - t1, 2),
        "total_s": round(t2 - t0, 2),
        "total_cpu_s": round(c2 - c0, 2),
        "consolidate_cpu_s": round(c1 - c0, 2),
        "compared_total_s": round(t4 - t3, 2),
        "compared_total_cpu_s": round(c4 - c3, 2),
        "compared_reposted": sum(1 for u in units if u.level == "unique" and u.scope == "all"
                                 and getattr(u, "flows", ())),
        "compared_indicators": len(later_indicators),
        "rss_before_mib": round(rss_before),
        "peak_rss_mib": round(rss_mib()),
    }


def all_pairs(sample: int = 2000, hits: int = 150_000) -> dict[str, float]:
    from rapidfuzz import fuzz
    from rapidfuzz.process import cdist

    from crawler.consolidate.consolidation import comparable_text
    from crawler.demo_market.generator import generate
    from tests.scoring import listing_of

    market = generate(seed=11, listings=sample)
    texts = [comparable_text(listing_of(market, p)) for p in market.postings[:sample]]
    t0 = time.perf_counter()
    cdist(texts, texts, scorer=fuzz.token_sort_ratio, workers=-1)
    seconds = time.perf_counter() - t0
    per_pair = seconds / (len(texts) * len(texts))
    return {"sample": len(texts), "sample_s": round(seconds, 2),
            "extrapolated_150k_hits_s": round(per_pair * hits * (hits - 1) / 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hits", type=int, help="one size, in this process")
    args = parser.parse_args()
    if args.hits:
        print(json.dumps(one(args.hits)))
        return 0
    for hits in (15_000, 150_000, 1_500_000):
        out = subprocess.run([sys.executable, __file__, "--hits", str(hits)], capture_output=True,
                             text=True, check=True).stdout
        print(out.strip(), flush=True)
    print(json.dumps({"all_pairs": all_pairs()}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
