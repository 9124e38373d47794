from __future__ import annotations

from crawler.consolidate.near import NearDuplicateSettings, candidate_pairs, near_duplicate_pairs

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
    texts = [f"annons nummer {i} med ord {i * 7} och {i * 13} samt {i * 31} och lite mer {i}"
             for i in range(300)]
    # no all-pairs step: unrelated texts give (almost) no candidates to verify
    assert len(candidate_pairs(texts, NearDuplicateSettings())) < 300


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
    assert len(every) > 300  # nearly all 465 pairs of the 31
    # a star per oversized bucket and band: a few members' worth of pairs, not n²/2
    assert len(capped) < len(every) / 3
    pairs = near_duplicate_pairs(texts, NearDuplicateSettings(max_bucket=5))
    assert (0, 30) in pairs
