"""The demo market's entities (sites, advertisers, postings, hits) and the market that
moves a clock over them. ``generator.py`` draws them; ``truth.py`` counts them.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass

from crawler.demo_market import wordlists as v

VARIANT_KINDS = ("wording", "price", "reorder", "locality")
# an ended posting continued by its advertiser: edited as a variant is, or moved to
# another site (of the same language)
REPOST_KINDS = (*VARIANT_KINDS, "site")


@dataclass(frozen=True)
class DemoSite:
    name: str
    kind: str
    render: str  # "http" (server-rendered) or "browser" (content built by JavaScript)
    language: str


@dataclass(frozen=True)
class Advertiser:
    advertiser_id: int
    name: str
    gender: str
    age: int
    languages: tuple[str, ...]
    locality: str  # home locality
    phone: str | None  # display form, e.g. "070-174 06 05"
    email: str | None
    handle: str | None
    orientation: str
    nationality: str
    ethnicity: str
    handle_platform: str | None = None  # the handle's platform ("snapchat"), None: bare
    agency: bool = False  # shows the booking agency's number (AGENCY_PHONE) beside its own


@dataclass(frozen=True)
class Posting:
    """One unique content (a listing entity); live when start_day <= day < end_day.

    Person fields hold the canonical value when the posting states it, else None (or
    an empty tuple for languages); contact fields hold what the posting shows.
    """

    listing_id: int
    advertiser_id: int
    site: str
    locality: str
    start_day: int
    end_day: int
    name: str
    title: str | None
    sentences: tuple[str, ...]
    price: int | None
    gender: str | None
    age: int | None
    languages: tuple[str, ...]
    orientation: str | None
    nationality: str | None
    ethnicity: str | None
    phone: str | None  # as shown: any common format, with the agency's number, obfuscated...
    email: str | None
    handle: str | None
    variant_of: int | None = None
    variant_kind: str | None = None
    locality_shown: str | None = None  # a spelling variant of `locality`, when shown
    price_text: str | None = None  # the price as shown, when not "<price> kr" (canaries)
    image: str | None = None  # a picture's URL path (canaries: the market has no pictures)
    website: str | None = None  # a link out of the market (elsewhere.py), shown as a link
    # a repost over time: the posting this one continues, which ended the day this one
    # started, and how this one differs from it (REPOST_KINDS)
    continues: int | None = None
    repost_kind: str | None = None

    def live(self, day: int) -> bool:
        return self.start_day <= day < self.end_day

    @property
    def text(self) -> str:
        return " ".join(self.sentences)

    @property
    def paragraphs(self) -> tuple[str, str]:
        half = (len(self.sentences) + 1) // 2
        return " ".join(self.sentences[:half]), " ".join(self.sentences[half:])

    @functools.cached_property
    def fields(self) -> dict[str, str]:
        """The displayed fields of this posting on its site, in display order."""
        return displayed_fields(self)


@dataclass(frozen=True)
class Hit:
    """One item on a site; every hit of a posting renders the same fields."""

    hit_id: str
    listing_id: int
    site: str
    rank: float  # stable tie-break within a start day, so reposts are scattered


def displayed_fields(p: Posting) -> dict[str, str]:
    """The strings `p.site` shows, keyed by field; absent when not stated/shown."""
    site = p.site
    out: dict[str, str] = {}
    if p.title is not None:
        out["title"] = p.title
    if "name" in v.SITE_SHOWS[site]:
        out["name"] = p.name
    out["locality"] = p.locality_shown or v.display_locality(site, p.locality)
    if p.age is not None:
        out["age"] = v.AGE_DISPLAY[site].format(p.age)
    if p.gender is not None:
        out["gender"] = v.GENDER_DISPLAY[site][p.gender]
    if p.languages:
        names = v.LANGUAGE_DISPLAY[site]
        out["languages"] = v.LANGUAGE_SEPARATOR.get(site, ", ").join(
            names[code] for code in p.languages)
    for key in ("orientation", "nationality", "ethnicity"):
        if getattr(p, key) is not None:
            out[key] = getattr(p, key)
    out["text"] = p.text
    if p.price is not None:
        out["price"] = p.price_text or f"{p.price} kr"
    for key in ("phone", "email", "handle"):
        if getattr(p, key) is not None:
            out[key] = getattr(p, key)
    return out


def content_key(p: Posting) -> tuple[tuple[str, str], ...]:
    """What "exact copy" compares: every displayed field, whitespace- and case-folded."""
    return tuple(sorted((k, " ".join(s.split()).casefold()) for k, s in p.fields.items()))


class Market:
    """The generated market plus a clock (`day`); safe to read from server threads."""

    def __init__(self, *, seed: int, listings: int, horizon_days: int,
                 advertisers: list[Advertiser], postings: list[Posting], hits: list[Hit]):
        self.seed = seed
        self.listings = listings
        self.horizon_days = horizon_days
        self.sites = tuple(DemoSite(*s) for s in v.SITES)
        self.advertisers = {a.advertiser_id: a for a in advertisers}
        self.postings = tuple(postings)
        self.hits = tuple(hits)
        self._postings = {p.listing_id: p for p in postings}
        self._hit_index: dict[str, dict[str, Hit]] = {s.name: {} for s in self.sites}
        ordered: dict[str, list[Hit]] = {s.name: [] for s in self.sites}
        for h in hits:
            self._hit_index[h.site][h.hit_id] = h
            ordered[h.site].append(h)
        for site, site_hits in ordered.items():
            site_hits.sort(key=lambda h: (-self._postings[h.listing_id].start_day, h.rank))
        self._ordered = {site: tuple(hs) for site, hs in ordered.items()}
        self._live_cache: dict[tuple[str, int], tuple[Hit, ...]] = {}
        self._lock = threading.Lock()
        self._day = 0

    @property
    def day(self) -> int:
        return self._day

    def advance(self, days: int = 7) -> int:
        """Move the clock `days` (>= 1) forward; returns the new day.

        Past `horizon_days` nothing new arrives, postings only expire.
        """
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise ValueError(f"days must be an integer >= 1, got {days!r}")
        with self._lock:
            self._day += days
            return self._day

    def site(self, name: str) -> DemoSite:
        for s in self.sites:
            if s.name == name:
                return s
        raise ValueError(f"unknown demo site {name!r}")

    def live_hits(self, site: str, day: int | None = None) -> list[Hit]:
        """Hits live on `day` (default: today) in list-page order, newest first."""
        return list(self._live(site, self._day if day is None else day))

    def _live(self, site: str, day: int) -> tuple[Hit, ...]:
        self.site(site)
        key = (site, day)
        cached = self._live_cache.get(key)
        if cached is None:
            cached = tuple(h for h in self._ordered[site]
                           if self._postings[h.listing_id].live(day))
            # Racing threads compute the same tuple; a bounded cache keeps long demos small.
            if len(self._live_cache) > 64:
                self._live_cache.clear()
            self._live_cache[key] = cached
        return cached

    def posting(self, listing_id: int) -> Posting:
        return self._postings[listing_id]

    def hit(self, site: str, hit_id: str) -> Hit | None:
        """The hit if it exists and is live today, else None."""
        self.site(site)
        h = self._hit_index[site].get(hit_id)
        if h is None or not self._postings[h.listing_id].live(self._day):
            return None
        return h

    def hits_of(self, listing_id: int) -> list[Hit]:
        p = self._postings[listing_id]
        return [h for h in self._ordered[p.site] if h.listing_id == listing_id]
