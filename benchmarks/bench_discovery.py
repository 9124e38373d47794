"""Site discovery's own cost at the 2020 market's scale: links -> domains in the spider,
and the tally after consolidation.

    .venv/bin/python benchmarks/bench_discovery.py                  # 150,000 hits
    .venv/bin/python benchmarks/bench_discovery.py --hits 1500000

Synthetic links, shaped like listings: each hit carries 10 hrefs (its site's own paths,
mailto:/tel:, a monitored site) and one hit in three links out: to one of 40 shared
domains (booking apps, chat channels) or, one in ten of those, to a domain of its own
(a person's page, below the floor). ~12 hits per unique listing, 3 unique listings per
advertiser. Consolidation itself is benchmarked by bench_consolidate.py; here the
Consolidation is built directly so only discovery is timed.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.consolidate.consolidation import Consolidation, UniqueListing
from crawler.consolidate.exact import canonical
from crawler.discovery.domains import linked_domains
from crawler.discovery.tally import (
    Floor,
    Outlinks,
    linked_domain_indicators,
    tally,
)
from crawler.keys import fingerprint
from crawler.listing import Listing

KEY = b"b" * 32
HITS_PER_UNIQUE = 12
SITES = [f"site{n}" for n in range(32)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hits", type=int, default=150_000)
    args = parser.parse_args()
    rng = random.Random(1)
    uniques_n = args.hits // HITS_PER_UNIQUE
    listings, uniques, hrefs = [], [], []
    for u in range(uniques_n):
        site = SITES[u % len(SITES)]
        listing = Listing(site, "ad_board", {"title": f"rubrik {u}", "text": f"text {u}"})
        digest = fingerprint(KEY, "listing", site, canonical(listing))
        uniques.append(UniqueListing(site, digest, HITS_PER_UNIQUE, None,  # type: ignore[arg-type]
                                     (), identity=digest.encode()[:32], distinct=u,
                                     advertiser=u - u % 3))
        out = []
        if rng.random() < 1 / 3:
            out.append(f"https://own{u}.se/" if rng.random() < 0.1
                       else f"https://www.shared{rng.randrange(40)}.com/p/{u}")
        links = [f"/{site}/ad/{u}", "/", f"/{site}/?page=2", "mailto:x@y.se", "tel:+4670",
                 "https://monitored.se/x", "#top", f"/{site}/om", f"/{site}/villkor", *out]
        for _ in range(HITS_PER_UNIQUE):
            listings.append(listing)
            hrefs.append(links)
    consolidation = Consolidation(uniques)
    page = "https://www.site.se/ad/1"
    monitored = frozenset({"monitored.se", "site.se"})

    start = time.perf_counter()
    outlinks = Outlinks({s: [] for s in SITES}, {s: set() for s in SITES})
    for listing, links in zip(listings, hrefs, strict=True):
        found = linked_domains(links, page, monitored)
        if found:
            outlinks.listings[listing.site].append((listing, found))
    extract_s = time.perf_counter() - start

    start = time.perf_counter()
    tallies = tally(outlinks, consolidation, KEY, SITES)
    cells = linked_domain_indicators("s", "t", tallies, consolidation, Floor())
    tally_s = time.perf_counter() - start
    named = sorted({c.category for c in cells})
    print(f"hits={args.hits} unique={uniques_n} linking hits="
          f"{sum(len(v) for v in outlinks.listings.values())} domains={len(tallies)}")
    print(f"links -> domains: {extract_s:.2f} s ({extract_s / args.hits * 1e6:.1f} us/hit)")
    print(f"tally + indicators: {tally_s:.2f} s, {len(cells)} cells, "
          f"{len(named)} categories stored")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
