"""Contact identifiers of a listing, normalised so that one advertiser's contacts match
however they are written: phone numbers to E.164 ("070-174 06 05", "+46 70 174 06 05",
"0046 70-174 06 05" are one number), e-mail addresses with their common obfuscations
undone ("anna at example punkt se", "anna [at] example [dot] se", "anna(at)example.se"),
and handles with their platform ("Snap: anna_x", "snapchat @anna_x" -> snapchat's
anna_x). They are hashed with the window key before they leave this module's caller;
the plain forms live only in memory.

A handle written with a platform word is "handle:<platform>:<name>"; one written
without is "handle:<name>". The two do not link (docs/METHOD.md): a bare handle names no
platform, and the same name on two platforms is two accounts, often of two people. The
platform word itself is never a handle (it was, and linked every advertiser on Snapchat
into one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import phonenumbers

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)

# "(at)", "[at]", "{snabel-a}", " at ", " snabel-a ": the @ written out so that
# harvesters miss it; likewise the dot ("[dot]", " punkt ", "(prick)")
_AT_WORDS = r"at|snabel-?a|@"
_DOT_WORDS = r"dot|punkt|prick|\."
_AT_BRACKETED = re.compile(rf"\s*[\[({{<]\s*(?:{_AT_WORDS})\s*[\])}}>]\s*", re.IGNORECASE)
_DOT_BRACKETED = re.compile(rf"\s*[\[({{<]\s*(?:{_DOT_WORDS})\s*[\])}}>]\s*", re.IGNORECASE)
_AT_SPACED = re.compile(rf"(?<=\w)\s+(?:{_AT_WORDS})\s+(?=\w)", re.IGNORECASE)
_DOT_SPACED = re.compile(rf"(?<=\w)\s+(?:{_DOT_WORDS})\s+(?=\w)", re.IGNORECASE)

# platform words as people write them -> the platform's one name
PLATFORMS = {
    "snapchat": "snapchat", "snap": "snapchat", "sc": "snapchat",
    "kik": "kik",
    "telegram": "telegram", "tg": "telegram", "tele": "telegram",
    "instagram": "instagram", "insta": "instagram", "ig": "instagram",
    "whatsapp": "whatsapp", "wa": "whatsapp",
    "signal": "signal",
    "wickr": "wickr",
    "threema": "threema",
    "onlyfans": "onlyfans",
    "twitter": "twitter",
    "skype": "skype",
    "line": "line",
    "wechat": "wechat",
}
_PLATFORM = "|".join(sorted(map(re.escape, PLATFORMS), key=len, reverse=True))
_NAME = r"[\w][\w.\-]{1,63}"
# "Snap: anna_x", "Kik: @x", "Telegram @x", "snapchat anna_x", "IG - x", "kik=x",
# "snap på anna_x", "insta/anna_x"
_WITH_PLATFORM = re.compile(
    rf"(?<![\w@])({_PLATFORM})\b\s*(?:[:=/\-–]|\bp[åa]\b|\bon\b)?\s*@?({_NAME})", re.IGNORECASE)
_AT_NAME = re.compile(rf"(?<![\w@])@({_NAME})", re.UNICODE)
_NUMBERISH = re.compile(r"[\d.\-]+")
# words around a handle that are not one ("add me on", "eller", "lägg till")
_NOT_HANDLES = frozenset({
    "add", "me", "on", "or", "and", "eller", "och", "lagg", "lägg", "till", "på", "pa",
    "mig", "find", "hitta", "handle", "kontakt", "contact", "dm", "pm", "via", "also",
    "även", "username", "user", "användarnamn", "namn", "name",
}) | frozenset(PLATFORMS)


@lru_cache(maxsize=65536)
def phones(text: str, region: str = "SE") -> tuple[str, ...]:
    found = []
    for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE):
        found.append(phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164))
    return tuple(sorted(set(found)))


def deobfuscated(text: str) -> str:
    """An e-mail field with written-out @ and dots put back; unchanged when it has an @.
    ("anna at example punkt se" -> "anna@example.se")"""
    text = _AT_BRACKETED.sub("@", text)
    text = _DOT_BRACKETED.sub(".", text)
    if "@" not in text:
        # the last " at ": "mail me at anna at example dot se" has its address last
        spaced = list(_AT_SPACED.finditer(text))
        if spaced:
            last = spaced[-1]
            text = text[:last.start()] + "@" + text[last.end():]
    # a dot written out only counts inside the address, after its @
    at = text.find("@")
    if at >= 0:
        text = text[:at] + _DOT_SPACED.sub(".", text[at:])
    return text


def emails(text: str) -> tuple[str, ...]:
    return tuple(sorted({m.group().casefold().rstrip(".")
                         for m in _EMAIL.finditer(deobfuscated(text))}))


def handles(text: str) -> tuple[str, ...]:
    """Handles as "<platform>:<name>" or, written without a platform word, "<name>"."""
    found: set[str] = set()
    rest = text
    for m in _WITH_PLATFORM.finditer(text):
        name = _name(m.group(2))
        if name and name not in _NOT_HANDLES:
            found.add(f"{PLATFORMS[m.group(1).casefold()]}:{name}")
        rest = rest.replace(m.group(0), " ", 1)
    for m in _AT_NAME.finditer(rest):
        if name := _name(m.group(1)):
            found.add(name)
    if not found:
        # a field holding just the name ("anna_x"), or names between filler words
        for word in re.split(r"[\s,;|/]+", rest):
            name = _name(word.lstrip("@"))
            if name and len(name) >= 2 and name not in _NOT_HANDLES and not _is_word_salad(word):
                found.add(name)
    return tuple(sorted(found))


def _name(raw: str) -> str:
    name = raw.strip(".-:").casefold()
    # "WhatsApp: 070-174 06 05" names a number, not an account: no "whatsapp:070-174"
    return "" if _NUMBERISH.fullmatch(name) else name


def _is_word_salad(word: str) -> bool:
    # a handle is one token of letters, digits, _ . -; anything else is prose or a symbol
    return not re.fullmatch(r"@?[\w.\-]+", word)


def identifiers(phone: Iterable[str] | str | None, email: Iterable[str] | str | None,
                handle: Iterable[str] | str | None) -> set[str]:
    """Typed identifiers ("tel:+4670...", "mail:...", "handle:snapchat:...",
    "handle:...") of one listing; each field a string or its several values."""
    ids: set[str] = set()
    for value in _values(phone):
        ids.update(f"tel:{p}" for p in phones(value))
    for value in _values(email):
        ids.update(f"mail:{e}" for e in emails(value))
    for value in _values(handle):
        ids.update(f"handle:{h}" for h in handles(value))
    return ids


def _values(field: Iterable[str] | str | None) -> tuple[str, ...]:
    if not field:
        return ()
    return (field,) if isinstance(field, str) else tuple(v for v in field if v)


def clear_caches() -> None:
    phones.cache_clear()
