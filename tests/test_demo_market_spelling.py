"""The demo market writes localities the ways ads do, while its truth keeps the canonical
ort and adds the län; the normaliser must land every spelling on the truth's category."""

from __future__ import annotations

from collections import Counter

import pytest

from crawler.demo_market import generate
from crawler.demo_market import wordlists as v
from crawler.demo_market.truth import compute_truth
from crawler.listing import Listing
from crawler.normalise import profile
from crawler.sites import load_sites
from tests.conftest import SITES

# a list field's separator, as each shipped definition splits it (radannonsen: " · ")
SPLITTERS = {s.name: s.fields["languages"].splitter for s in load_sites(SITES)}


def stated(site: str, key: str, value: str) -> str | tuple[str, ...]:
    splitter = SPLITTERS[site] if key == "languages" else None
    return tuple(part.strip() for part in splitter.split(value)) if splitter else value


@pytest.fixture(scope="module")
def market():
    return generate(seed=3, listings=2000)


def test_some_postings_show_a_spelling_variant(market) -> None:
    shown = [p for p in market.postings if p.locality_shown is not None]
    with_variants = [p for p in market.postings if v.spelling_variants(p.site, p.locality)]
    assert 0.2 < len(shown) / len(with_variants) < 0.4
    for p in shown:
        assert p.fields["locality"] == p.locality_shown != p.locality
        assert p.locality_shown in v.spelling_variants(p.site, p.locality)
    written = Counter(p.fields["locality"] for p in market.postings if p.locality == "Göteborg")
    assert {"Göteborg", "Gothenburg", "GBG"} <= set(written)


def test_spellings_leave_the_rest_of_the_market_as_it_was() -> None:
    # spellings draw from their own stream: same seed, same advertisers and postings
    m = generate(seed=11, listings=300)
    assert [(p.site, p.locality, p.start_day, p.text) for p in m.postings][:50] == [
        (p.site, p.locality, p.start_day, p.text) for p in generate(11, 300).postings][:50]


def test_every_locality_has_a_county() -> None:
    assert set(v.LOCALITY_COUNTY) == set(v.LOCALITIES)
    assert all(c.startswith("SE-") for c in v.LOCALITY_COUNTY.values())


def test_truth_counts_canonical_localities_and_counties(market) -> None:
    t = compute_truth(market, 0)
    live = [p for p in market.postings if p.live(0)]
    assert t.unique_by["locality"] == Counter((p.site, p.locality) for p in live)
    assert t.unique_by["county"] == Counter((p.site, v.LOCALITY_COUNTY[p.locality]) for p in live)
    assert sum(t.unique_by["county"].values()) == len(live)


def test_the_normaliser_lands_every_displayed_spelling_on_the_truth(market) -> None:
    for p in market.postings:
        f = p.fields
        got = profile(Listing(p.site, "ad_board", {
            k: stated(p.site, k, f[k]) for k in ("locality", "age", "gender", "languages", "orientation",
                              "nationality", "ethnicity") if k in f}))
        assert (got.locality, got.county) == (p.locality, v.LOCALITY_COUNTY[p.locality]), \
            f["locality"]
        assert got.gender == (p.gender or "unknown")
        assert set(got.languages) == set(p.languages or ("unknown",))
        if p.nationality:
            assert got.nationality == v.NATIONALITY_CODES[p.nationality]
        if p.ethnicity:
            assert got.ethnicity == p.ethnicity.casefold().replace(" ", "-")
        if p.orientation:
            assert got.orientation == p.orientation.casefold()
