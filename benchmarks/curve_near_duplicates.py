"""Precision/recall of near-duplicates and B-cubed of advertisers per threshold.

    .venv/bin/python benchmarks/curve_near_duplicates.py

On the demo generator's ground truth (seeds 1-3, 2,000 unique listings each, day 0);
the default threshold in crawler/consolidate/near.py is chosen from this table.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/ holds the oracles

from crawler.consolidate import NearDuplicateSettings, consolidate  # noqa: E402
from crawler.demo_market.generator import generate  # noqa: E402
from tests.scoring import listings_at, score  # noqa: E402

THRESHOLDS = (70, 75, 80, 85, 88, 90, 92, 94, 96, 98, 100)
KEY = b"k" * 32


def main() -> None:
    markets = [generate(seed=seed, listings=2000) for seed in (1, 2, 3)]
    listings = [listings_at(m, 0) for m in markets]
    print("| threshold | pair precision | pair recall | B-cubed precision | B-cubed recall | B-cubed F1 |")
    print("|---|---|---|---|---|---|")
    for threshold in THRESHOLDS:
        settings = NearDuplicateSettings(threshold=threshold)
        scores = [score(m, 0, consolidate(ls, KEY, settings), KEY) for m, ls in zip(markets, listings)]
        mean = lambda name: sum(getattr(s, name) for s in scores) / len(scores)  # noqa: E731
        print(f"| {threshold} | {mean('pair_precision'):.4f} | {mean('pair_recall'):.4f} | "
              f"{mean('bcubed_precision'):.4f} | {mean('bcubed_recall'):.4f} | {mean('bcubed_f1'):.4f} |")


if __name__ == "__main__":
    main()
