"""Similarity fingerprints: keyed band digests that recognise an edited text, and only it."""

from __future__ import annotations

from crawler.consolidate.near import NearDuplicateSettings, candidate_pairs
from crawler.consolidate.similarity import (
    BANDS,
    MIN_BANDS,
    SimilarityIndex,
    agreeing,
    bands,
    estimated_jaccard,
    split,
)

KEY = b"similarity-test-key-32-bytes-ok!"
SENTENCES = ["hej jag heter alva och bor centralt i staden.",
             "jag tycker om yoga och långa promenader vid vattnet.",
             "ring mig gärna på kvällen."]
TEXT = " ".join(SENTENCES)
EDITED = TEXT.replace("långa", "korta")
REORDERED = " ".join(SENTENCES[::-1])
OTHER = ("välkommen till en lugn stund med massage och samtal i en trivsam miljö "
         "nära stationen skriv ett meddelande så svarar jag snart")


def digests(texts: list[str], key: bytes = KEY, locality: str = "Stockholm") -> list[str]:
    signatures: list = [None] * len(texts)
    candidate_pairs(texts, NearDuplicateSettings(), signatures)
    return [bands(key, s, locality) for s in signatures]


def test_a_fingerprint_is_64_hex_and_changes_with_the_key() -> None:
    a, = digests([TEXT])
    assert len(a) == 64 and int(a, 16) >= 0
    assert len(split(a)[0]) == BANDS
    b, = digests([TEXT], key=b"another-key-of-thirty-two-bytes!")
    assert agreeing(a, b) <= 1  # unrelated numbers without the key


def test_an_edit_agrees_on_enough_bands_an_other_text_does_not() -> None:
    text, edited, reordered, other = digests([TEXT, EDITED, REORDERED, OTHER])
    assert agreeing(text, reordered) == BANDS  # sorted words: the order does not count
    assert MIN_BANDS <= agreeing(text, edited) < BANDS
    assert agreeing(text, other) < MIN_BANDS
    assert estimated_jaccard(BANDS) == 1.0 > estimated_jaccard(MIN_BANDS) > 0.6


def test_a_short_text_has_no_fingerprint() -> None:
    assert digests(["hej hej"]) == [""]


def test_the_index_finds_continued_listings_and_says_if_the_locality_is_the_same() -> None:
    text, other = digests([TEXT, OTHER])
    moved, = digests([EDITED], locality="Malmö")
    index = SimilarityIndex([("a", "1" * 64, text), ("a", "2" * 64, other), ("b", "3" * 64, "")])
    assert len(index) == 2  # a listing without bands is not indexed
    found = index.continued(moved)
    assert [(c.site, c.digest, c.same_locality) for c in found] == [("a", "1" * 64, False)]
    assert [c.same_locality for c in index.continued(text)] == [True]
    assert SimilarityIndex().continued(text) == [] and index.continued("") == []
