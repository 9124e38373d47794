from __future__ import annotations

import random

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH

from crawler.consolidate.near import (
    NearDuplicateSettings,
    _agreeing,
    _band_pairs,
    candidate_pairs,
    near_duplicate_pairs,
)

BASE = "hej och välkommen jag heter alva och finns i göteborg gillar promenader och god mat"


def test_reordered_and_edited_texts_pair_unrelated_do_not() -> None:
    reordered = "gillar promenader och god mat hej och välkommen jag heter alva och finns i göteborg"
    edited = BASE.replace("god mat", "bra mat")
    other = "trevlig kille från umeå som tycker om musik film och långa samtal på kvällen"
    pairs = near_duplicate_pairs([BASE, reordered, edited, other])
    assert (0, 1) in pairs and (0, 2) in pairs
    assert not any(3 in pair for pair in pairs)


def test_identical_texts_always_pair_short_ones_never() -> None:
    assert near_duplicate_pairs([BASE, "x y", BASE]) == [(0, 2)]
    assert near_duplicate_pairs(["hej!", "hej!"]) == []


def test_swedish_letters_count() -> None:
    # å/ä/ö are letters, not noise: "mål" and "mal" are different words
    settings = NearDuplicateSettings(threshold=99.5)
    assert near_duplicate_pairs([BASE, BASE.replace("göteborg", "goteborg")], settings) == []


def test_threshold_is_configurable() -> None:
    edited = BASE.replace("promenader", "cykelturer")
    assert near_duplicate_pairs([BASE, edited], NearDuplicateSettings(threshold=70)) == [(0, 1)]
    assert near_duplicate_pairs([BASE, edited], NearDuplicateSettings(threshold=99)) == []


def test_candidates_are_few_on_unrelated_texts() -> None:
    rng = random.Random(3)
    vocabulary = [f"ord{n}" for n in range(400)]
    texts = [" ".join(rng.sample(vocabulary, 15)) for _ in range(300)]
    # no all-pairs step: unrelated texts give (almost) no candidates to verify
    assert len(candidate_pairs(texts, NearDuplicateSettings())) < 300


def test_texts_of_one_template_give_candidates_in_proportion_not_all_pairs() -> None:
    # the shingles are over the sorted words, so a site's template (the same words in
    # every ad, a few numbers apart) looks alike: its buckets are capped, and what is
    # proposed grows with the number of ads, far from their 44,850 pairs
    texts = [f"annons nummer {i} med ord {i * 7} och {i * 13} samt {i * 31} och lite mer {i}"
             for i in range(300)]
    assert len(candidate_pairs(texts, NearDuplicateSettings())) < 30 * len(texts)


def test_an_oversized_bucket_is_checked_against_one_member_not_all_pairs() -> None:
    # thirty ads of one template (the same long opening, a different closing word) all
    # share LSH buckets: with a bucket cap of 5 each is paired with one member only, so
    # candidates grow with the bucket, not its square; the reposts still pair
    opening = "välkommen till en lugn och trevlig stund i centrala staden med god tid för samtal"
    texts = [f"{opening} {word}" for word in
             [f"ord{n} slut{n} här{n} nu{n}" for n in range(30)]]
    texts.append(f"{opening} ord0 slut0 här0 nu0 idag")  # a repost of the first
    capped = candidate_pairs(texts, NearDuplicateSettings(max_bucket=5))
    every = candidate_pairs(texts, NearDuplicateSettings(max_bucket=1000))
    assert len(every) > 250  # most of the 465 pairs of the 31
    # a star per oversized bucket and band: a few members' worth of pairs, not n²/2
    assert len(capped) < len(every) / 3
    pairs = near_duplicate_pairs(texts, NearDuplicateSettings(max_bucket=5))
    assert (0, 30) in pairs


LONG = ("hej och välkommen till min sida. jag heter alva och finns i göteborg. jag gillar "
        "promenader, god mat och långa samtal. hör av dig på kvällar och helger. pris 1500 kr "
        "för en timme, 2500 kr för två. ring eller skicka sms, jag svarar snabbt.")


@pytest.mark.parametrize("edit", [
    lambda t: " ".join(reversed(t.split(". "))),  # sentences in another order
    lambda t: ". ".join(t.split(". ")[2:] + t.split(". ")[:2]),  # a block moved
    lambda t: t.replace("1500", "1800").replace("2500", "3000"),  # prices
    lambda t: t.replace("kvällar och helger", "kvällar"),  # a few words gone
    lambda t: "ny i stan! " + t,  # a title prefix
    lambda t: "obs! " + " ".join(reversed(t.split(". "))).replace("1500", "1600"),  # several
], ids=["sentence-order", "block-moved", "prices", "words-gone", "prefix", "several"])
def test_the_candidate_stage_proposes_every_repost_the_verification_accepts(edit) -> None:
    """The verification (token_sort_ratio) accepts these reposts; the candidate stage must
    propose them, among unrelated texts, or they are lost before they are scored."""
    texts = [LONG, edit(LONG), *(f"annons {i} om musik film och {i * 7} långa samtal i umeå"
                                 for i in range(50))]
    assert near_duplicate_pairs(texts[:2]) == [(0, 1)], "the verification accepts the pair"
    assert (0, 1) in candidate_pairs(texts, NearDuplicateSettings())


def test_buckets_pair_their_rows_all_pairs_when_small_a_star_when_large() -> None:
    band = np.array([[1, 1], [2, 2], [1, 1], [3, 3], [1, 1], [2, 2]], dtype=np.uint32)
    n = len(band)
    every = sorted(divmod(int(code), n) for code in _band_pairs(band, max_bucket=50))
    assert every == [(0, 2), (0, 4), (1, 5), (2, 4)]
    star = sorted(divmod(int(code), n) for code in _band_pairs(band, max_bucket=2))
    assert star == [(0, 2), (0, 4), (1, 5)]  # the bucket of three: its first row to the rest


def test_only_pairs_whose_values_agree_enough_are_kept() -> None:
    matrix = np.array([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
                       [1, 2, 3, 4, 5, 6, 7, 0, 0, 0],  # agrees with row 0 in 7 of 10
                       [1, 2, 0, 0, 0, 0, 0, 0, 0, 1]], dtype=np.uint32)  # 2 of 10
    n = len(matrix)
    pairs = np.array([0 * n + 1, 0 * n + 2, 1 * n + 2], dtype=np.int64)
    assert _agreeing(matrix, pairs, 0.7).tolist() == [1]
    assert _agreeing(matrix, pairs, 0.71).tolist() == []
    assert _agreeing(matrix, pairs, 0.2).tolist() == [1, 2, 5]


def test_without_the_agreement_check_candidates_are_what_minhash_lsh_gives() -> None:
    """The buckets are grouped by numpy, not by datasketch's MinHashLSH: they must give
    the pairs that its index gives (every pair sharing a band), no more and no fewer."""
    rng = random.Random(5)
    phrases = [f"fras{n} ord{n % 7}" for n in range(60)]
    texts = [" ".join(rng.sample(phrases, 8)) for _ in range(200)]
    settings = NearDuplicateSettings(agreement=0.0, max_bucket=10_000)
    signatures: list = [None] * len(texts)
    found = candidate_pairs(texts, settings, signatures)
    lsh = MinHashLSH(threshold=settings.lsh_threshold, num_perm=settings.num_perm)
    hashes = []
    for i, signature in enumerate(signatures):
        minhash = MinHash(num_perm=settings.num_perm, seed=settings.seed,
                          hashvalues=signature, scheme="affine32")
        lsh.insert(i, minhash)
        hashes.append(minhash)
    expected = {(min(i, j), max(i, j)) for i, m in enumerate(hashes) for j in lsh.query(m)
                if i != j}
    assert len(expected) > 100  # shared phrases: many pairs share a band
    assert found == expected
    # the check drops pairs that share a band but few values, never a near-duplicate
    checked = candidate_pairs(texts, NearDuplicateSettings(max_bucket=10_000))
    assert checked < found
