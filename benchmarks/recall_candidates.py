"""Recall of the near-duplicate candidate stage alone, against every pair it should find.

    .venv/bin/python benchmarks/recall_candidates.py                 # both markets
    .venv/bin/python benchmarks/recall_candidates.py --listings 4000 --market heavy

The verification (rapidfuzz ``token_sort_ratio`` >= the threshold) can only accept pairs
that the candidate stage (MinHash LSH) proposes. Here every pair of unique texts is
scored (all pairs, rapidfuzz ``cdist``), and the candidate stage is measured against the
pairs at or above the threshold: how many it lost, how many candidates it proposed (the
verification's work) and how long it took.

Two markets: the demo market's unique texts on day 0 ("demo"), and the same texts with a
third of them reposted with heavier edits ("heavy"): sentences reordered, a few words
changed, prices and times changed, a title prefix added, one edit or several.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.consolidate.consolidation import comparable_text  # noqa: E402
from crawler.consolidate.near import NearDuplicateSettings, candidate_pairs  # noqa: E402
from crawler.demo_market.generator import generate  # noqa: E402
from tests.scoring import listings_at  # noqa: E402

PREFIXES = ("ny! ", "åter i stan: ", "new in town: ", "obs! ", "just nu: ", "back again - ")
WORDS = ("gärna", "verkligen", "alltid", "trevlig", "lugn", "nice", "really", "always",
         "kvällar", "helger", "weekends", "evenings", "centralt", "diskret", "discreet")
NUMBER = re.compile(r"\d+")


def demo_texts(listings: int, seed: int) -> list[str]:
    market = generate(seed=seed, listings=listings, horizon_days=1)
    return [comparable_text(items[0]) for items in
            _unique(listings_at(market, 0).values())]


def _unique(groups):  # type: ignore[no-untyped-def]
    # one listing per distinct content: the candidate stage sees unique listings
    seen = set()
    for items in groups:
        for listing in items:
            text = comparable_text(listing)
            if text not in seen:
                seen.add(text)
                yield [listing]


def edit(text: str, rng: random.Random) -> str:
    """A repost: one or more of the edits people make."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if s]
    for change in rng.sample(("order", "words", "numbers", "prefix"), rng.randint(1, 3)):
        if change == "order" and len(sentences) > 1:
            rng.shuffle(sentences)
        elif change == "words":
            words = " ".join(sentences).split()
            for _ in range(rng.randint(1, 3)):
                at = rng.randrange(len(words) + 1)
                if rng.random() < 0.5 and words:
                    words[min(at, len(words) - 1)] = rng.choice(WORDS)
                else:
                    words.insert(at, rng.choice(WORDS))
            sentences = [" ".join(words)]
        elif change == "numbers":
            sentences = [NUMBER.sub(lambda m: str(int(m.group()) + rng.randint(1, 500)), s)
                         for s in sentences]
        elif change == "prefix":
            sentences[0] = rng.choice(PREFIXES) + sentences[0]
    return " ".join(sentences)


def heavy_texts(listings: int, seed: int) -> list[str]:
    texts = demo_texts(listings, seed)
    rng = random.Random(seed)
    reposts = [edit(t, rng) for t in rng.sample(texts, len(texts) // 3)]
    return sorted(set(texts + reposts))


def true_pairs(texts: list[str], threshold: float) -> set[tuple[int, int]]:
    """Every pair at or above the threshold, as the verification scores it (no processor),
    among the texts the candidate stage considers (at least min_words words)."""
    found: set[tuple[int, int]] = set()
    step = 2000
    for start in range(0, len(texts), step):
        block = cdist(texts[start:start + step], texts, scorer=fuzz.token_sort_ratio,
                      score_cutoff=threshold, dtype=np.uint8, workers=-1)
        for i, j in zip(*np.nonzero(block)):
            a, b = start + int(i), int(j)
            if a < b:
                found.add((a, b))
    return found


def measure(name: str, texts: list[str], settings: NearDuplicateSettings) -> dict[str, float]:
    eligible = [len(t.split()) >= settings.min_words for t in texts]
    t0 = time.perf_counter()
    truth = {(a, b) for a, b in true_pairs(texts, settings.threshold)
             if eligible[a] and eligible[b]}
    all_pairs_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    candidates = candidate_pairs(texts, settings)
    candidate_s = time.perf_counter() - t0
    lost = truth - candidates
    row = {"texts": len(texts), "true_pairs": len(truth), "lost": len(lost),
           "lost_pct": 100 * len(lost) / max(1, len(truth)), "candidates": len(candidates),
           "candidate_s": candidate_s, "all_pairs_s": all_pairs_s}
    print(f"{name:>6}: {row['texts']} texts, {row['true_pairs']} pairs >= "
          f"{settings.threshold:g}, lost {row['lost']} ({row['lost_pct']:.2f} %), "
          f"{row['candidates']} candidates in {candidate_s:.2f} s "
          f"(all pairs scored in {all_pairs_s:.1f} s)", flush=True)
    for a, b in sorted(lost)[:3]:
        score = fuzz.token_sort_ratio(texts[a], texts[b])
        print(f"        lost, score {score:.0f}: {len(texts[a].split())} and "
              f"{len(texts[b].split())} words", flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listings", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--market", choices=("demo", "heavy", "both"), default="both")
    args = parser.parse_args()
    settings = NearDuplicateSettings()
    if args.market in ("demo", "both"):
        measure("demo", demo_texts(args.listings, args.seed), settings)
    if args.market in ("heavy", "both"):
        measure("heavy", heavy_texts(args.listings, args.seed), settings)


if __name__ == "__main__":
    main()
