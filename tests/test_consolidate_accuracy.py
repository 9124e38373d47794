"""Consolidation against the demo generator's ground truth (no crawl: the generator's
postings as listings), at the default thresholds."""

from __future__ import annotations

from collections import Counter

import pytest

from crawler.consolidate import consolidate
from crawler.consolidate.baseline import Comparison, Earlier
from crawler.demo_market.generator import generate
from crawler.demo_market.truth import compute_truth, continuity
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


def test_edited_reposts_are_still_there_against_the_truth() -> None:
    """Two weeks of the seed-3 market (its reposts: a word, the price, the sentence order,
    the locality or the site changed) compared as snapshots compare, through the
    similarity fingerprints: each level's new/still/gone and the flows near the truth's
    families, summed over sites (benchmarks/continuity.py: the figures per cut)."""
    market = generate(seed=3, listings=1500)
    sites = [s.name for s in market.sites]
    base = Comparison(consolidate(listings_at(market, 0), KEY), None, None)
    earlier = Earlier.from_fingerprints(base.fingerprints("w", "s0"), sites)
    now = Comparison(consolidate(listings_at(market, 14), KEY), earlier, earlier)
    units = now.units()
    found: Counter[tuple[str, str, str]] = Counter()
    for u in units:
        if u.new_vs_baseline is not None and u.scope != SCOPE_ALL:
            found[u.level, "new" if u.new_vs_baseline else "still", u.scope] += 1
        if u.scope == SCOPE_ALL:
            for m in u.flows:
                if m.endswith("_vs_baseline"):
                    found["unique", m[:-len("_vs_baseline")], SCOPE_ALL] += 1
    for (level, measure, scope), n in now.gone(sites).items():
        if measure == "gone_vs_baseline" and scope != SCOPE_ALL:
            found[level, "gone", scope] += n
    truth = continuity(market, 14, 0)
    for level in ("distinct", "advertisers"):
        for change in ("new", "still", "gone"):
            true = sum(truth[level, change, s] for s in sites)
            got = sum(found[level, change, s] for s in sites)
            assert abs(got - true) <= max(3, 0.03 * true), (level, change, got, true)
    for flow in ("reposted", "edited", "moved_locality", "moved_site"):
        true = truth["unique", flow, SCOPE_ALL]
        assert true > 0 and abs(found["unique", flow, SCOPE_ALL] - true) <= max(2, 0.03 * true), (
            flow, found["unique", flow, SCOPE_ALL], true)


def test_scores_on_known_clusterings() -> None:
    assert pair_scores([1, 1, 2, 2], ["a", "a", "b", "b"]) == (1.0, 1.0)
    assert pair_scores([1, 1, 1, 1], ["a", "a", "b", "b"]) == (2 / 6, 1.0)
    p, r = bcubed([1, 1, 2], ["a", "a", "a"])
    assert p == 1.0 and r == pytest.approx((2 / 3 + 2 / 3 + 1 / 3) / 3)
