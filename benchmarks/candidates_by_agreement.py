"""Near-duplicate candidates on the consolidation benchmark's market: how many LSH proposes,
how many the verification accepts, and how far their MinHash values agree.

    .venv/bin/python benchmarks/candidates_by_agreement.py --hits 150000
    .venv/bin/python benchmarks/candidates_by_agreement.py --hits 1500000

Pairs that share one LSH band by chance (ads built from the same phrases) grow with the
square of the texts; the agreement check (``NearDuplicateSettings.agreement``) drops them
before they are scored. Printed: unique texts, candidates without the check and with it,
verified pairs, the lowest agreement of a verified pair, candidates kept and verified
pairs lost at other agreements, and the wall time of ``near_duplicate_pairs``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_consolidate import markets  # noqa: E402

from crawler.consolidate.consolidation import comparable_text  # noqa: E402
from crawler.consolidate.exact import group_copies  # noqa: E402
from crawler.consolidate.near import (  # noqa: E402
    NearDuplicateSettings,
    agreements,
    candidate_pairs,
    near_duplicate_pairs,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hits", type=int, default=150_000)
    args = parser.parse_args()
    listings, _ = markets(args.hits)
    texts = [comparable_text(group.listing) for site in sorted(listings)
             for group in group_copies(listings[site], b"k" * 32, None)]
    settings = NearDuplicateSettings()
    signatures: list = [None] * len(texts)
    unchecked = sorted(candidate_pairs(texts, NearDuplicateSettings(agreement=0.0),
                                       signatures))
    scores = cpdist([texts[i] for i, _ in unchecked], [texts[j] for _, j in unchecked],
                    scorer=fuzz.token_sort_ratio, workers=-1, dtype=np.float32)
    verified = scores >= settings.threshold
    # how far each candidate's signatures agree (identical texts share one signature)
    first = np.array([i for i, _ in unchecked])
    second = np.array([j for _, j in unchecked])
    matrix = np.vstack([s if s is not None else np.zeros(settings.num_perm, np.uint32)
                        for s in signatures])
    agree = agreements(matrix, first, second) / settings.num_perm
    started = time.perf_counter()
    found = near_duplicate_pairs(texts, settings)
    seconds = time.perf_counter() - started
    print(json.dumps({
        "hits": sum(len(v) for v in listings.values()), "unique_texts": len(texts),
        "candidates_unchecked": len(unchecked),
        "candidates": len(candidate_pairs(texts, settings)),
        "verified": int(verified.sum()), "verified_with_check": len(found),
        "lowest_agreement_verified": round(float(agree[verified].min()), 3),
        "by_agreement": {f"{least:.2f}": {"kept": int((agree >= least).sum()),
                                          "verified_lost": int((verified & (agree < least)).sum())}
                         for least in (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)},
        "near_duplicate_pairs_s": round(seconds, 2),
    }, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
