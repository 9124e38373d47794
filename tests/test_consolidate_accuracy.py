"""Consolidation against the demo generator's ground truth (no crawl: the generator's
postings as listings), at the default thresholds."""

from __future__ import annotations

from collections import Counter

import pytest

from crawler.consolidate import consolidate
from crawler.consolidate.baseline import Comparison, Earlier
from crawler.demo_market.generator import generate
from crawler.demo_market.truth import compute_truth
from crawler.records import SCOPE_ALL
from tests.scoring import bcubed, listings_at, pair_scores, score

KEY = b"accuracy-test-key-32-bytes-long!"


@pytest.mark.parametrize("seed", [1, 2])
def test_targets_on_ground_truth(seed: int) -> None:
    market = generate(seed=seed, listings=2000)
    c = consolidate(listings_at(market, 0, copies=2), KEY)
    s = score(market, 0, c, KEY)
    assert s.unique_found == s.unique_true  # exact copies: exact
    assert s.pair_precision >= 0.99 and s.pair_recall >= 0.97, s
    assert s.bcubed_f1 >= 0.95, s
    truth = compute_truth(market, 0)
    hits = Counter()
    for u in c.uniques:
        hits[u.site] += u.hits
    assert {site: hits[site] for site in truth.hits} == {s: 2 * n for s, n in truth.hits.items()}


def test_new_still_gone_are_exact_for_exact_copies() -> None:
    market = generate(seed=3, listings=1500)
    sites = [s.name for s in market.sites]
    base = Comparison(consolidate(listings_at(market, 0), KEY), None, None)
    earlier = Earlier.from_fingerprints(base.fingerprints("w", "s0"), sites)
    market.advance(7)
    now = Comparison(consolidate(listings_at(market, 7), KEY), earlier, earlier)
    truth = compute_truth(market, 7, baseline_day=0)
    new = Counter(u.scope for u in now.units() if u.level == "unique" and u.new_vs_baseline)
    still = Counter(u.scope for u in now.units() if u.level == "unique" and u.new_vs_baseline is False)
    gone = now.gone(sites)
    for site in sites:
        assert new[site] == truth.new_vs_baseline[site]
        assert still[site] == truth.still_vs_baseline[site]
        assert gone["unique", "gone_vs_baseline", site] == truth.gone_vs_baseline[site]
    assert new[SCOPE_ALL] == sum(truth.new_vs_baseline.values())
    # advertisers and distinct listings are compared too, and are plausible
    adv_new = sum(1 for u in now.units() if u.level == "advertisers" and u.scope == SCOPE_ALL
                  and u.new_vs_baseline)
    assert 0 < adv_new < sum(truth.new_vs_baseline.values())


def test_scores_on_known_clusterings() -> None:
    assert pair_scores([1, 1, 2, 2], ["a", "a", "b", "b"]) == (1.0, 1.0)
    assert pair_scores([1, 1, 1, 1], ["a", "a", "b", "b"]) == (2 / 6, 1.0)
    p, r = bcubed([1, 1, 2], ["a", "a", "a"])
    assert p == 1.0 and r == pytest.approx((2 / 3 + 2 / 3 + 1 / 3) / 3)
