"""Contact identifiers of a listing, normalised so that one advertiser's numbers match:
phone numbers to E.164 ("070-174 06 05" and "+46 70 174 06 05" are one number),
e-mail addresses and handles lower-cased. They are hashed with the window key before
they leave this module's caller; the plain forms live only in memory."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_HANDLE = re.compile(r"@?([\w.]{2,64})", re.UNICODE)


@lru_cache(maxsize=65536)
def phones(text: str, region: str = "SE") -> tuple[str, ...]:
    found = []
    for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE):
        found.append(phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164))
    return tuple(sorted(set(found)))


def emails(text: str) -> tuple[str, ...]:
    return tuple(sorted({m.group().casefold() for m in _EMAIL.finditer(text)}))


def handles(text: str) -> tuple[str, ...]:
    return tuple(sorted({m.group(1).casefold() for m in _HANDLE.finditer(text)}))


def identifiers(phone: str | None, email: str | None, handle: str | None) -> set[str]:
    """Typed identifiers ("tel:+4670...", "mail:...", "handle:...") of one listing."""
    ids: set[str] = set()
    if phone:
        ids.update(f"tel:{p}" for p in phones(phone))
    if email:
        ids.update(f"mail:{e}" for e in emails(email))
    if handle:
        ids.update(f"handle:{h}" for h in handles(handle))
    return ids


def clear_caches() -> None:
    phones.cache_clear()
