"""A seeded synthetic market: advertisers, postings (unique contents) and hits.

`generate()` draws the whole timeline up front from one `random.Random(seed)`, so the
same arguments always give the same market; `Market` only moves a clock over it. The
ground truth (truth.py) is computed from these entities, never by pipeline code.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace

from crawler.demo_market import wordlists as v
from crawler.demo_market.elsewhere import with_links
from crawler.demo_market.market import (
    REPOST_KINDS,
    VARIANT_KINDS,
    Advertiser,
    Hit,
    Market,
    Posting,
    content_key,
)


def generate(seed: int = 1, listings: int = 2000, horizon_days: int = 60) -> Market:
    """Draw a market with exactly `listings` postings live at day 0."""
    if listings < 1:
        raise ValueError("listings must be >= 1")
    if horizon_days < 0:
        raise ValueError("horizon_days must be >= 0")
    # Spellings come from their own stream, so adding them left every other draw of a
    # seed's market as it was.
    b = _Builder(random.Random(seed), random.Random(f"spelling:{seed}"),
                 random.Random(f"contacts:{seed}"))
    b.baseline(listings)
    for day in range(1, horizon_days + 1):
        b.arrivals(day, listings)
    # drawn after every other posting, so the rest of a seed's market stays as it was
    b.reposts(horizon_days)
    return Market(seed=seed, listings=listings, horizon_days=horizon_days,
                  advertisers=b.advertisers, postings=with_links(b.postings), hits=b.hits)


_WORD = re.compile(r"\w+")
_LIFETIME_MEAN = 40.0  # days; ~16 % of day-0 postings are gone by day 7
_DAILY_ARRIVALS = 0.02  # new postings per day, as a share of `listings`
_VARIANT_SHARE = 0.10  # of all postings
# Per arrival draw: the other draws often bring several postings (reach), so a higher
# chance keeps arrivals near _VARIANT_SHARE too.
_ARRIVAL_VARIANT = 0.14
# Of the postings that end within the horizon, the share their advertiser continues the
# same day with an edited repost (a new ad: new hit ids), and how it was edited. The
# issue's market had a fifth of the listings that stayed a week reposted with changes.
_REPOST_SHARE = 0.3
_REPOST_KIND_WEIGHTS = {"wording": 3, "price": 2, "reorder": 2, "locality": 2, "site": 1}


class _Builder:
    def __init__(self, rng: random.Random, spelling_rng: random.Random,
                 contact_rng: random.Random):
        self.rng = rng
        self.spelling_rng = spelling_rng
        self.contact_rng = contact_rng  # how contacts are written: its own stream too
        self.advertisers: list[Advertiser] = []
        self.postings: list[Posting] = []
        self.hits: list[Hit] = []
        self._seen: dict[str, set] = {s[0]: set() for s in v.SITES}  # content keys
        self._hit_ids: dict[str, set[str]] = {s[0]: set() for s in v.SITES}
        self._adv_sites: dict[int, tuple[str, ...]] = {}
        self._adv_localities: dict[int, tuple[str, ...]] = {}
        phones = v.fictional_phone_numbers()
        rng.shuffle(phones)
        self._phones = [display for _digits, display in phones if display != v.AGENCY_PHONE]
        self._contacts: set[str] = set()
        self._synonyms = {lang: _synonym_map(pairs) for lang, pairs in v.SYNONYMS.items()}

    # --- timeline ------------------------------------------------------------------

    def _lifetime(self) -> int:
        return 1 + int(self.rng.expovariate(1 / _LIFETIME_MEAN))

    def baseline(self, listings: int) -> None:
        live = 0
        while live < listings:
            adv = self._new_advertiser()
            for site, locality in self._plan(adv):
                if live >= listings:
                    break
                p = self._add(self._new_posting(adv, site, locality, -self.rng.randint(0, 30),
                                                self._lifetime()))
                live += 1
                if live < listings and self.rng.random() < _VARIANT_SHARE / (1 - _VARIANT_SHARE):
                    start = self.rng.randint(p.start_day, 0)
                    if self._add(self._variant(p, start, self._lifetime())):
                        live += 1

    def arrivals(self, day: int, listings: int) -> None:
        rng = self.rng
        wanted = round(listings * _DAILY_ARRIVALS * rng.uniform(0.6, 1.4))
        live = [p for p in self.postings if p.live(day)]
        made = 0
        while made < wanted:
            r = rng.random()
            if r < _ARRIVAL_VARIANT and live:
                source = rng.choice(live)
                made += self._add(self._variant(source, day, day + self._lifetime())) is not None
            elif r < 0.30 and self.advertisers:
                # An existing advertiser posts again, on one of their sites and localities.
                adv = rng.choice(self.advertisers)
                site = rng.choice(self._adv_sites[adv.advertiser_id])
                locality = rng.choice(self._adv_localities[adv.advertiser_id])
                self._add(self._new_posting(adv, site, locality, day, day + self._lifetime()))
                made += 1
            else:
                adv = self._new_advertiser()
                for site, locality in self._plan(adv):
                    if made >= wanted:
                        break
                    self._add(self._new_posting(adv, site, locality, day,
                                                day + self._lifetime()))
                    made += 1

    def _add(self, p: Posting | None) -> Posting | None:
        if p is None:
            return None
        self.postings.append(p)
        counts, weights = v.HIT_COPIES.get(p.site, v.OTHER_HIT_COPIES)
        copies = self.rng.choices(counts, weights)[0]
        for _ in range(copies):
            self.hits.append(Hit(self._hit_id(p.site), p.listing_id, p.site, self.rng.random()))
        return p

    def _hit_id(self, site: str) -> str:
        while True:
            # each site numbers its items its own way, as real sites do
            if site == "annonstavlan":
                hit_id = format(self.rng.getrandbits(40), "010x")
            elif site == "profilkatalogen":
                hit_id = str(self.rng.randrange(100000, 1000000))
            elif site == "radannonsen":
                hit_id = str(self.rng.randrange(1000000, 10000000))
            elif site == "visitkortet":
                hit_id = "vk" + format(self.rng.getrandbits(24), "06x")
            else:
                hit_id = "m" + format(self.rng.getrandbits(32), "08x")
            if hit_id not in self._hit_ids[site]:
                self._hit_ids[site].add(hit_id)
                return hit_id

    # --- advertisers -----------------------------------------------------------------

    def _new_advertiser(self) -> Advertiser:
        rng = self.rng
        gender = rng.choices(v.GENDERS, v.GENDER_WEIGHTS)[0]
        if gender == "woman":
            name = rng.choice(v.WOMEN_NAMES)
        elif gender == "man":
            name = rng.choice(v.MEN_NAMES)
        elif gender == "trans":
            name = rng.choice(v.NEUTRAL_NAMES + v.WOMEN_NAMES[:20])
        else:
            name = f"{rng.choice(v.WOMEN_NAMES)} & {rng.choice(v.MEN_NAMES + v.WOMEN_NAMES)}"
        age = min(55, 19 + int(rng.gammavariate(2.0, 4.0)))  # mode ~23, mean ~27
        languages = [c for c in v.LANGUAGES if rng.random() < v.LANGUAGE_PROBABILITY[c]]
        if not languages:
            others = [c for c in v.LANGUAGES if c != "en"]
            languages = [rng.choices(others, [v.LANGUAGE_PROBABILITY[c] for c in others])[0]]
        while len(languages) > 3:
            languages.remove(rng.choice([c for c in languages if c != "en"]))
        non_english = [c for c in languages if c != "en"]
        nationality = rng.choice(v.NATIONALITIES_BY_LANGUAGE[
            rng.choice(non_english) if non_english else "en"])
        # clients must reach an advertiser: nearly all have a phone, every one has a contact
        phone = self._phones.pop() if self._phones and rng.random() < 0.9 else None
        email = self._contact("{w}{n}@{d}") if rng.random() < 0.5 else None
        handle = self._contact("@{w}_{n}") if rng.random() < 0.4 else None
        if not (phone or email or handle):
            handle = self._contact("@{w}_{n}")
        adv = Advertiser(
            advertiser_id=len(self.advertisers) + 1,
            name=name, gender=gender, age=age, languages=tuple(languages),
            locality=self._locality(),
            phone=phone,
            email=email,
            handle=handle,
            orientation=rng.choices(v.ORIENTATIONS, v.ORIENTATION_WEIGHTS)[0],
            nationality=nationality,
            ethnicity=rng.choices(v.ETHNICITIES, v.ETHNICITY_WEIGHTS)[0],
            handle_platform=(self.contact_rng.choice(sorted(v.HANDLE_PLATFORMS))
                             if handle and self.contact_rng.random() < v.HANDLE_PLATFORM_SHARE
                             else None),
            agency=self.contact_rng.random() < v.AGENCY_SHARE,
        )
        self.advertisers.append(adv)
        n_sites = rng.choices((1, 2, 3), (80, 15, 5))[0]
        self._adv_sites[adv.advertiser_id] = tuple(
            self._weighted_sample(list(v.SITE_WEIGHTS), list(v.SITE_WEIGHTS.values()), n_sites))
        n_places = rng.choices((1, 2, 3), (82, 12, 6))[0]
        others = [loc for loc in v.LOCALITIES if loc != adv.locality]
        self._adv_localities[adv.advertiser_id] = (adv.locality,) + tuple(self._weighted_sample(
            others, [v.LOCALITY_WEIGHTS[loc] for loc in others], n_places - 1))
        return adv

    def _plan(self, adv: Advertiser) -> list[tuple[str, str]]:
        # One posting per (site, locality) of the advertiser's reach.
        return [(s, loc) for s in self._adv_sites[adv.advertiser_id]
                for loc in self._adv_localities[adv.advertiser_id]]

    def _contact(self, pattern: str) -> str:
        while True:
            value = pattern.format(w=self.rng.choice(v.CONTACT_WORDS),
                                   n=self.rng.randint(1, 999),
                                   d=self.rng.choice(v.EMAIL_DOMAINS))
            if value not in self._contacts:
                self._contacts.add(value)
                return value

    def _locality(self, exclude: str | None = None) -> str:
        names = [loc for loc in v.LOCALITIES if loc != exclude]
        return self.rng.choices(names, [v.LOCALITY_WEIGHTS[loc] for loc in names])[0]

    def _weighted_sample(self, items: list, weights: list, k: int) -> list:
        items, weights, out = list(items), list(weights), []
        for _ in range(min(k, len(items))):
            i = self.rng.choices(range(len(items)), weights)[0]
            out.append(items.pop(i))
            weights.pop(i)
        return out

    # --- postings --------------------------------------------------------------------

    def _new_posting(self, adv: Advertiser, site: str, locality: str,
                     start: int, end: int) -> Posting:
        rng = self.rng
        lang = v.SITE_LANGUAGE[site]
        shows = v.SITE_SHOWS[site]
        for _ in range(100):
            show = tuple(rng.random() < share for share in v.CONTACT_SHOWN[site])
            has = (adv.phone is not None, adv.email is not None, adv.handle is not None)
            if not any(s and h for s, h in zip(show, has)):
                # a posting shows at least one way to make contact
                first = has.index(True)
                show = tuple(i == first for i in range(3))
            extras = "extras" in shows
            p = Posting(
                listing_id=len(self.postings) + 1,
                advertiser_id=adv.advertiser_id,
                site=site, locality=locality, start_day=start, end_day=end,
                name=adv.name,
                title=rng.choice(v.TITLES_SV) if "title" in shows else None,
                sentences=self._text(lang, adv),
                price=rng.choice(v.PRICES) if "price" in shows else None,
                gender=adv.gender if rng.random() < 0.6 else None,
                age=adv.age if rng.random() < 0.4 else None,
                languages=adv.languages if rng.random() < v.LANGUAGE_STATED[site] else (),
                orientation=adv.orientation if extras and rng.random() < 0.3 else None,
                nationality=adv.nationality if extras and rng.random() < 0.3 else None,
                ethnicity=adv.ethnicity if extras and rng.random() < 0.3 else None,
                locality_shown=self._spelling(site, locality),
                phone=self._phone_shown(adv, lang, show[0]),
                email=self._email_shown(adv.email) if show[1] else None,
                handle=self._handle_shown(adv) if show[2] else None,
            )
            if self._claim(p):
                return p
        raise RuntimeError("could not draw a unique posting")  # vocabulary far too small

    def _phone_shown(self, adv: Advertiser, lang: str, shown: bool) -> str | None:
        """The advertiser's number in one of the ways numbers are written, and, for an
        agency's advertiser, the agency's booking number beside it."""
        own = _phone_style(adv.phone, self.contact_rng.choice(v.SWEDISH_PHONE_STYLES)) \
            if adv.phone is not None and shown else None
        if not adv.agency:
            return own
        booking = v.AGENCY_LABEL[lang].format(v.AGENCY_PHONE)
        return f"{own} · {booking}" if own else booking

    def _email_shown(self, email: str | None) -> str | None:
        style = self.contact_rng.choice(v.EMAIL_STYLES)
        if email is None or style is None:
            return email
        local, domain = email.split("@", 1)
        name, tld = domain.rsplit(".", 1)
        return style.format(local=local, name=name, tld=tld)

    def _handle_shown(self, adv: Advertiser) -> str | None:
        if adv.handle is None or adv.handle_platform is None:
            return adv.handle
        return self.contact_rng.choice(v.HANDLE_STYLES).format(
            word=self.contact_rng.choice(v.HANDLE_PLATFORMS[adv.handle_platform]),
            name=adv.handle.lstrip("@"))

    def _spelling(self, site: str, locality: str) -> str | None:
        variants = v.spelling_variants(site, locality)
        if variants and self.spelling_rng.random() < v.SPELLING_SHARE:
            return self.spelling_rng.choice(variants)
        return None

    def _claim(self, p: Posting) -> bool:
        key = content_key(p)
        if key in self._seen[p.site]:
            return False
        self._seen[p.site].add(key)
        return True

    def _text(self, lang: str, adv: Advertiser) -> tuple[str, ...]:
        rng = self.rng
        pronouns = v.PRONOUNS[lang][adv.gender == "couple"]
        slots = v.SLOTS[lang]

        def fill(template: str) -> str:
            values = {k: rng.choice(options) for k, options in slots.items()}
            for k in ("activity2", "topic2"):  # "yoga och yoga" would read oddly
                while values[k] == values[k[:-1]]:
                    values[k] = rng.choice(slots[k])
            return template.format(name=adv.name, **pronouns, **values)

        sentences = [fill(rng.choice(v.INTROS[lang]))]
        sentences += [fill(t) for t in rng.sample(v.BODIES[lang], rng.randint(2, 3))]
        if rng.random() < 0.6:
            sentences.append(rng.choice(v.CLOSINGS[lang]))
        return tuple(sentences)

    def _variant(self, source: Posting, start: int, end: int,
                 only: tuple[str, ...] = VARIANT_KINDS) -> Posting | None:
        """A near-duplicate of `source` differing in exactly one way (of ``only``), or None."""
        rng = self.rng
        kinds = [k for k in only if k != "price" or source.price is not None]
        rng.shuffle(kinds)
        base = dict(listing_id=len(self.postings) + 1, start_day=start, end_day=end,
                    variant_of=source.listing_id)
        for kind in kinds:
            for _ in range(10):
                if kind == "wording":
                    sentences = self._reword(source)
                    if sentences is None:
                        break
                    change = {"sentences": sentences}
                elif kind == "price":
                    change = {"price": rng.choice([x for x in v.PRICES if x != source.price])}
                elif kind == "reorder":
                    order = list(source.sentences)
                    while tuple(order) == source.sentences:
                        rng.shuffle(order)
                    change = {"sentences": tuple(order)}
                else:
                    locality = self._locality(exclude=source.locality)
                    change = {"locality": locality,
                              "locality_shown": self._spelling(source.site, locality)}
                p = replace(source, variant_kind=kind, **base, **change)
                if self._claim(p):
                    return p
        return None

    def reposts(self, horizon_days: int) -> None:
        """Continue a share of the postings that end within the horizon (reposts of
        reposts too: the list grows as it is read)."""
        i = 0
        while i < len(self.postings):
            p = self.postings[i]
            i += 1
            if 0 < p.end_day <= horizon_days and self.rng.random() < _REPOST_SHARE:
                self._add(self._repost(p))

    def _repost(self, source: Posting) -> Posting | None:
        """``source`` continued from the day it ended: one edit as in ``_variant``, or the
        same ad on another site of the same language (as that site shows it)."""
        start, end = source.end_day, source.end_day + self._lifetime()
        kinds = list(_REPOST_KIND_WEIGHTS)
        kind = self.rng.choices(kinds, list(_REPOST_KIND_WEIGHTS.values()))[0]
        if kind != "site":
            edited = self._variant(source, start, end, (kind,))
            if edited is None:
                return None
            return replace(edited, variant_of=None, variant_kind=None,
                           continues=source.listing_id, repost_kind=kind)
        lang = v.SITE_LANGUAGE[source.site]
        others = [s for s, _k, _r, language in v.SITES if language == lang and s != source.site]
        if not others:
            return None
        site = self.rng.choice(others)
        shows, extras = v.SITE_SHOWS[site], "extras" in v.SITE_SHOWS[site]
        p = replace(
            source, listing_id=len(self.postings) + 1, site=site, start_day=start, end_day=end,
            title=(source.title or self.rng.choice(v.TITLES_SV)) if "title" in shows else None,
            price=(source.price or self.rng.choice(v.PRICES)) if "price" in shows else None,
            orientation=source.orientation if extras else None,
            nationality=source.nationality if extras else None,
            ethnicity=source.ethnicity if extras else None,
            locality_shown=self._spelling(site, source.locality),
            variant_of=None, variant_kind=None, continues=source.listing_id, repost_kind=kind)
        assert kind in REPOST_KINDS
        return p if self._claim(p) else None

    def _reword(self, source: Posting) -> tuple[str, ...] | None:
        lang = v.SITE_LANGUAGE[source.site]
        synonyms = self._synonyms[lang]
        spots = [(i, m) for i, s in enumerate(source.sentences)
                 for m in _WORD.finditer(s) if m.group() in synonyms]
        if not spots:
            return None
        i, m = self.rng.choice(spots)
        s = source.sentences[i]
        sentences = list(source.sentences)
        sentences[i] = s[:m.start()] + synonyms[m.group()] + s[m.end():]
        return tuple(sentences)


def _phone_style(display: str, style: str) -> str:
    """A Swedish display number ("070-174 06 05") in ``style``; a foreign one as it is."""
    if display.startswith("+"):
        return display
    area, groups = display.split("-", 1)
    return style.format(area=area, trunkless=area[1:], groups=groups,
                        digits=groups.replace(" ", ""))


def _synonym_map(pairs: tuple[tuple[str, str], ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for a, b in pairs:
        out.setdefault(a, b)
        out.setdefault(b, a)
    return out
