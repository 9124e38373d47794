"""The demo market's generator and ground truth, checked by independent simple loops."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from crawler.consolidate.consolidation import MAX_LISTINGS_PER_CONTACT
from crawler.consolidate.contacts import identifiers
from crawler.demo_market import generate
from crawler.demo_market.market import REPOST_KINDS
from crawler.demo_market.truth import compute_truth, continuity
from crawler.demo_market.wordlists import AGENCY_PHONE, SITE_LANGUAGE

SITES = ("annonstavlan", "profilkatalogen", "sockerdejt", "radannonsen", "visitkortet",
         "dejtflodet", "kontaktnavet", "profilarkivet")
ENGLISH = ("profilkatalogen", "visitkortet", "profilarkivet")
AD_BOARDS = ("annonstavlan", "radannonsen")

# The Swedish regulator's ranges for fiction, restated here rather than imported, so the
# test does not trust the module it checks.
FICTIONAL = (("070", 1740605, 1740699), ("08", 46500400, 46500499),
             ("031", 3900600, 3900699), ("040", 6280400, 6280499),
             ("0980", 319200, 319299))


def in_fictional_range(phone: str) -> bool:
    if phone.startswith("+44 7700 "):  # Ofcom's drama range 07700 900000-900999
        rest = phone.removeprefix("+44 7700 ")
        return rest.isdigit() and 900000 <= int(rest) <= 900999
    if phone.startswith("+1 "):  # 555-0100..0199 is fictional in every North American area
        parts = phone.split()
        return len(parts) == 4 and parts[2] == "555" and parts[3].isdigit() \
            and 100 <= int(parts[3]) <= 199 and len(parts[3]) == 4
    area, _, rest = phone.partition("-")
    digits = rest.replace(" ", "")
    return any(area == a and digits.isdigit() and len(digits) == len(str(lo))
               and lo <= int(digits) <= hi for a, lo, hi in FICTIONAL)


def folded(fields: dict[str, str]) -> tuple:
    return tuple(sorted((k, " ".join(v.split()).casefold()) for k, v in fields.items()))


def snapshot(market) -> list:
    return [(p.listing_id, p.site, p.advertiser_id, p.start_day, p.end_day, p.variant_of,
             tuple(p.fields.items())) for p in market.postings] + \
           [(h.hit_id, h.listing_id, h.site) for h in market.hits]


@pytest.fixture(scope="module")
def market():
    return generate(seed=3, listings=2000)


def test_same_seed_same_market_and_other_seed_differs():
    a, b = generate(11, 300), generate(11, 300)
    assert snapshot(a) == snapshot(b)
    assert snapshot(generate(12, 300)) != snapshot(a)


@pytest.mark.parametrize("seed,listings", [(1, 1), (2, 37), (4, 1000)])
def test_exactly_listings_live_at_day_zero(seed, listings):
    m = generate(seed, listings)
    assert sum(1 for p in m.postings if p.start_day <= 0 < p.end_day) == listings
    assert all(-30 <= p.start_day <= 0 for p in m.postings if p.live(0))
    assert sum(compute_truth(m, 0).unique.values()) == listings


def test_no_two_postings_on_a_site_share_displayed_content(market):
    for site in SITES:
        keys = [folded(p.fields) for p in market.postings if p.site == site]
        assert len(keys) == len(set(keys)), site


def test_sites_and_their_display_forms(market):
    assert [(s.name, s.kind, s.render) for s in market.sites] == [
        ("annonstavlan", "ad_board", "http"),
        ("profilkatalogen", "profile_directory", "browser"),
        ("sockerdejt", "sugardating", "browser"),
        ("radannonsen", "ad_board", "http"),
        ("visitkortet", "profile_directory", "http"),
        ("dejtflodet", "sugardating", "browser"),
        ("kontaktnavet", "sugardating", "http"),
        ("profilarkivet", "profile_directory", "http")]
    seen = Counter()
    for p in market.postings:
        f = p.fields
        seen[p.site] += 1
        assert f["locality"] and f["text"]
        assert len(set(p.sentences)) == len(p.sentences) >= 3
        if p.site in AD_BOARDS:
            assert re.fullmatch(r"\d+ kr", f["price"]) and f["title"] and "name" not in f
            assert f.get("age") is None or re.fullmatch(r"\d+ år", f["age"])
            assert f.get("gender") in (None, "Kvinna", "Man", "Trans", "Par")
        elif p.site in ENGLISH:
            age = r"\d+ years" if p.site == "visitkortet" else r"\d+"
            assert f.get("age") is None or re.fullmatch(age, f["age"])
            male = "Man" if p.site == "visitkortet" else "Male"
            female = "Woman" if p.site == "visitkortet" else "Female"
            assert f.get("gender") in (None, female, male, "Trans", "Couple")
            assert f.get("orientation") in (None, "Heterosexual", "Bisexual", "Homosexual")
            assert f["name"] and "price" not in f
        else:
            assert f.get("gender") in (None, "Tjej", "Kille", "Trans", "Par")
            assert "price" not in f and "title" not in f and f["name"]
        # written in the site's language: its greeting (wherever a reorder put it) says
        firsts = {sentence.split()[0].strip("!,.") for sentence in p.sentences}
        swedish = bool(firsts & {"Hej", "Hejsan", "Hallå", "Välkommen", "Tjena"})
        assert swedish == (p.site not in ENGLISH), p.site
    assert set(seen) == set(SITES)
    # the later three are small: a test crawl of the whole market stays quick
    assert all(seen[site] < 0.06 * len(market.postings) for site in SITES[3:])


def test_contacts_are_fictional_and_never_shared(market):
    phones = [a.phone for a in market.advertisers.values() if a.phone]
    emails = [a.email for a in market.advertisers.values() if a.email]
    handles = [a.handle for a in market.advertisers.values() if a.handle]
    assert phones and emails and handles
    assert all(in_fictional_range(ph) for ph in phones)
    assert all(re.fullmatch(r"[a-z]+\d+@example\.(org|com|net)", e) for e in emails)
    assert all(re.fullmatch(r"@[a-z]+_\d+", h) for h in handles)
    for values in (phones, emails, handles):
        assert len(values) == len(set(values))
    agency = identifiers(AGENCY_PHONE, None, None)
    for p in market.postings:
        # shown as people write them, each posting's contacts are its advertiser's own,
        # and an agency's advertiser shows the agency's number besides
        adv = market.advertisers[p.advertiser_id]
        shown = identifiers(p.phone, p.email, p.handle)
        own = identifiers(adv.phone, adv.email,
                          f"{adv.handle_platform} {adv.handle}" if adv.handle_platform
                          else adv.handle)
        assert shown - agency <= own and shown - agency, p.listing_id
        assert (agency <= shown) == adv.agency
    assert 0.4 < len(emails) / len(market.advertisers) < 0.6


# every way of writing a contact that the market's pages show, each on many postings
@pytest.mark.parametrize("field, pattern", [
    ("phone", r"0\d{1,3}-\d{2,3} \d{2,3} \d{2}"),  # national, dashed
    ("phone", r"0\d{1,3} \d{2,3} \d{2,3} \d{2}"),  # national, spaces
    ("phone", r"\(0\d{1,3}\) "),  # parentheses
    ("phone", r"\+46 \d"),
    ("phone", r"\+46 \(0\)"),
    ("phone", r"0046"),
    ("phone", r"Bokning: 08-465 004 99"),  # the agency's number
    ("email", r"^[a-z]+\d+@example\.(org|com|net)$"),
    ("email", r" at example punkt "),
    ("email", r" \[at\] example \[dot\] "),
    ("email", r"\(at\)example\."),
    ("handle", r"^@[a-z]+_\d+$"),  # bare
    ("handle", r"^(Snap|Snapchat|snapchat|SC|Kik|kik|KIK|Telegram|TG|telegram|IG|Insta|Instagram)"
               r"(: | @|: @| |:)[a-z]+_\d+$"),
])
def test_contacts_are_written_in_many_ways(market, field, pattern):
    shown = [getattr(p, field) for p in market.postings if getattr(p, field)]
    assert sum(1 for value in shown if re.search(pattern, value)) >= 5, pattern


def test_one_number_is_shown_by_many_unrelated_advertisers(market):
    booking = {p.advertiser_id for p in market.postings if p.phone and AGENCY_PHONE in p.phone}
    assert 0.15 < len(booking) / len(market.advertisers) < 0.35
    live = [p for p in market.postings if p.live(0) and p.phone and AGENCY_PHONE in p.phone]
    assert len(live) > MAX_LISTINGS_PER_CONTACT  # past the default cut: it links no one


def test_variants_differ_from_their_original_in_exactly_the_stated_way(market):
    variants = [p for p in market.postings if p.variant_of is not None]
    assert 0.07 < len(variants) / len(market.postings) < 0.14
    assert {p.variant_kind for p in variants} == {"wording", "price", "reorder", "locality"}
    for p in variants:
        o = market.posting(p.variant_of)
        assert (p.site, p.advertiser_id) == (o.site, o.advertiser_id)
        changed = {k for k in set(p.fields) | set(o.fields) if p.fields.get(k) != o.fields.get(k)}
        expected = {"wording": {"text"}, "reorder": {"text"}, "price": {"price"},
                    "locality": {"locality"}}[p.variant_kind]
        assert changed == expected, (p.variant_kind, changed)
        if p.variant_kind == "wording":
            assert len(p.sentences) == len(o.sentences)
            differing = [(a, b) for a, b in zip(p.sentences, o.sentences) if a != b]
            assert len(differing) == 1
            words_p, words_o = differing[0][0].split(), differing[0][1].split()
            assert sum(a != b for a, b in zip(words_p, words_o)) == 1
        if p.variant_kind == "reorder":
            assert sorted(p.sentences) == sorted(o.sentences)
            assert p.sentences != o.sentences


def test_reposts_continue_an_ended_posting_edited_in_the_stated_way(market):
    reposts = [p for p in market.postings if p.continues is not None]
    ended = [p for p in market.postings if 0 < p.end_day <= market.horizon_days]
    assert 0.2 < len(reposts) / len(ended) < 0.35
    assert {p.repost_kind for p in reposts} == set(REPOST_KINDS)
    for p in reposts:
        o = market.posting(p.continues)
        assert p.variant_of is None and p.listing_id > o.listing_id
        assert (p.start_day, p.advertiser_id) == (o.end_day, o.advertiser_id)
        changed = {k for k in set(p.fields) | set(o.fields) if p.fields.get(k) != o.fields.get(k)}
        if p.repost_kind == "site":
            assert p.site != o.site and p.sentences == o.sentences
            assert SITE_LANGUAGE[p.site] == SITE_LANGUAGE[o.site]
        else:
            expected = {"wording": {"text"}, "reorder": {"text"}, "price": {"price"},
                        "locality": {"locality"}}[p.repost_kind]
            assert p.site == o.site and changed == expected, (p.repost_kind, changed)


def test_continuity_truth_counts_families_and_advertisers(market):
    flows = continuity(market, 7, 0)
    for site in SITES:
        live = {d: [p for p in market.postings if p.live(d) and p.site == site] for d in (0, 7)}
        assert flows["advertisers", "still", site] == len(
            {p.advertiser_id for p in live[0]} & {p.advertiser_id for p in live[7]})
        assert (flows["distinct", "new", site] + flows["distinct", "still", site]
                == compute_truth(market, 7).distinct[site])
        assert (flows["distinct", "gone", site] + flows["distinct", "still", site]
                == compute_truth(market, 0).distinct[site])
        # every repost live on day 7 whose original was live on day 0 is a flow
        reposted = [p for p in live[7] if p.continues is not None and not p.live(0)
                    and market.posting(p.continues).live(0)]
        assert flows["unique", "reposted", site] >= len(reposted)
    assert flows["unique", "reposted", "all"] == sum(
        flows["unique", f, "all"] for f in ("edited", "moved_locality", "moved_site")) > 0
    assert all(flows["unique", f, "all"] > 0 for f in ("edited", "moved_locality", "moved_site"))


def test_hits_per_posting(market):
    per_posting = Counter(h.listing_id for h in market.hits)
    assert set(per_posting) == {p.listing_id for p in market.postings}
    board = [per_posting[p.listing_id] for p in market.postings if p.site == "annonstavlan"]
    assert set(board) <= {1, 2, 3} and 1.4 < sum(board) / len(board) < 1.8
    small = [per_posting[p.listing_id] for p in market.postings if p.site == "radannonsen"]
    assert set(small) <= {1, 2} and 1.1 < sum(small) / len(small) < 1.4
    other = [per_posting[p.listing_id] for p in market.postings if p.site not in AD_BOARDS]
    assert set(other) <= {1, 2} and 0.02 < other.count(2) / len(other) < 0.09
    for site in SITES:
        ids = [h.hit_id for h in market.hits if h.site == site]
        assert len(ids) == len(set(ids))


def test_shares_look_like_2020(market):
    live = [p for p in market.postings if p.live(0)]
    places = Counter(p.locality for p in live)
    assert 0.33 < places["Stockholm"] / len(live) < 0.47
    assert places.most_common(3)[0][0] == "Stockholm" and len(places) >= 30
    stating = [p for p in live if p.languages]
    assert 0.84 < sum("en" in p.languages for p in stating) / len(stating) < 0.96
    assert all(1 <= len(p.languages) <= 3 for p in stating)
    genders = Counter(a.gender for a in market.advertisers.values())
    assert 0.72 < genders["woman"] / sum(genders.values()) < 0.84
    assert all(19 <= a.age <= 55 for a in market.advertisers.values())


def test_live_hits_order_and_lookup(market):
    hits = market.live_hits("annonstavlan")
    starts = [market.posting(h.listing_id).start_day for h in hits]
    assert starts == sorted(starts, reverse=True)
    assert market.hit("annonstavlan", hits[0].hit_id) == hits[0]
    assert market.hit("annonstavlan", "no-such-hit") is None
    future = next(h for h in market.hits if market.posting(h.listing_id).start_day > 0)
    assert market.hit(future.site, future.hit_id) is None
    with pytest.raises(ValueError):
        market.live_hits("no-such-site")


def count_by_loops(market, day):
    """The truth recounted from scratch, the plainest way."""
    hits, unique, roots, advs = Counter(), Counter(), {}, {}
    for h in market.hits:
        if market.posting(h.listing_id).live(day):
            hits[h.site] += 1
    for p in market.postings:
        if p.live(day):
            unique[p.site] += 1
            root = p  # up variants and reposts: a repost's family is its original's
            while root.variant_of is not None or root.continues is not None:
                root = market.posting(root.variant_of or root.continues)
            roots.setdefault(p.site, set()).add(root.listing_id)
            advs.setdefault(p.site, set()).add(p.advertiser_id)
    return hits, unique, {s: len(r) for s, r in roots.items()}, {s: len(a) for s, a in advs.items()}


@pytest.mark.parametrize("day", [0, 7, 30])
def test_truth_matches_an_independent_recount(market, day):
    t = compute_truth(market, day)
    hits, unique, distinct, advertisers = count_by_loops(market, day)
    for site in SITES:
        assert t.hits[site] == hits[site] == len(market.live_hits(site, day))
        assert t.unique[site] == unique[site]
        assert t.distinct[site] == distinct[site]
        assert t.advertisers[site] == advertisers[site]
        assert t.hits[site] >= t.unique[site] >= t.distinct[site] >= t.advertisers[site] > 0
        for breakdown in ("locality", "gender", "age_band", "site_kind", "orientation"):
            total = sum(n for (s, _), n in t.unique_by[breakdown].items() if s == site)
            assert total == t.unique[site], breakdown
        languages = sum(n for (s, _), n in t.unique_by["language"].items() if s == site)
        assert languages >= t.unique[site]
    assert t.hits["annonstavlan"] > t.unique["annonstavlan"]
    assert max(t.advertisers.values()) <= t.advertisers_all <= sum(t.advertisers.values())
    assert sum(t.reach.values()) == t.advertisers_all


def test_language_breakdown_counts_each_stated_language(market):
    t = compute_truth(market, 0)
    expected = Counter()
    for p in market.postings:
        if p.live(0):
            for code in p.languages or ("unknown",):
                expected[(p.site, code)] += 1
    assert t.unique_by["language"] == expected
    assert {c for (_, c) in expected} <= {"sv", "en", "es", "de", "fr", "it", "pt", "ru",
                                          "pl", "ro", "th", "fi", "unknown"}


def test_advance_moves_the_clock_and_turns_over_about_a_sixth():
    m = generate(seed=5, listings=1000)
    assert m.day == 0
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError):
            m.advance(bad)
    assert m.advance(7) == 7 == m.day
    before, after = compute_truth(m, 0), compute_truth(m, 7, baseline_day=0, previous_day=0)
    baseline = sum(before.unique.values())
    for site in SITES:
        assert after.new_vs_baseline[site] + after.still_vs_baseline[site] == after.unique[site]
        assert after.gone_vs_baseline[site] + after.still_vs_baseline[site] == before.unique[site]
        assert after.new_vs_previous[site] == after.new_vs_baseline[site]
    gone = sum(after.gone_vs_baseline.values()) / baseline
    new = sum(after.new_vs_baseline.values()) / baseline
    assert 0.10 < gone < 0.25 and 0.10 < new < 0.25
    assert m.live_hits("annonstavlan") == m.live_hits("annonstavlan", 7)
    assert compute_truth(m, 7).new_vs_previous is None


def test_texts_are_neutral():
    m = generate(seed=9, listings=300)
    words = {w.casefold() for p in m.postings for v in p.fields.values() for w in v.split()}
    for word in ("sex", "escort", "naken", "erotik", "massage", "nude", "sexy", "kåt"):
        assert word not in words
