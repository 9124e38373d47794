"""Canaries: a unique, searchable string planted in every content field of the demo market.

``planted_market`` passes a drawn market through ``plant``: every name,
title, text, price, e-mail address, handle, listing URL (the hit id is its last part)
and image URL gets a token ``kanarie`` + 10 letters and digits, unique in the market.
Phone numbers must still parse as phone numbers, so they carry no token: they are the
fictional numbers the market already uses, one per advertiser (and the booking agency's,
shown by many), and the number itself is the canary, however the page writes it. E-mail
addresses and handles keep the way each posting writes them ("kanarie... [at] example
[dot] org", "Snap: kanarie..."), so the canaries pass through every contact format the
crawler reads. A test then searches every sink for every canary (tests/test_canary.py).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from crawler.demo_market.elsewhere import PERSONAL
from crawler.demo_market.generator import generate
from crawler.demo_market.market import Advertiser, Hit, Market, Posting
from crawler.demo_market.wordlists import AGENCY_PHONE, SITE_LANGUAGE

MARKER = "kanarie"
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
IMAGE_PATH = "/sites/{site}/img/{token}.jpg"


@dataclass(frozen=True)
class Canaries:
    """Every planted string, by the field it went into."""

    by_field: dict[str, frozenset[str]] = field(default_factory=dict)
    phones: frozenset[str] = frozenset()  # display forms, as the pages show them

    @property
    def tokens(self) -> frozenset[str]:
        return frozenset(t for name, values in self.by_field.items() for t in values)

    def all(self) -> frozenset[str]:
        return self.tokens | self.phones

    def phone_digits(self) -> frozenset[str]:
        """Each phone number's national significant digits (no trunk or country prefix):
        the part that survives any way of writing it."""
        return frozenset(national_digits(p) for p in self.phones)


def national_digits(phone: str) -> str:
    digits = "".join(c for c in phone if c.isdigit())
    if phone.startswith("+44"):
        return digits[2:]
    if phone.startswith("+1"):
        return digits[1:]
    if phone.startswith("+46"):
        return digits[2:]
    return digits.lstrip("0")


def plant(seed: int, advertisers: Sequence[Advertiser], postings: Sequence[Posting],
          hits: Sequence[Hit]) -> tuple[list[Advertiser], list[Posting], list[Hit], Canaries]:
    rng = random.Random(f"canary:{seed}")  # its own stream: the market's draws stay as they were
    seen: set[str] = set()
    planted: dict[str, set[str]] = {k: set() for k in (
        "name", "title", "text", "price", "email", "handle", "listing_url", "image_url",
        "website")}

    def token(kind: str) -> str:
        while True:
            value = MARKER + "".join(rng.choice(_ALPHABET) for _ in range(10))
            if value not in seen:
                seen.add(value)
                planted[kind].add(value)
                return value

    old_advertisers = {a.advertiser_id: a for a in advertisers}
    new_advertisers = {}
    for a in advertisers:
        new_advertisers[a.advertiser_id] = replace(
            a, name=f"{a.name} {token('name')}",
            email=f"{token('email')}@{a.email.split('@', 1)[1]}" if a.email else None,
            handle=f"@{token('handle')}" if a.handle else None)
    def swapped(shown: str | None, old: str | None, new: str | None) -> str | None:
        # the posting's own way of writing the contact, with the canary in its name
        if shown is None or old is None or new is None:
            return shown
        assert old in shown, "a posting shows its advertiser's contact"
        return shown.replace(old, new)

    new_postings = []
    for p in postings:
        old = old_advertisers[p.advertiser_id]
        adv = new_advertisers[p.advertiser_id]
        lang_reference = "Reference" if SITE_LANGUAGE[p.site] == "en" else "Referens"
        new_postings.append(replace(
            p,
            name=adv.name,
            title=f"{p.title} {token('title')}" if p.title is not None else None,
            sentences=(*p.sentences, f"{lang_reference} {token('text')}."),
            price_text=f"{p.price} kr {token('price')}" if p.price is not None else None,
            email=swapped(p.email, _local(old.email), _local(adv.email)),
            handle=swapped(p.handle, _bare(old.handle), _bare(adv.handle)),
            image=IMAGE_PATH.format(site=p.site, token=token("image_url")),
            # the one "own page" a listing links to (demo_market/elsewhere.py): its domain
            # is a canary, which site discovery must never store
            website=(f"https://{token('website')}.test/" if p.website == f"https://{PERSONAL}/"
                     else p.website)))
    new_hits = [replace(h, hit_id=token("listing_url")) for h in hits]
    phones = frozenset(a.phone for a in advertisers if a.phone) | {AGENCY_PHONE}
    return (list(new_advertisers.values()), new_postings, new_hits,
            Canaries({k: frozenset(v) for k, v in planted.items()}, phones))


def _local(email: str | None) -> str | None:
    return email.split("@", 1)[0] if email else None


def _bare(handle: str | None) -> str | None:
    return handle.lstrip("@") if handle else None


def planted_market(seed: int, listings: int) -> tuple[Market, Canaries]:
    """The market ``generate`` draws, with a canary in every content field; its entities
    and ground truth are otherwise the same as without."""
    market = generate(seed=seed, listings=listings)
    advertisers, postings, hits, canaries = plant(seed, list(market.advertisers.values()),
                                                  market.postings, market.hits)
    return Market(seed=seed, listings=listings, horizon_days=market.horizon_days,
                  advertisers=advertisers, postings=postings, hits=hits), canaries
