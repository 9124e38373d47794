from __future__ import annotations

from crawler.consolidate.exact import canonical, group_copies
from crawler.listing import Listing

KEY = b"k" * 32


def ad(text: str, site: str = "a", **more: str) -> Listing:
    return Listing(site, "ad_board", {"text": text, "locality": "Malmö", **more})


def test_whitespace_case_and_compatibility_forms_fold() -> None:
    assert canonical(ad("Hej  där\nVälkommen")) == canonical(ad("hej där välkommen"))
    # full-width digits are the same digits under NFKC
    assert canonical(ad("ring 070")) == canonical(ad("ring ０７０"))


def test_swedish_letters_and_digits_are_kept() -> None:
    assert canonical(ad("Mål")) != canonical(ad("Mal"))
    assert canonical(ad("Göteborg")) != canonical(ad("Goteborg"))
    assert canonical(ad("pris 1500")) != canonical(ad("pris 1600"))
    assert "göteborg" in canonical(ad("Göteborg"))


def test_any_field_difference_makes_another_listing() -> None:
    assert canonical(ad("x", phone="1")) != canonical(ad("x", phone="2"))
    assert canonical(ad("x", locality="Lund")) != canonical(ad("x"))


def test_copies_group_within_a_site_only() -> None:
    groups = group_copies([ad("one"), ad("ONE "), ad("two"), ad("one", site="b")], KEY)
    assert sorted((g.listing.site, g.hits) for g in groups) == [("a", 1), ("a", 2), ("b", 1)]
    assert all(len(g.digest) == 64 for g in groups)


def test_digest_depends_on_the_key() -> None:
    [a] = group_copies([ad("one")], KEY)
    [b] = group_copies([ad("one")], b"other key")
    assert a.digest != b.digest
